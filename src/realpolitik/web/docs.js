/* realpolitik: start Swagger UI (from the installed swagger-ui-dist npm package) on our own
 * OpenAPI document; the validator badge is off so the page contacts no other host. */
"use strict";

window.addEventListener("load", function () {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
