// Progressive enhancement: without JavaScript (or without clipboard access) the permalink
// stays visible as text and the button stays hidden.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  document.querySelectorAll(".copy-link").forEach(function (wrapper) {
    var button = wrapper.querySelector(".copy-link__button");
    var status = wrapper.querySelector(".copy-link__status");
    if (!button || !status) {
      return;
    }
    wrapper.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copyText).then(
        function () {
          status.textContent = button.dataset.copiedLabel;
        },
        function () {
          status.textContent = button.dataset.failedLabel;
        }
      );
    });
  });
})();
