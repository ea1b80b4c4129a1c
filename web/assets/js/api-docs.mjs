// The API reference page (/api/docs): Swagger UI on the app's own OpenAPI document.
// A module file rather than an inline script, so the page keeps the strict CSP.
/* global SwaggerUIBundle */
const root = document.getElementById('swagger-ui')
if (root && typeof SwaggerUIBundle === 'function') {
  SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    // "Try it out" sends requests to this service only (connect-src 'self').
    tryItOutEnabled: false,
    validatorUrl: null
  })
}
