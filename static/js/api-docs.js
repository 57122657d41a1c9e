// Starts Redoc on the API documentation page (a script file: the page allows no inline one).
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  if (element && window.Redoc) {
    window.Redoc.init(element.getAttribute("data-spec-url"), {}, element);
  }
})();
