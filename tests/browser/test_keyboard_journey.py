"""The main journey with the keyboard alone, as someone who cannot use a mouse works.

A front-door worker skips to the content, records a contact (meeting the error summary on
the way and following it to the field), screens and rates it, sends it to the MASH, asks
the police, finishes information gathering once the police have answered, and records a
threshold decision below the recommendation; a manager first tries to return it without
saying what to change (the error summary takes focus), then signs it off with a comment.
Only Tab, Shift+Tab, Enter, Space, the arrow keys and typing are used: no click, no
``element.click()``, no filling a box the keyboard did not reach. Every stop on the way
must show where focus is, and a sweep of each page reaches every control and is never
caught in a trap. The police answer from their inbox is arranged through the service
layer: it is not this journey, and the partner pages have their own tests.

Screenshots go to docs/screenshots/: the error summary holding focus, the signed-off
contact at 1280 and 375 px wide, and its sign-off entry with the comment at 375 px.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser.helpers import screenshot

pytestmark = pytest.mark.browser

#: What a keyboard reaches: every control, and anything given a place in the tab order.
FOCUSABLE = ("a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
             "select:not([disabled]), textarea:not([disabled]), summary, "
             "[tabindex]:not([tabindex='-1'])")
#: Whether focus can be seen where it is: GOV.UK's yellow focus state is an outline, a
#: box-shadow or a yellow background; a radio or checkbox shows it on its label's box.
FOCUS_SHOWN = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return false;
  const painted = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                          && s.outlineColor !== 'rgba(0, 0, 0, 0)')
                         || (s.boxShadow && s.boxShadow !== 'none')
                         || s.backgroundColor === 'rgb(255, 221, 0)';
  if (e.matches('.govuk-radios__input, .govuk-checkboxes__input')) {
    return painted(getComputedStyle(e.nextElementSibling, '::before'));
  }
  return painted(getComputedStyle(e));
}"""
WHERE = """() => {
  const e = document.activeElement;
  return e ? `${e.tagName.toLowerCase()}#${e.id} ${(e.innerText || e.value || '')
             .trim().slice(0, 60)}` : 'nothing';
}"""
COMMENT = "Agreed: universal services and the school will support the family"
CHANGE_EMPTY_ERROR = "Say what needs to change."


def _focus_shown(page: Any) -> bool:
    return bool(page.evaluate(FOCUS_SHOWN))


def _where(page: Any) -> str:
    return str(page.evaluate(WHERE))


def _focused(page: Any, selector: str) -> bool:
    return bool(page.evaluate("(s) => !!document.activeElement && "
                              "document.activeElement.matches(s)", selector))


def tab_to(page: Any, selector: str, limit: int = 300, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until focus is on ``selector``; every stop passed on the
    way must show its focus. Fails when the control cannot be reached."""
    if _focused(page, selector):
        return
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if _where(page).startswith("body"):
            continue
        assert _focus_shown(page), f"focus is not visible on {_where(page)}"
        if _focused(page, selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose(page: Any, selector: str, value: str) -> None:
    """A select, or a group of radios, set with the arrow keys alone."""
    tab_to(page, selector)
    if _focused(page, "input[type=radio]") and not _focused(page, ":checked"):
        page.keyboard.press("Space")
    for _ in range(60):
        now = page.evaluate("() => document.activeElement.value")
        if now == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} could not be chosen at {selector} with the arrow keys")


def press_button(page: Any, selector: str) -> None:
    """Tab to a button and press Enter, waiting for the page it sends."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def open_action(page: Any, trigger: str) -> None:
    """Open an action's <details> from the keyboard (Enter on its summary)."""
    tab_to(page, f"#action-{trigger} > summary")
    page.keyboard.press("Enter")
    assert page.locator(f"#action-{trigger}").get_attribute("open") is not None


def sweep(page: Any) -> None:
    """Tab through the whole page: from wherever focus is to the end of the page, then
    once round from its top to its end again. Every visible control must be reached (a
    radio group counts once) and focus must get out at the end, not circle in a trap."""
    wanted = page.evaluate("""(sel) => {
        const keys = new Set();
        document.querySelectorAll(sel).forEach((e, i) => {
          if (!e.checkVisibility({visibilityProperty: true})) return;
          e.dataset.kb = e.type === 'radio' ? `radio:${e.form ? e.form.action : ''}:${e.name}`
                                            : `el:${i} ${e.tagName} ${e.id} ${
                                                (e.innerText || '').trim().slice(0, 30)}`;
          keys.add(e.dataset.kb);
        });
        return [...keys];
    }""", FOCUSABLE)
    limit = len(wanted) * 2 + 20
    _tab_to_the_end(page, limit)
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _where(page).startswith("body"):
            break
        reached.append(page.evaluate("() => document.activeElement.dataset.kb || ''"))
    else:
        raise AssertionError(f"focus is caught in a loop on {page.url}: {reached[-5:]}")
    missing = set(wanted) - set(reached)
    assert not missing, f"the keyboard never reaches {sorted(missing)[:10]} on {page.url}"


def _tab_to_the_end(page: Any, limit: int) -> None:
    for _ in range(limit):
        if _where(page).startswith("body"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"focus never leaves the page at the end: caught at {_where(page)}")


def _police_answer(live_app: Any, contact_id: int) -> None:
    from workflow.persistence.tables_mash import InfoRequestRow

    with live_app.app.extensions["store"].sessions() as db:
        request_id = db.scalars(select(InfoRequestRow.id).where(
            InfoRequestRow.contact_id == contact_id)).one()
    live_app.act(None, "answer_request", "partner", {
        "request_id": request_id, "sharing": "shared", "answer": "No call-outs (synthetic).",
        "lawful_basis": "public_task"})


def _banner(page: Any) -> str:
    return " ".join(page.locator(".govuk-notification-banner").first.inner_text().split())


def _record_with_the_keyboard(page: Any) -> int:
    page.goto("/queue")
    page.keyboard.press("Tab")
    assert _focused(page, ".govuk-skip-link") and _focus_shown(page), _where(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    assert _focused(page, "#main-content"), f"the skip link left focus on {_where(page)}"
    tab_to(page, "a[href='/contacts/new']", back=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    sweep(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    type_into(page, "#child-0-first_name", "Kay")
    type_into(page, "#child-0-last_name", "Keyboard")
    press_button(page, "form[action='/contacts/new'] button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert _focused(page, ".govuk-error-summary"), f"focus is on {_where(page)}, not the summary"
    assert _focus_shown(page)
    screenshot(page, "keyboard-journey-error-summary-1280", of=page.locator(
        ".govuk-error-summary"))
    tab_to(page, ".govuk-error-summary a[href='#source']")
    page.keyboard.press("Enter")
    assert _focused(page, "#source"), f"the summary's link left focus on {_where(page)}"
    choose(page, "#source", "6")
    type_into(page, "#referrer", "PC Keys (synthetic)")
    type_into(page, "#concerns", "A neighbour heard shouting late at night (synthetic).")
    press_button(page, "form[action='/contacts/new'] button[type=submit]")
    assert "Recorded 1 contact:" in _banner(page)
    return int(page.url.split("/contacts/")[1].split("#")[0])


def _screen_rate_and_ask(page: Any) -> None:
    open_action(page, "start_screening")
    press_button(page, "#action-start_screening button[type=submit]")
    assert "Start screening: done." in _banner(page)
    open_action(page, "rate")
    choose(page, "#action-rate input[name=rag]", "amber")
    type_into(page, "#rate-reason", "Shouting heard; no injury seen (synthetic)")
    press_button(page, "#action-rate button[type=submit]")
    assert "Set or change the RAG rating: done." in _banner(page)
    open_action(page, "send_to_mash")
    press_button(page, "#action-send_to_mash button[type=submit]")
    open_action(page, "request_information")
    choose(page, "#request_information-agency", "police")
    type_into(page, "#request_information-question", "Any call-outs to the address?")
    choose(page, "#request_information-lawful_basis", "public_task")
    type_into(page, "#request_information-authorised_by", "Mia Manager")
    press_button(page, "#action-request_information button[type=submit]")
    assert "Ask a partner agency for information: done." in _banner(page)


def _decide_below_the_recommendation(page: Any) -> None:
    open_action(page, "complete_information_gathering")
    press_button(page, "#action-complete_information_gathering button[type=submit]")
    open_action(page, "decide")
    tab_to(page, "#action-decide details:has(#ind-L3-CD-HEALTH-01) > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#ind-L3-CD-HEALTH-01")
    page.keyboard.press("Space")
    assert page.locator("#ind-L3-CD-HEALTH-01").is_checked()
    choose(page, "#action-decide input[name=level]", "1")
    choose(page, "#action-decide input[name=outcome]", "no_further_action")
    type_into(page, "#decide-rationale", "Universal services can meet the need (synthetic).")
    type_into(page, "#decide-override_reason", "The health worry is already in hand.")
    press_button(page, "#action-decide button[type=submit]:not([name=preview])")
    assert "Awaiting manager sign-off" in page.locator("h1 .govuk-tag").inner_text()


def _manager_signs_off(page: Any, path: str) -> None:
    page.goto(path)
    sweep(page)
    open_action(page, "return_decision")
    press_button(page, "#action-return_decision button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    assert CHANGE_EMPTY_ERROR in summary.inner_text()
    assert _focused(page, ".govuk-error-summary") and _focus_shown(page), _where(page)
    tab_to(page, ".govuk-error-summary a[href='#reason']")
    page.keyboard.press("Enter")
    assert _focused(page, "#return_decision-reason"), (
        f"the summary's link left focus on {_where(page)}, not the box to write in")
    open_action(page, "sign_off")
    type_into(page, "#sign_off-comment", COMMENT)
    press_button(page, "#action-sign_off button[type=submit]")
    assert "Sign off the override: done." in _banner(page)


def test_the_main_journey_with_the_keyboard_alone(open_context: Callable[..., Any],
                                                  live_app: Any) -> None:
    worker = open_context(as_="worker").new_page()
    contact_id = _record_with_the_keyboard(worker)
    sweep(worker)
    _screen_rate_and_ask(worker)
    _police_answer(live_app, contact_id)
    worker.reload()
    _decide_below_the_recommendation(worker)

    manager = open_context(as_="manager").new_page()
    _manager_signs_off(manager, f"/contacts/{contact_id}")

    assert "Closed" in manager.locator("h1 .govuk-tag").inner_text()
    signed = manager.locator(".moj-timeline__item").first.inner_text()
    assert "Sign off the override" in signed and "by Mia Manager (Team manager)" in signed
    assert COMMENT in signed
    screenshot(manager, "keyboard-journey-signed-off-1280")
    manager.set_viewport_size({"width": 375, "height": 800})
    manager.reload()
    sweep(manager)
    screenshot(manager, "keyboard-journey-signed-off-375")
    screenshot(manager, "keyboard-journey-sign-off-comment-375",
               of=manager.locator(".moj-timeline__item").first)
