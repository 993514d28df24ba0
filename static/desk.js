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
  // The badge's words in the reader's language, from the page (desk/deadlines.py's msgids).
  var dueIn = root.getAttribute("data-due-in") || "Due in %(time)s";
  var overdue = root.getAttribute("data-overdue") || "Overdue %(time)s";
  var nowOverdue = root.getAttribute("data-now-overdue") || "Now overdue: %(tickets)s.";

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
      if (text) text.textContent = (left < 0 ? overdue : dueIn).replace("%(time)s", short(left));
    });
    if (announcer && crossed.length) {
      announcer.textContent = nowOverdue.replace("%(tickets)s", crossed.join(", "));
    }
  }

  setInterval(tick, 30000);
})();

// The queue refreshes its rows in place every 15 s through htmx (a GET of the same URL answers
// only the rows to an htmx request). Pausable (WCAG 2.2.2), remembered in localStorage; the
// selection and the focused row survive a refresh.
(function () {
  "use strict";
  var rows = document.getElementById("desk-queue-rows");
  var toggle = document.getElementById("desk-refresh-toggle");
  var state = document.getElementById("desk-refresh-state");
  if (!rows || !toggle || !window.htmx) return;
  var KEY = "tierdesk.queue.autorefresh";
  var paused = false;
  try { paused = window.localStorage.getItem(KEY) === "off"; } catch (e) { /* storage blocked */ }
  var kept = null;

  function show() {
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
    if (state) {
      state.textContent = paused
        ? state.getAttribute("data-paused") || "Auto-refresh paused."
        : state.getAttribute("data-on") || "Auto-refresh on, every 15 seconds.";
    }
  }

  toggle.hidden = false;
  if (state) state.hidden = false;
  show();
  toggle.addEventListener("click", function () {
    paused = !paused;
    try { window.localStorage.setItem(KEY, paused ? "off" : "on"); } catch (e) { /* ignore */ }
    show();
  });

  rows.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    var row = active && rows.contains(active) ? active.closest("tr[data-ticket]") : null;
    kept = {
      checked: Array.prototype.map.call(rows.querySelectorAll("input[name=ticket]:checked"), function (box) {
        return box.value;
      }),
      row: row ? row.getAttribute("data-ticket") : null,
      box: !!(active && active.matches && active.matches("input[name=ticket]"))
    };
  });

  rows.addEventListener("htmx:afterSwap", function () {
    if (!kept) return;
    kept.checked.forEach(function (id) {
      var box = document.getElementById("select-" + id);
      if (box) box.checked = true;
    });
    if (kept.row) {
      var row = rows.querySelector('tr[data-ticket="' + kept.row + '"]');
      var target = row && row.querySelector(kept.box ? "input[name=ticket]" : "a");
      if (target) target.focus();
    }
    kept = null;
    document.dispatchEvent(new CustomEvent("desk:rows-replaced"));
  });

  setInterval(function () {
    if (!paused && !document.hidden) window.htmx.trigger(rows, "desk:refresh");
  }, 15000);
})();

// Saved replies: the "Insert" form works without JavaScript (?saved=<id> prefills the
// composer); with it, the body is inserted where the cursor is, without a reload.
(function () {
  "use strict";
  var form = document.getElementById("saved-reply-form");
  var body = document.getElementById("reply-body");
  if (!form || !body) return;
  form.addEventListener("submit", function (event) {
    var select = form.querySelector("select");
    var option = select && select.options[select.selectedIndex];
    var text = option && option.getAttribute("data-body");
    if (!text) return;
    event.preventDefault();
    var start = body.selectionStart || 0, end = body.selectionEnd || 0;
    if (!body.value) start = end = 0;
    body.value = body.value.slice(0, start) + text + body.value.slice(end);
    body.focus();
    body.setSelectionRange(start + text.length, start + text.length);
  });
})();
