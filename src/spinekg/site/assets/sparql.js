// The SPARQL page: YASGUI, one tab per prepared query, over the site's data in an Oxigraph store
// in the browser (store.js). YASQE's query() is replaced by one that asks that store, so no
// query ever goes to a SPARQL endpoint; the response has the shape YASQE's own fetch gives YASR.
// WebAssembly cannot load from a file:// page, so there the page says to serve the site.
(function () {
  "use strict";
  var status = document.getElementById("sparql-status");
  var here = document.currentScript.src;
  var page = document.documentElement;

  function say(state, text) {
    page.dataset.sparql = state;
    status.textContent = text;
  }

  if (window.location.protocol === "file:") {
    say("file", "This page runs SPARQL with WebAssembly, which a browser does not load from a file. Serve the site (spinekg site --serve) and open it over http://127.0.0.1.");
    return;
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(script);
    });
  }

  function respond(graph, yasqe) {
    if (yasqe.getQueryMode() === "update") {
      return new Error("This page only reads the graph: SPARQL Update is not run here.");
    }
    try {
      var answer = graph.respond(yasqe.getValue(), yasqe.getQueryType());
      var headers = new Headers({ "content-type": answer.contentType });
      return { ok: true, status: 200, statusText: "OK", headers: headers, type: "basic", content: answer.content };
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  function useStore(Yasgui, graph) {
    Yasgui.Yasqe.prototype.query = function () {
      var yasqe = this;
      var started = Date.now();
      yasqe.emit("queryBefore", yasqe.config.requestConfig);
      yasqe.emit("query", undefined, undefined);
      var response = respond(graph, yasqe);
      yasqe.emit("queryResponse", response, Date.now() - started);
      if (!(response instanceof Error)) { yasqe.emit("queryResults", response.content, Date.now() - started); }
      return Promise.resolve(response);
    };
  }

  // What YASGUI leaves out for assistive technology: names for its editor, page-size select and
  // tab-name fields, a focusable editor scroller, and aria-controls only for panels drawn so far.
  function accessible(root) {
    root.querySelectorAll(".tabsList a[role=tab]").forEach(function (tab) {
      var id = tab.getAttribute("aria-controls") || tab.dataset.controls;
      if (!id) { return; }
      tab.dataset.controls = id;
      if (document.getElementById(id)) { tab.setAttribute("aria-controls", id); } else { tab.removeAttribute("aria-controls"); }
    });
    var names = [[".CodeMirror textarea", "SPARQL query"], ["select.tableSizer", "Rows per page"], [".tabsList input", "Tab name"]];
    names.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (node) { node.setAttribute("aria-label", pair[1]); });
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (node) { node.setAttribute("tabindex", "0"); });
  }

  function watch(root) {
    var pending = false;
    accessible(root);
    new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; accessible(root); });
    }).observe(root, { childList: true, subtree: true });
  }

  function editor(Yasgui, graph) {
    var yasgui = new Yasgui(document.getElementById("yasgui"), {
      persistenceId: null,
      populateFromUrl: false,
      autoAddOnInit: false,
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return []; }, keys: [] },
      requestConfig: { endpoint: window.location.href },
      yasqe: { autocompleters: ["variables"] },
    });
    Object.keys(graph.catalogue.queries).forEach(function (name, i) {
      var query = graph.catalogue.queries[name];
      yasgui.addTab(i === 0, { name: name, yasqe: { value: query.bound || query.text } });
    });
    watch(yasgui.rootEl);
    return yasgui;
  }

  say("loading", "Loading the graph…");
  Promise.all([loadScript(new URL("vendor/@zazuko/yasgui/yasgui.min.js", here).href), import(new URL("store.js", here).href)])
    .then(function (loaded) { return loaded[1].openGraph(); })
    .then(function (graph) {
      useStore(window.Yasgui, graph);
      window.spinekgYasgui = editor(window.Yasgui, graph);
      say("ready", "The graph is loaded (" + graph.store.size + " quads). Run a tab's query with its ▶ button or Ctrl+Enter.");
    })
    .catch(function (err) { say("error", "The SPARQL page could not start: " + err.message); });
})();
