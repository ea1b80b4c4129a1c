// Drafts of long forms: saved to the server as the person types, put back when they
// return (after a time-out and sign-in, say), deleted when the form is sent.
//
// Why: a session time-out used to lose whatever was being typed. A form opts in with
// data-draft="<form key>" and data-draft-record="<record id>" (web/drafts.py checks the
// key); this module does the rest, so no page needs code of its own. Without
// JavaScript nothing changes: the forms post as they always did.
//
//   * typing: a save two seconds after the last change (POST /drafts/<key>/<record>,
//     with the form's CSRF token in the X-CSRFToken header), only for forms changed here;
//   * opening a page: the person's drafts for its records (GET /drafts/<record>) go
//     back into their forms when they differ from what the page shows, any <details>
//     around them opens, and a GOV.UK notification banner says when they were typed,
//     with a button that discards them;
//   * sending: no more saves; the server deletes the draft when the form is accepted.
//
// What was typed is personal data: it is only ever sent to Front Door itself, never
// logged, and never kept in the browser's storage.

const SAVE_AFTER_MS = 2000
/** Fields a form sends that are not what the person typed (the server skips them too). */
const NOT_TYPED = new Set(['csrf_token', 'version', 'preview'])
const forms = new Map() // form element -> {key, record, timer, dirty, sending}

/** Whether an element holds something a person types or chooses (not a hidden value). */
function typable (element) {
  return element.name && !NOT_TYPED.has(element.name) && !element.disabled &&
    !['hidden', 'submit', 'button', 'file', 'reset', 'image'].includes(element.type)
}

/** The form's fields as [name, value] pairs, as the form would send them. */
export function typedFields (form) {
  const pairs = []
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && !NOT_TYPED.has(name)) pairs.push([name, value])
  }
  return pairs
}

function csrfToken (form) {
  const input = form.querySelector('input[name="csrf_token"]')
  return input ? input.value : ''
}

/** Tell the time-out warning how long the session has now (a save counts as activity). */
function announceActivity (secondsLeft) {
  if (typeof secondsLeft === 'number') {
    document.dispatchEvent(new CustomEvent('app:session-extended', { detail: { secondsLeft } }))
  }
}

async function post (url, form, body) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'X-CSRFToken': csrfToken(form), Accept: 'application/json' },
    credentials: 'same-origin',
    redirect: 'manual' // signed out: a redirect to sign in, not a page to follow
  })
  return response.ok ? response.json() : null
}

/** Save one form's draft now (when it has changed since it was opened or last saved). */
export async function saveDraft (form) {
  const state = forms.get(form)
  if (!state || !state.dirty || state.sending) return
  clearTimeout(state.timer)
  state.dirty = false
  const body = new URLSearchParams(typedFields(form))
  try {
    const answer = await post(`/drafts/${state.key}/${state.record}`, form, body)
    if (answer) announceActivity(answer.seconds_left)
    else state.dirty = true
  } catch {
    state.dirty = true // offline for a moment: the next change tries again
  }
}

/** Save every changed draft on the page (the time-out warning calls this before signing out). */
export function saveAllDrafts () {
  return Promise.all([...forms.keys()].map((form) => saveDraft(form)))
}

function changed (form) {
  const state = forms.get(form)
  if (state.sending) return
  state.dirty = true
  clearTimeout(state.timer)
  state.timer = setTimeout(() => saveDraft(form), SAVE_AFTER_MS)
}

/** Put the draft's values into the form; whether anything on the form changed. */
export function fillForm (form, pairs) {
  const values = new Map()
  for (const [name, value] of pairs) values.set(name, [...(values.get(name) || []), value])
  let differs = false
  const seen = new Map() // name -> how many text fields of that name are filled
  for (const element of form.elements) {
    if (!typable(element)) continue
    const wanted = values.get(element.name) || []
    if (element.type === 'checkbox' || element.type === 'radio') {
      const on = wanted.includes(element.value)
      if (element.checked !== on) { element.checked = on; differs = true }
    } else if (values.has(element.name)) {
      const index = seen.get(element.name) || 0
      seen.set(element.name, index + 1)
      const value = wanted[index] ?? ''
      if (element.value !== value) { element.value = value; differs = true }
    }
  }
  return differs
}

/** Put the form back as the page first showed it (what the record holds). */
function resetForm (form) {
  for (const element of form.elements) {
    if (!typable(element)) continue
    if (element.type === 'checkbox' || element.type === 'radio') element.checked = element.defaultChecked
    else if (element.tagName === 'SELECT') for (const o of element.options) o.selected = o.defaultSelected
    else element.value = element.defaultValue
  }
}

function showBanner (restored, saved) {
  const template = document.getElementById('draft-restored-banner')
  const place = document.getElementById('draft-banners')
  if (!template || !place) return
  const banner = template.content.firstElementChild.cloneNode(true)
  banner.querySelector('[data-draft-time]').textContent = saved
  banner.querySelector('[data-draft-discard]').addEventListener('click', () => {
    for (const form of restored) {
      const state = forms.get(form)
      clearTimeout(state.timer)
      state.dirty = false
      resetForm(form)
      post(`/drafts/${state.key}/${state.record}/discard`, form, new URLSearchParams())
    }
    banner.remove()
  })
  place.replaceChildren(banner)
}

async function restore () {
  const byRecord = new Map()
  for (const [form, state] of forms) {
    byRecord.set(state.record, [...(byRecord.get(state.record) || []), form])
  }
  const restored = []
  let latest = ''
  for (const [record, onPage] of byRecord) {
    let answer
    try {
      const response = await fetch(`/drafts/${record}`, {
        headers: { Accept: 'application/json' }, credentials: 'same-origin', redirect: 'manual'
      })
      answer = response.ok ? await response.json() : null
    } catch {
      answer = null
    }
    for (const draft of (answer ? answer.drafts : [])) {
      const form = onPage.find((f) => forms.get(f).key === draft.form)
      if (!form || !fillForm(form, draft.fields)) continue
      forms.get(form).dirty = false
      restored.push(form)
      latest = draft.saved
      const details = form.closest('details')
      if (details) details.open = true
    }
  }
  if (restored.length) showBanner(restored, latest)
}

/** Wire every form marked data-draft on the page, then put back any drafts. */
export function startDrafts (root) {
  for (const form of root.querySelectorAll('form[data-draft]')) {
    const record = Number(form.dataset.draftRecord || '0')
    if (!Number.isInteger(record) || record < 0) continue
    forms.set(form, { key: form.dataset.draft, record, timer: 0, dirty: false, sending: false })
    form.addEventListener('input', () => changed(form))
    form.addEventListener('change', () => changed(form))
    form.addEventListener('submit', () => {
      const state = forms.get(form)
      clearTimeout(state.timer)
      state.sending = true
    })
  }
  if (forms.size) return restore()
  return Promise.resolve()
}

if (typeof document !== 'undefined') startDrafts(document)
