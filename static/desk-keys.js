// Single-key shortcuts of the desk (UI "Keyboard"): j/k move among queue rows, Enter opens,
// r reply, n note, a acknowledge, e escalate, ? lists them. They can be turned off, and the
// choice is kept in localStorage (WCAG 2.1.4). Keys typed into a field are never taken.
(function () {
  "use strict";
  var KEY = "tierdesk.shortcuts";
  var dialog = document.getElementById("desk-keys-dialog");
  var helpButton = document.getElementById("desk-keys-help");
  var offButton = document.getElementById("desk-keys-off");
  var closeButton = document.getElementById("desk-keys-close");
  var state = document.getElementById("desk-keys-state");

  function enabled() {
    try { return window.localStorage.getItem(KEY) !== "off"; } catch (e) { return true; }
  }

  function show() {
    var on = enabled();
    if (offButton) offButton.setAttribute("aria-pressed", on ? "false" : "true");
    if (state) state.textContent = on ? "Single-key shortcuts are on." : "Single-key shortcuts are off.";
  }

  function openHelp() {
    if (!dialog || typeof dialog.showModal !== "function") return;
    show();
    dialog.showModal();
  }

  if (helpButton && dialog) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", openHelp);
  }
  if (closeButton && dialog) closeButton.addEventListener("click", function () { dialog.close(); });
  if (offButton) {
    offButton.addEventListener("click", function () {
      try { window.localStorage.setItem(KEY, enabled() ? "off" : "on"); } catch (e) { /* ignore */ }
      show();
    });
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
  }

  function queueRows() {
    return Array.prototype.slice.call(document.querySelectorAll("#desk-queue-rows tr[data-ticket]"));
  }

  function moveRow(step) {
    var rows = queueRows();
    if (!rows.length) return false;
    var current = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("tr[data-ticket]") : null;
    var index = rows.indexOf(current);
    var next = index < 0 ? (step > 0 ? 0 : rows.length - 1)
      : Math.min(Math.max(index + step, 0), rows.length - 1);
    var link = rows[next].querySelector("a.desk-row-link");
    if (link) {
      link.focus();
      link.scrollIntoView({ block: "nearest" });
    }
    return true;
  }

  function focus(id, radio) {
    var el = document.getElementById(id);
    if (!el) return false;
    if (radio) {
      var choice = document.getElementById(radio);
      if (choice) choice.checked = true;
    }
    el.focus();
    el.scrollIntoView({ block: "nearest" });
    return true;
  }

  var ACTIONS = {
    j: function () { return moveRow(1); },
    k: function () { return moveRow(-1); },
    r: function () { return focus("reply-body", "visibility-public"); },
    n: function () { return focus("reply-body", "visibility-internal"); },
    a: function () { return focus("action-acknowledge"); },
    e: function () { return focus("escalate-team"); },
    "?": function () { openHelp(); return !!dialog; }
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (dialog && dialog.open) return;
    if (event.key === "Enter" && event.target.matches && event.target.matches("input[name=ticket]")) {
      // Enter on a row's checkbox opens the ticket, as it does on the row's link.
      var row = event.target.closest("tr[data-ticket]");
      var link = row && row.querySelector("a.desk-row-link");
      if (link) {
        event.preventDefault();
        window.location.assign(link.href);
      }
      return;
    }
    if (typing(event.target)) return;
    if (!enabled()) return;
    var act = ACTIONS[event.key];
    if (act && act()) event.preventDefault();
  });
})();
