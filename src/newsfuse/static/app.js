// newsfuse reader: small enhancements only; every page works without this script.
// On an article page opened at a cited sentence (#s-START-END), highlight every piece of that
// sentence (overlapping marks split it) and centre it in the view.
(function () {
  "use strict";
  function highlight() {
    document.querySelectorAll("mark.cite.hl").forEach(function (m) { m.classList.remove("hl"); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^s-\d+-\d+$/.test(id)) return;
    var parts = document.querySelectorAll('mark.cite[data-cite="' + id + '"]');
    parts.forEach(function (m) { m.classList.add("hl"); });
    if (parts.length) parts[0].scrollIntoView({ block: "center" });
  }
  window.addEventListener("hashchange", highlight);
  document.addEventListener("DOMContentLoaded", highlight);
})();
