// A prepared query's page: over HTTP, the form runs the query in the browser on the site's
// data (store.js), each value resolved and bound as an RDF term as `spinekg query` binds it.
// Without JavaScript, or from a file:// page, the page keeps the answers for the examples.
(function () {
  "use strict";
  var form = document.querySelector("form.query-form");
  var status = document.getElementById("query-status");
  var section = document.getElementById("answers");
  var here = document.currentScript.src;
  if (!form || !section) { return; }
  var name = form.dataset.query;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name]"));
  var graph = null;
  var runs = 0;

  if (window.location.protocol === "file:") {
    form.querySelector("button[type=submit]").disabled = true;
    status.textContent = "Running a query in the browser needs the site served (spinekg site --serve); the answers below are for the examples.";
    return;
  }

  function openGraph() {
    if (!graph) {
      status.textContent = "Loading the graph…";
      graph = import(new URL("store.js", here).href).then(function (store) { return store.openGraph(); });
    }
    return graph;
  }

  function cell(g, term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    td.dataset.term = term.toString();
    var href = term.termType === "NamedNode" ? g.href(term.value) : null;
    var text = term.termType === "NamedNode" ? g.label(term.value) : term.value;
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = text;
      td.appendChild(link);
    } else {
      td.textContent = text;
    }
    return td;
  }

  function table(g, answer) {
    var element = document.createElement("table");
    var head = element.createTHead().insertRow();
    answer.variables.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    var body = element.createTBody();
    answer.rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (term) { tr.appendChild(cell(g, term)); });
    });
    var wrap = document.createElement("div");  // a wide answer scrolls in its own region, as the page's own table does
    wrap.className = "table-wrap";
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Answers");
    wrap.tabIndex = 0;
    wrap.appendChild(element);
    return wrap;
  }

  function show(heading, nodes, state) {
    section.querySelector("h2").textContent = heading;
    document.getElementById("answers-body").replaceChildren.apply(document.getElementById("answers-body"), nodes);
    runs += 1;
    section.dataset.run = String(runs);
    section.dataset.state = state;
  }

  function values() {
    var given = {};
    inputs.forEach(function (input) { if (input.value !== "") { given[input.name] = input.value; } });
    return given;
  }

  function run() {
    var given = values();
    var shown = Object.keys(given).map(function (k) { return k + " = “" + given[k] + "”"; }).join(", ");
    var heading = "Answers" + (shown ? " for " + shown : "");
    window.history.replaceState(null, "", "?" + new URLSearchParams(given).toString());
    return openGraph().then(function (g) {
      var answer;
      try {
        answer = g.prepared(name, given);
      } catch (err) {
        var message = document.createElement("p");
        message.className = "query-error";
        message.textContent = err.message;
        status.textContent = "";
        show("No answers" + (shown ? " for " + shown : ""), [message], "error");
        return;
      }
      var count = document.createElement("p");
      count.textContent = answer.rows.length + " row" + (answer.rows.length === 1 ? "" : "s") + ", run in your browser.";
      status.textContent = "";
      show(heading, [table(g, answer), count], "done");
    }, function (err) {
      status.textContent = "The graph could not be loaded: " + err.message;
      section.dataset.state = "failed";
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  var params = new URLSearchParams(window.location.search);
  var asked = inputs.filter(function (input) { return params.has(input.name); });
  if (asked.length) {
    inputs.forEach(function (input) { input.value = params.get(input.name) || ""; });
    run();
  }
})();
