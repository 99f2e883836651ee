/* The print page's “In” button (the page allows no inline script). */
(function () {
  "use strict";
  var button = document.getElementById("print-page");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
