// The header's menu on a phone, as USWDS's mobile menu: a "Menu" button that shows the
// navigation and the search in place. Without JavaScript the same link opens the panel by
// :target (site.css) and "Close menu" closes it; with it, the link becomes a real
// disclosure button, which says whether the panel is open and closes on Escape.
(function () {
  "use strict";
  var link = document.querySelector("a.site-menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!link || !menu) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.textContent = link.textContent;
  button.setAttribute("aria-controls", menu.id);
  link.replaceWith(button);
  menu.classList.add("site-menu--scripted");
  var close = menu.querySelector(".site-menu__close");
  if (close) {
    close.hidden = true;
  }

  function setOpen(open) {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("site-menu--open", open);
  }

  setOpen(window.location.hash === "#" + menu.id);
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") {
      return;
    }
    // Focus inside the panel would be left on a hidden element: it goes back to the button.
    var focusWasInMenu = menu.contains(document.activeElement);
    setOpen(false);
    if (focusWasInMenu || document.activeElement === button) {
      button.focus();
    }
  });
})();
