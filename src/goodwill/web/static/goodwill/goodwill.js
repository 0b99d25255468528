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
