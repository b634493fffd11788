// A closed <details> prints nothing of its content: open every entry for printing, and
// close again afterwards the ones the reader had not opened.
(function () {
  "use strict";
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) {
      details.open = false;
    });
    openedForPrint = [];
  });
  // The print button waits hidden in the page: without JavaScript it could do nothing.
  if (typeof window.print === "function") {
    document.querySelectorAll(".print-page").forEach(function (wrapper) {
      var button = wrapper.querySelector(".print-page__button");
      if (!button) {
        return;
      }
      wrapper.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }
})();
