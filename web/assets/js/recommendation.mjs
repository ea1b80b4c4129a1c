// The levels-of-need recommendation, recomputed in the browser as indicators are ticked.
//
// Why: the worker should see the recommended level change as they tick, without a
// round trip. The server stays the authority: its "Update recommendation"
// button still works without JavaScript, and every decision is checked again by
// thresholds.decision when it is recorded. This file mirrors thresholds/recommend.py:
//
//   * nothing ticked: the catalogue's lowest level (universal services);
//   * otherwise the highest level among the ticked indicators;
//   * unless the catalogue's escalation rule applies: `count` or more ticks at
//     `from` level or above, over `domains` or more domains, suggest level `to`.
//
// Everything it needs is in the page as data attributes (macros/actions.html):
// each checkbox has data-level and data-domain; the recommendation box has
// data-recommendation, data-levels (JSON: number, name, outcomes, labels), data-lowest-level,
// data-catalogue and, when the catalogue has one, data-escalation-from/-count/
// -domains/-to. No inline script: the CSP allows only 'self' and the nonce.

/**
 * The recommended level for the ticked indicators (pure; shared with the tests).
 * @param {{level: number, domain: string}[]} ticked
 * @param {{from: number, count: number, domains: number, to: number} | null} rule
 * @param {number} lowest the catalogue's first level, recommended when nothing is ticked
 * @returns {{level: number, escalated: boolean, drivers: number[]}} drivers index `ticked`
 */
export function recommendLevel (ticked, rule, lowest) {
  if (ticked.length === 0) return { level: lowest, escalated: false, drivers: [] }
  const highest = Math.max(...ticked.map((t) => t.level))
  if (rule && highest < rule.to) {
    const eligible = ticked.map((t, i) => i).filter((i) => ticked[i].level >= rule.from)
    const domains = new Set(eligible.map((i) => ticked[i].domain))
    if (eligible.length >= rule.count && domains.size >= rule.domains) {
      return { level: rule.to, escalated: true, drivers: eligible }
    }
  }
  const drivers = ticked.map((t, i) => i).filter((i) => ticked[i].level === highest)
  return { level: highest, escalated: false, drivers }
}

/** The escalation rule written on the box, or null when the catalogue has none. */
function ruleOf (box) {
  const data = box.dataset
  if (!data.escalationTo) return null
  return {
    from: Number(data.escalationFrom),
    count: Number(data.escalationCount),
    domains: Number(data.escalationDomains),
    to: Number(data.escalationTo)
  }
}

/** An indicator's words as its label shows them, without the "Level 4: " prefix. */
function indicatorText (input) {
  const label = input.labels && input.labels[0] ? input.labels[0].textContent : input.value
  return `${input.value} (${label.trim().replace(/^Level \d+:\s*/, '').replace(/\.$/, '')})`
}

/** Why this level, in the same plain words the server uses. */
function because (result, inputs, rule) {
  if (inputs.length === 0) {
    return "no indicators ticked, so the child's needs are taken to be met by universal services"
  }
  const drivers = result.drivers.map((i) => indicatorText(inputs[i])).join('; ')
  if (!result.escalated) {
    const lower = inputs.filter((input) => Number(input.dataset.level) < result.level).length
    const also = lower ? ` (also ticked: ${lower} indicator${lower === 1 ? '' : 's'} at lower levels)` : ''
    return `the highest ticked indicator is at level ${result.level}: ${drivers}${also}`
  }
  const domains = new Set(result.drivers.map((i) => inputs[i].dataset.domain)).size
  return `of cumulative escalation: ${result.drivers.length} ticked indicators at level ` +
    `${rule.from} or above span ${domains} domains. This catalogue's rule raises ` +
    `${rule.count} or more such needs across ${rule.domains} or more domains to level ` +
    `${rule.to}. The needs that added up: ${drivers}`
}

/** Show the recommendation for the boxes ticked now. */
function refresh (box, form) {
  const inputs = [...form.querySelectorAll('input[name="indicators"]:checked')]
  const ticked = inputs.map((input) => ({ level: Number(input.dataset.level), domain: input.dataset.domain }))
  const rule = ruleOf(box)
  const result = recommendLevel(ticked, rule, Number(box.dataset.lowestLevel))
  const level = JSON.parse(box.dataset.levels).find((l) => l.number === result.level)
  const labels = level ? level.labels : []
  box.querySelector('[data-recommendation-level]').textContent = `Recommended: level ${result.level}`
  box.querySelector('[data-recommendation-explanation]').textContent =
    `Recommended level ${result.level}${level ? ` (${level.name})` : ''} because ` +
    `${because(result, inputs, rule)}. Outcomes allowed at this level: ${labels.join(', ')}. ` +
    `This is a recommendation under catalogue ${box.dataset.catalogue}: the worker decides and records why.`
  box.querySelector('[data-recommendation-outcomes]').textContent = labels.join(', ')
  box.dataset.recommendedLevel = String(result.level)
}

/** Wire every recommendation box on the page to the checkboxes of its form. */
export function startRecommendations (root) {
  for (const box of root.querySelectorAll('[data-recommendation]')) {
    const form = box.closest('form')
    if (!form) continue
    form.addEventListener('change', (event) => {
      if (event.target.name === 'indicators') refresh(box, form)
    })
  }
}

if (typeof document !== 'undefined') startRecommendations(document)
