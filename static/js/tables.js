// Progressive enhancement of wide tables. On a narrow screen (portal.css) a table that is wider than the
// screen scrolls sideways inside its own box instead of pushing the page sideways (WCAG 1.4.10). A box
// that scrolls must be reachable by keyboard (WCAG 2.1.1): such a table gets a tab stop and is named after
// its caption or heading, so that arrow keys scroll it. Without this script the table still scrolls by
// touch and mouse.
(function () {
  "use strict";
  function update() {
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.setAttribute("data-scrolls", "");
      } else if (!scrolls && table.hasAttribute("data-scrolls")) {
        table.removeAttribute("tabindex");
        table.removeAttribute("data-scrolls");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", update);
})();
