// Front Door's script: starts GOV.UK Frontend and MOJ Frontend components, and
// loads the app's own modules (each starts itself when the page has its elements).
//
// Served as an ES module file (never inline), so it runs under a Content
// Security Policy without 'unsafe-inline'. layout.html loads it with the
// request's nonce; the imports below are fetched with the same nonce.
// web/assets/build.mjs copies both libraries into js/ beside this file.
//
// Each library looks for elements with its data-module attributes (for
// example data-module="govuk-error-summary" or "moj-sortable-table") and
// only starts when the page's inline snippet has added the
// govuk-frontend-supported class to <body>.

import { initAll as initGovukFrontend } from './js/govuk-frontend.min.js'
import { initAll as initMojFrontend } from './js/moj-frontend.min.js'
// Levels of need: the recommendation follows the ticked indicators.
import './js/recommendation.mjs'
// Long forms keep a draft on the server as they are typed, restored after a time-out.
import './js/drafts.mjs'
// The time-out warning before the session ends.
import './js/timeout.mjs'
// An error summary link reaches the box even when it names the box's form group.
import './js/error-summary.mjs'

initGovukFrontend()
initMojFrontend()
