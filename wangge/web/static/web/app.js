// Behaviour every page shares. No inline handlers: the Content-Security-Policy forbids them.
"use strict";

// A <select data-autosubmit> (the language switch) submits its form when changed.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
