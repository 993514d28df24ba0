// The priority matrix grid: a cell takes its new priority's colour as soon as it is chosen.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var cell = event.target.closest("[data-matrix-cell]");
    if (!cell || event.target.tagName !== "SELECT") return;
    cell.className = "cell-" + event.target.value.toLowerCase();
  });
})();
