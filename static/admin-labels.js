// Names for the inputs Select2 draws in the admin (autocomplete fields), which it leaves
// unlabelled: each takes the label of the <select> it stands for. Select2 redraws its inline
// search box whenever the selection changes, so new ones are named as they appear.
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    var text = label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
    return text || select.name;
  }

  function name(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT") return;
    var text = labelOf(select);
    container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (box) {
      if (!box.getAttribute("aria-label")) box.setAttribute("aria-label", text);
    });
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      if (!field.getAttribute("aria-label")) field.setAttribute("aria-label", "Search " + text);
    });
  }

  function nameAll(root) {
    if (root.querySelectorAll) root.querySelectorAll("span.select2-container").forEach(name);
    // The dropdown's own search box is drawn at the end of the page while it is open.
    document.querySelectorAll(".select2-dropdown .select2-search__field").forEach(function (f) {
      if (!f.getAttribute("aria-label")) f.setAttribute("aria-label", "Search");
    });
  }

  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) return;
        var container = node.closest && node.closest("span.select2-container");
        if (container) name(container);
        nameAll(node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  document.addEventListener("DOMContentLoaded", function () { nameAll(document); });
})();
