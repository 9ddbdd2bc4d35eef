/* Shared by the cases scripts (report-map.js, my-reports.js, live-map.js); loaded by the
   cases/_js_strings.html include, before them.
   wanggeCasesT: interface words come from the page (#cases-strings data-*, translated by
   Django); the Chinese in the scripts is only the fallback.
   wanggeCasesEl: a new element with an optional class and text. */
window.wanggeCasesT = function (key, fallback, vars) {
  var box = document.getElementById("cases-strings");
  var text = (box && box.dataset[key]) || fallback;
  Object.keys(vars || {}).forEach(function (name) { text = text.split("{" + name + "}").join(vars[name]); });
  return text;
};

window.wanggeCasesEl = function (tag, cls, text) {
  var node = document.createElement(tag);
  if (cls) { node.className = cls; }
  if (text) { node.textContent = text; }
  return node;
};
