// Starts Redoc on the API documentation page from a file, not an inline script, so the
// page's Content-Security-Policy needs no 'unsafe-inline' for scripts.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(container.dataset.settings || "{}");
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
