// The live preview asks again when the browser restores the form from its back/forward cache:
// a preview request cut off as the page was left would otherwise stay "Loading the preview…".
(function () {
  "use strict";
  window.addEventListener("pageshow", function (event) {
    var panel = document.getElementById("live-preview");
    if (event.persisted && panel && window.htmx) window.htmx.trigger(panel, "refresh");
  });
})();
