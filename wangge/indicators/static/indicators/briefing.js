(function () {
  "use strict";
  var button = document.getElementById("briefing-print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
