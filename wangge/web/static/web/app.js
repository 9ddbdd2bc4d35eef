// Behaviour every page shares. No inline handlers: the Content-Security-Policy forbids them.
"use strict";

// A <select data-autosubmit> (the language switch) submits its form when changed.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});

// A table wider than its box scrolls sideways: keyboard users reach it with Tab and scroll
// it with the arrow keys, and screen readers hear what it is (the nearest heading).
function scrollableTablesFocusable(root) {
  root.querySelectorAll(".table-wrap").forEach((wrap) => {
    if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) { return; }
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    const section = wrap.closest("section, .card, main");
    const heading = section && section.querySelector("h1, h2, h3");
    wrap.setAttribute("aria-label", heading ? heading.textContent.trim() : "表格");
  });
}
scrollableTablesFocusable(document);
window.addEventListener("resize", () => scrollableTablesFocusable(document));
document.body.addEventListener("htmx:afterSwap", (event) => scrollableTablesFocusable(event.target));
