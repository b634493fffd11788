// Progressive enhancement: without JavaScript (or without clipboard access) the permalink
// stays visible as text and the button stays hidden, and each "Link to this section" is a
// plain #link that puts the section's address in the address bar.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  function copy(text, status, copiedLabel, failedLabel) {
    navigator.clipboard.writeText(text).then(
      function () {
        status.textContent = copiedLabel;
      },
      function () {
        status.textContent = failedLabel || "";
      }
    );
  }
  document.querySelectorAll(".copy-link").forEach(function (wrapper) {
    var button = wrapper.querySelector(".copy-link__button");
    var status = wrapper.querySelector(".copy-link__status");
    if (!button || !status) {
      return;
    }
    wrapper.hidden = false;
    button.addEventListener("click", function () {
      copy(button.dataset.copyText, status, button.dataset.copiedLabel, button.dataset.failedLabel);
    });
  });
  // The link still follows its #anchor, so the address bar shows what was copied.
  document.querySelectorAll(".section-link").forEach(function (wrapper) {
    var link = wrapper.querySelector(".section-link__link");
    var status = wrapper.querySelector(".section-link__status");
    if (!link || !status) {
      return;
    }
    link.addEventListener("click", function () {
      document.querySelectorAll(".section-link__status").forEach(function (other) {
        other.textContent = "";
      });
      copy(link.href, status, link.dataset.copiedLabel);
    });
  });
})();
