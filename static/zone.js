// Fill the sign-in and sign-up forms' hidden time_zone field with the browser's zone, so a new
// account reads times in it from the first page (helpdesk.accounts).
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll('input[name="time_zone"][type="hidden"]').forEach(function (input) {
    input.value = zone;
  });
})();
