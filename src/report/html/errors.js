// Script errors are counted on the html element (data-errors) and shown at the end of the page, so
// neither a reader nor the headless-browser test (tests/html_report.rs, .ci/html.sh) misses one.
(function () {
  "use strict";
  var count = 0;
  function note(text) {
    count += 1;
    var html = document.documentElement;
    html.setAttribute("data-errors", String(count));
    html.setAttribute("data-error-text", (html.getAttribute("data-error-text") || "") + text + "; ");
    var box = document.getElementById("errors");
    if (box) {
      box.hidden = false;
      box.textContent = html.getAttribute("data-error-text");
    }
  }
  window.addEventListener("error", function (e) {
    note("error: " + e.message + " (" + e.filename + ":" + e.lineno + ")");
  });
  window.addEventListener("unhandledrejection", function (e) {
    note("unhandled rejection: " + e.reason);
  });
})();
