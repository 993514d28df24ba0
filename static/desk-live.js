// Live parts of the major incident and drill pages (an element with data-live-every, in
// seconds, and hx-get/hx-trigger="live:refresh"): refreshed in place through htmx, pausable
// (WCAG 2.2.2) with the button next to it, the choice remembered in localStorage. The button
// carries its two words, in the reader's language, as data-pause and data-resume.
(function () {
  "use strict";
  if (!window.htmx) return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-live-every]"), function (part) {
    var every = parseInt(part.getAttribute("data-live-every"), 10) || 5;
    var toggle = document.getElementById(part.getAttribute("data-live-toggle"));
    var KEY = "tierdesk.live.autorefresh";
    var paused = false;
    try { paused = window.localStorage.getItem(KEY) === "off"; } catch (e) { /* storage blocked */ }
    function show() {
      if (!toggle) return;
      toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      toggle.textContent = paused
        ? toggle.getAttribute("data-resume") || "Resume live updates"
        : toggle.getAttribute("data-pause") || "Pause live updates";
    }
    if (toggle) {
      toggle.hidden = false;
      show();
      toggle.addEventListener("click", function () {
        paused = !paused;
        try { window.localStorage.setItem(KEY, paused ? "off" : "on"); } catch (e) { /* ignore */ }
        show();
      });
    }
    setInterval(function () {
      if (!paused && !document.hidden) window.htmx.trigger(part, "live:refresh");
    }, every * 1000);
  });
})();
