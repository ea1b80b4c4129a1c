// The time-out warning (the MOJ/GOV.UK pattern): a modal dialog a few minutes before the
// session ends, counting down, with "Stay signed in" and "Sign out".
//
// Why: the session ends after a spell of doing nothing (settings.toml [web]
// idle_timeout_minutes), which protects a child's record on an unattended screen but
// used to throw away what was being typed. Now the person is warned first (WCAG 2.2.1
// asks for at least 20 seconds and a simple way to extend); if they do nothing, their
// drafts are saved and they are signed out, and signing in brings them back to the page
// with what they typed.
//
// The dialog is components/timeout_warning.html: data-seconds-left (until the server ends the
// session) and data-warn-seconds. showModal() makes the page behind it inert, so focus
// cannot leave it; Escape means "Stay signed in". The visible countdown changes every
// second but is hidden from screen readers; a polite live region says the time left at
// each minute and at 30 and 10 seconds, so a screen reader is not talked over.
// Other tabs of Front Door share the session: each tells the others (BroadcastChannel)
// when it has extended it, so no tab signs out a person who is busy in another.

import { saveAllDrafts } from './drafts.mjs'

/** Sign out this long before the server would end the session, so the drafts still save. */
const MARGIN_MS = 5000
const SPOKEN_AT = new Set([30, 10])

/** "4 minutes", "1 minute", "45 seconds", "1 second". */
export function inWords (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

function startWarning (dialog) {
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000
  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000 - MARGIN_MS
  let ended = false
  let returnFocus = null
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const spoken = dialog.querySelector('[data-timeout-spoken]')
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('frontdoor-session') : null

  function extended (secondsLeft, tell) {
    endsAt = Date.now() + secondsLeft * 1000 - MARGIN_MS
    if (dialog.open) dialog.close()
    if (tell && channel) channel.postMessage({ secondsLeft })
  }

  function open () {
    returnFocus = document.activeElement
    dialog.showModal()
    dialog.querySelector('[data-timeout-stay]').focus()
  }

  async function signOut (timedOut) {
    ended = true
    await saveAllDrafts()
    const form = dialog.querySelector('[data-timeout-form]')
    form.elements.timed_out.value = timedOut ? 'yes' : ''
    form.elements.return_to.value = window.location.pathname + window.location.search
    form.submit()
  }

  function tick () {
    if (ended) return
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000))
    if (left <= 0) { signOut(true); return }
    if (left * 1000 <= warnMs && !dialog.open) open()
    if (!dialog.open) return
    countdown.textContent = inWords(left)
    if (left % 60 === 0 || SPOKEN_AT.has(left) || !spoken.textContent) {
      spoken.textContent = ` (${inWords(left)} left)`
    }
  }

  async function stay () {
    const token = dialog.querySelector('input[name="csrf_token"]').value
    const response = await fetch('/session/stay-signed-in', {
      method: 'POST', headers: { 'X-CSRFToken': token, Accept: 'application/json' },
      credentials: 'same-origin', redirect: 'manual'
    })
    if (!response.ok) { signOut(true); return }
    extended((await response.json()).seconds_left, true)
  }

  dialog.querySelector('[data-timeout-stay]').addEventListener('click', stay)
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); stay() })
  dialog.addEventListener('close', () => {
    spoken.textContent = ''
    if (returnFocus && returnFocus.focus) returnFocus.focus()
  })
  dialog.querySelector('[data-timeout-sign-out]').addEventListener('click', (event) => {
    event.preventDefault()
    signOut(false)
  })
  document.addEventListener('app:session-extended', (event) => extended(event.detail.secondsLeft, true))
  if (channel) channel.onmessage = (event) => extended(event.data.secondsLeft, false)
  if (channel) channel.postMessage({ secondsLeft: Number(dialog.dataset.secondsLeft) })
  setInterval(tick, 1000)
  tick()
}

if (typeof document !== 'undefined') {
  const dialog = document.getElementById('timeout-warning')
  if (dialog) startWarning(dialog)
}
