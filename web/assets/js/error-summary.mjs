// An error summary's link takes focus to the box to put right, even when it names the
// box's form group rather than the box.
//
// Why: an action form on the contact page marks a refused field by giving its form
// group the field's name as id (the same field name is in several action forms, so
// only the refused one may carry it). GOV.UK Frontend's error summary focuses the
// element the link names; a form group cannot take focus, so a keyboard user who
// followed the link was left on the page body, not in the box. Here, after GOV.UK
// Frontend has handled the click, focus moves to the first box inside that group.

const CONTROLS = 'input:not([type="hidden"]), select, textarea'

function focusControlOf (event) {
  const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null
  if (!link || !link.closest('.govuk-error-summary')) return
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)))
  if (!target || target.matches(CONTROLS)) return
  const control = target.querySelector(CONTROLS)
  if (!control) return
  // Following the link to a group that cannot take focus would leave focus on the body.
  event.preventDefault()
  target.scrollIntoView()
  control.focus({ preventScroll: true })
}

// Listening on the document: it runs after the summary's own handler (event bubbling).
document.addEventListener('click', focusControlOf)
