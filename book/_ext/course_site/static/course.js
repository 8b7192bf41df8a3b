// The course site's small script (book/_ext/course_site). Two jobs:
//
// 1. Make the visible sidebar buttons work. pydata-sphinx-theme 0.17 and sphinx-book-theme 1.3 bind
//    their click handlers to the *first* `.primary-toggle` / `.secondary-toggle` of the page, a button
//    in the theme's header that this layout hides; the buttons a reader sees (in the article header)
//    get none, so on a phone the chapter list and the page contents never open, and on a desktop the
//    sidebar never hides (pydata-sphinx-theme #2451, sphinx-book-theme #988). A click on a visible
//    button is passed on to the hidden one, whose handlers then do what the theme meant: open the
//    drawer below 992 px, collapse the sidebar above. Remove this once the themes bind every button.
//
// 2. Print the whole of a "Going deeper" block: the browser's print opens every folded block first.
"use strict";

(() => {
  const forwardToggleClicks = (selector) => {
    const buttons = document.querySelectorAll(selector);
    if (buttons.length < 2) {
      return; // one button: the theme's own handler is on it
    }
    const bound = buttons[0];
    buttons.forEach((button, index) => {
      if (index === 0) {
        return;
      }
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        bound.click();
        // The sidebar's state, for screen readers (collapsed on a desktop, or the drawer open).
        const sidebar = document.getElementById("pst-primary-sidebar");
        if (selector === ".primary-toggle" && sidebar) {
          button.setAttribute("aria-expanded", String(!sidebar.classList.contains("pst-sidebar-hidden")));
        }
      });
    });
  };

  const openDeepDivesForPrint = () => {
    window.addEventListener("beforeprint", () => {
      document.querySelectorAll("details.going-deeper").forEach((block) => {
        block.dataset.wasOpen = String(block.open);
        block.open = true;
      });
    });
    window.addEventListener("afterprint", () => {
      document.querySelectorAll("details.going-deeper").forEach((block) => {
        block.open = block.dataset.wasOpen === "true";
      });
    });
  };

  const start = () => {
    forwardToggleClicks(".primary-toggle");
    forwardToggleClicks(".secondary-toggle");
    openDeepDivesForPrint();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
