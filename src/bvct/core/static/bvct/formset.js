/* "Thêm dòng" under a table of the declaration form: adds one blank row in place, from the
   table's <template> (Django's empty form), and moves the focus to its first field. Without
   this script the button sends the form back and the server adds rows (people/entry.py). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-add-row]");
    if (!button) return;
    var prefix = button.getAttribute("data-add-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-template");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return; // the server adds the rows instead
    event.preventDefault();
    var index = parseInt(total.value, 10) || 0;
    if (max && index >= parseInt(max.value, 10)) return;
    // The template's names and ids carry "__prefix__" (the row's index) and its labels
    // "__row__" (the row's number as the page counts, from 1).
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__row__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var first = added && added.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });
})();
