// The article page: selecting a marked sentence shows the facts it supports in a panel
// under the text, and so does arriving at a sentence's anchor (an evidence link: article.html#s16).
// Without JavaScript the link still leads to the same facts further down.
(function () {
  "use strict";
  var panel = document.createElement("aside");
  panel.id = "fact-panel";
  panel.setAttribute("aria-live", "polite");
  panel.setAttribute("aria-label", "Facts from the selected sentence");
  panel.hidden = true;
  var article = document.querySelector("article.source");
  if (!article) { return; }
  article.after(panel);
  function show(link) {
    var facts = document.getElementById("facts-" + link.dataset.sentence);
    if (!facts) { return; }
    document.querySelectorAll("a.fact.selected").forEach(function (a) { a.classList.remove("selected"); });
    link.classList.add("selected");
    panel.replaceChildren(facts.cloneNode(true));
    panel.firstChild.removeAttribute("id");
    panel.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    panel.hidden = false;
  }
  article.addEventListener("click", function (event) {
    var link = event.target.closest("a.fact");
    if (!link) { return; }
    event.preventDefault();
    show(link);
  });
  function showTarget() {
    var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && target.matches("a.fact")) { show(target); }
  }
  window.addEventListener("hashchange", showTarget);
  showTarget();
})();
