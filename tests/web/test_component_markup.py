"""GOV.UK and MOJ components are drawn by macros, so a fix to a component lands in one place.

Templates that write a component's classes by hand (``<button class="govuk-button">``)
each carry their own copy of its markup; a change to the component (an ARIA fix, a new
govuk-frontend version) then has to find every copy. This counts the copies left and fails
if a change adds one: the number may only go down. Modifier classes passed to a macro
(``"classes": "govuk-button--secondary"``) are not copies and are not counted; nor is
markup inside web/templates/components/, the project's own macros for MOJ components.
"""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "web"
OWN_MACROS = TEMPLATES / "templates" / "components"

COMPONENTS = (
    "accordion", "back-link", "breadcrumbs", "button", "character-count", "checkboxes",
    "date-input", "details", "error-message", "error-summary", "fieldset", "form-group",
    "hint", "input", "inset-text", "label", "notification-banner", "pagination", "panel",
    "radios", "select", "summary-list", "table", "tabs", "tag", "textarea", "warning-text",
)
COMPONENT_CLASS = re.compile(rf"^(govuk-(?:{'|'.join(COMPONENTS)})|moj-[a-z-]+?)(?:__|--|$)")
CLASS_ATTRIBUTE = re.compile(r"""\bclass=(?:"([^"]*)"|'([^']*)')""")

# The most hand-written component classes allowed; lower it when a change removes some.
MOST_HAND_WRITTEN = 100


def hand_written(text: str) -> int:
    """Component classes written directly in class="..." attributes of one template."""
    return sum(1 for m in CLASS_ATTRIBUTE.finditer(text)
               for token in (m.group(1) or m.group(2) or "").split()
               if COMPONENT_CLASS.match(token))


def templates() -> list[Path]:
    return [p for p in sorted(TEMPLATES.glob("**/templates/**/*.html"))
            if OWN_MACROS not in p.parents]


def test_counter_sees_hand_written_component_markup() -> None:
    assert hand_written('<button class="govuk-button govuk-button--secondary">') == 2
    assert hand_written('<td class="govuk-table__cell app-x">') == 1
    assert hand_written('<li class="moj-timeline__item">') == 1
    assert hand_written('<p class="govuk-body govuk-!-margin-0">') == 0
    assert hand_written('{{ govukButton({"classes": "govuk-button--secondary"}) }}') == 0


def test_hand_written_component_markup_only_goes_down() -> None:
    counts = {p.relative_to(TEMPLATES): hand_written(p.read_text()) for p in templates()}
    total = sum(counts.values())
    worst = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    assert total <= MOST_HAND_WRITTEN, (
        f"{total} component classes written by hand (most allowed {MOST_HAND_WRITTEN}); "
        f"draw them with the govuk_frontend_jinja macros or components/moj.html. "
        f"Most in: {worst}")
