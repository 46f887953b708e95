// Small progressive enhancements on top of htmx; every page works without this file.
(function () {
  "use strict";

  // After an HTMX swap, move focus into the new content so keyboard and screen-reader users continue
  // there, not on a removed element: an error summary first, else the new step's heading or notice.
  // Swaps without a [data-focus-on-swap] (live search, validation) leave focus where the user is typing.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var id = target && target.id;
    var fresh = id ? document.getElementById(id) : null;
    if (!fresh) return;
    var spot = fresh.querySelector('[data-focus-on-swap="error"]') ||
      (fresh.matches("[data-focus-on-swap]") ? fresh : fresh.querySelector("[data-focus-on-swap]"));
    if (spot) spot.focus();
  });

  // Validate-as-you-type swaps only a field's error container; keep aria-invalid on the input in step.
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (!box || !box.dataset || !box.dataset.errorsFor) return;
    var input = document.getElementById(box.dataset.errorsFor);
    if (!input) return;
    if (box.querySelector(".errorlist")) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  });
})();
