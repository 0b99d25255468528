// Keyboard and screen-reader users keep their place when "load more" replaces
// the link they pressed: focus moves to the first entry that arrived.
(function () {
  let lastBefore = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const more = event.target.closest && event.target.closest(".load-more");
    lastBefore = more ? more.previousElementSibling : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!lastBefore) return;
    const first = lastBefore.nextElementSibling;
    lastBefore = null;
    if (first && first.classList.contains("entry")) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });
})();

// The "More" menu of the main navigation is a <details>: Escape closes it and returns focus
// to its summary, and a click anywhere else closes it too.
(function () {
  function openMenus() {
    return document.querySelectorAll("details.nav-more-menu[open]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      const hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();

// A panel that fails to load (an error answer, or no answer at all) says so instead of
// "Loading…" forever.
(function () {
  function panelFailed(event) {
    const elt = event.detail && event.detail.elt;
    const slot = elt && elt.closest && elt.closest(".panel-slot");
    if (!slot) return;
    const waiting = slot.querySelector(".panel-loading");
    if (waiting) waiting.textContent = "This panel could not be loaded; reload the page to try again.";
  }
  document.addEventListener("htmx:responseError", panelFailed);
  document.addEventListener("htmx:sendError", panelFailed);
})();
