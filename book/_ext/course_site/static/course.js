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
// 2. Let the keyboard scroll a display formula wider than the column (a phone shows many): it becomes a
//    tab stop while it overflows, as the theme does for wide code blocks (WCAG 2.1.1; axe-core's
//    scrollable-region-focusable).
//
// 3. Print the whole of a "Going deeper" block: the browser's print opens every folded block first.
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

  const wideFormulasTakeFocus = () => {
    const update = () => {
      document.querySelectorAll('div.math > mjx-container[display="true"]').forEach((formula) => {
        if (formula.scrollWidth > formula.clientWidth) {
          formula.tabIndex = 0;
        } else {
          formula.removeAttribute("tabindex");
        }
      });
    };
    update();
    window.addEventListener("resize", update);
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
    wideFormulasTakeFocus();
    openDeepDivesForPrint();
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
