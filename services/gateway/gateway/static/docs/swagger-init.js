// Starts Swagger UI on #swagger-ui with the document named by its data-openapi-url (no inline script: strict CSP).
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,  // the default would send the document to validator.swagger.io
    persistAuthorization: false,  // the access token stays in memory, never in localStorage
    tryItOutEnabled: false
  });
});
