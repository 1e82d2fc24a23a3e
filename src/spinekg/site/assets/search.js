// Search over labels and synonyms, from the index the site ships (search-index.js).
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var entries = window.SPINEKG_SEARCH || [];
  function render(text) {
    var needle = text.trim().toLowerCase();
    list.replaceChildren();
    if (!needle) { return; }
    var found = entries.filter(function (e) {
      return e.label.toLowerCase().indexOf(needle) >= 0 || e.synonyms.some(function (s) { return s.toLowerCase().indexOf(needle) >= 0; });
    }).slice(0, 50);
    found.forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.href;
      link.textContent = e.label;
      item.appendChild(link);
      var also = e.synonyms.filter(function (s) { return s.toLowerCase().indexOf(needle) >= 0; });
      if (also.length) { item.appendChild(document.createTextNode(" (" + also.join(", ") + ")")); }
      item.appendChild(document.createTextNode(e.kind === "term" ? " · ontology term" : ""));
      list.appendChild(item);
    });
    if (!found.length) { var none = document.createElement("li"); none.textContent = "Nothing found."; list.appendChild(none); }
  }
  input.addEventListener("input", function () { render(input.value); });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); render(input.value); }
})();
