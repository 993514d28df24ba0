// Desk deadline badges count down between page loads (UI "Desk"). The same thresholds as
// desk/deadlines.py. Not a live region: only a crossing into "Overdue" is announced, once,
// through the page's single role="status" element.
(function () {
  "use strict";
  var root = document.querySelector("[data-at-risk-minutes]");
  if (!root) return;
  var atRisk = Number(root.getAttribute("data-at-risk-minutes")) * 60;
  var urgent = Number(root.getAttribute("data-urgent-minutes")) * 60;
  var announcer = document.getElementById("desk-announcer");

  function short(seconds) {
    seconds = Math.floor(Math.abs(seconds));
    var d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    if (d) return h ? d + "d " + h + "h" : d + "d";
    if (h) return m ? h + "h " + m + "m" : h + "h";
    return m ? m + "m" : "<1m";
  }

  function tone(left) {
    if (left < 0) return "red";
    if (left < urgent) return "orange";
    if (left < atRisk) return "amber";
    return "neutral";
  }

  function tick() {
    var now = Date.now(), crossed = [];
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = (Date.parse(el.getAttribute("data-deadline")) - now) / 1000;
      var text = el.querySelector(".badge-text");
      var next = tone(left);
      if (next === "red" && !el.classList.contains("badge-red")) {
        crossed.push(el.getAttribute("data-reference") || "A ticket");
      }
      el.className = "badge badge-" + next;
      if (text) text.textContent = left < 0 ? "Overdue " + short(left) : "Due in " + short(left);
    });
    if (announcer && crossed.length) {
      announcer.textContent = crossed.join(", ") + (crossed.length > 1 ? " are" : " is") + " now overdue.";
    }
  }

  setInterval(tick, 30000);
})();
