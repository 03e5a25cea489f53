// Progressive enhancement only: every page works without this file (no inline script, CSP).
// After a failed form submit, move focus to the error summary so screen-reader and keyboard
// users land on what went wrong (WCAG 3.3.1); also when htmx swaps one in.
(function () {
  function focusSummary() {
    var summary = document.getElementById("foutmeldingen");
    if (summary && !summary.contains(document.activeElement)) summary.focus();
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  document.addEventListener("htmx:afterSettle", focusSummary);
})();

// A print button is only useful with JavaScript, so it is hidden until this file runs;
// without it, the browser's own print command works the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print][hidden]").forEach(function (button) {
    button.hidden = false;
  });
});
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
