/* The station's log form: one idempotency key per filled form, so a phone that resends
   the POST (flaky network, double tap) records the day's service once. */
(function () {
  "use strict";
  var key = document.getElementById("id_key");
  if (key && !key.value) {
    key.value = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }
})();
