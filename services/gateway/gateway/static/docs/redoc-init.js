// Starts ReDoc on #redoc with the document named by its data-openapi-url (no inline script: strict CSP).
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("redoc");
  Redoc.init(root.getAttribute("data-openapi-url"), { hideDownloadButton: false }, root);
});
