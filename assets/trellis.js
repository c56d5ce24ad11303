// Progressive enhancement only: every page works without this file. It starts the NHS.UK components
// (header menu, details, character counts) that have behaviour.
import { initAll } from '/assets/nhsuk-frontend.min.js'

initAll()
