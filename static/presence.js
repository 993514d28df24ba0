// The workspace's presence beat (desk/presence.py): htmx posts #presence-state every few
// seconds; typing in the reply box says "typing" at once, and "viewing" again after a pause.
(function () {
  "use strict";
  var state = document.getElementById("presence-state");
  var box = document.getElementById("reply-body");
  var list = document.getElementById("desk-presence");
  if (!state || !box || !list) return;
  var idle = null;

  function say(value) {
    if (state.value === value) return;
    state.value = value;
    if (window.htmx) window.htmx.trigger(list, "desk:presence");
  }

  // Closing the page (or leaving it) takes this agent off the list at once, not after 20 s.
  window.addEventListener("pagehide", function () {
    var token = "";
    try { token = JSON.parse(list.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return; }
    var data = new FormData();
    data.append("state", "left");
    data.append("csrfmiddlewaretoken", token);
    if (navigator.sendBeacon) navigator.sendBeacon(list.getAttribute("hx-post"), data);
  });

  box.addEventListener("input", function () {
    say("typing");
    clearTimeout(idle);
    idle = setTimeout(function () { say("viewing"); }, 8000);
  });
})();
