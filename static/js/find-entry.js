// An address such as /parent-data/#clever, sent before the list had pages, may name an
// entry that is now on another page, in a list too long to carry every title's anchor:
// ask the page which of its pages holds it (?entry=clever answers with a redirect there).
// An anchor that only stands in for a section on another page goes straight there.
(function () {
  var wanted = decodeURIComponent(window.location.hash.slice(1));
  if (!/^[-\w]+$/.test(wanted)) {
    return;
  }
  var found = document.getElementById(wanted);
  if (found && found.hasAttribute("data-stands-in")) {
    window.location.replace(found.href);
    return;
  }
  if (found) {
    return;
  }
  var query = new URLSearchParams(window.location.search);
  if (query.has("entry")) {
    return;
  }
  query.set("entry", wanted);
  window.location.replace("?" + query.toString());
})();
