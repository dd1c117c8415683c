/* The layout on narrow screens: the menu behind a button, the side panel as a drawer. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 800px)");

  /* The skip link: to the page's #content, else its first <main> (pages of other features
     need not know the id); the target takes the focus, so Tab continues from there. */
  var skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", function (event) {
      var target = document.getElementById(skip.getAttribute("href").slice(1)) || document.querySelector("main");
      if (!target) { return; }
      event.preventDefault();
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      if (target.hidden || getComputedStyle(target).visibility === "hidden") {
        var toggle = document.querySelector(".drawer-toggle[aria-controls='" + target.id + "']");
        if (toggle) { toggle.click(); }
      }
      target.focus();
    });
  }

  function toggler(button, onChange, onOpenedByHand) {
    function set(open) {
      button.setAttribute("aria-expanded", String(open));
      if (onChange) { onChange(open); }
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
      if (onOpenedByHand && button.getAttribute("aria-expanded") === "true") { onOpenedByHand(); }
    });
    return set;
  }

  /* The menu: a button with aria-expanded; Escape or a click elsewhere closes it. */
  var menuButton = document.querySelector(".menu-toggle"), menu = document.getElementById("site-menu");
  if (menuButton && menu) {
    var setMenu = toggler(menuButton);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        setMenu(false);
        menuButton.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!menu.contains(event.target) && event.target !== menuButton) { setMenu(false); }
    });
  }

  /* The drawer: the page's side panel over the map; on wide screens it is simply shown. */
  document.querySelectorAll(".drawer-toggle").forEach(function (button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) { return; }
    // Opened by hand, the focus moves into the drawer, which comes later in the page.
    panel.setAttribute("tabindex", "-1");
    var setDrawer = toggler(button, function (open) { document.body.classList.toggle("drawer-open", open); },
      function () { if (narrow.matches) { panel.focus({preventScroll: true}); } });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && document.body.classList.contains("drawer-open")) {
        setDrawer(false);
        button.focus();
      }
    });
    // A form the page opens in the panel (after drawing on the map, say) must be seen.
    new MutationObserver(function (changes) {
      if (!narrow.matches) { return; }
      changes.forEach(function (change) {
        if (change.target.tagName === "FORM" && !change.target.hidden) { setDrawer(true); }
      });
    }).observe(panel, {attributes: true, attributeFilter: ["hidden"], subtree: true});
  });
})();
