"""The built front-end assets and the page layout keep the rules the app depends on.

The stylesheet must use the council's font stack, never GDS Transport (licensed for
GOV.UK services only), and must not make the browser fetch anything from another site.
The layout must put the request's CSP nonce on every script, since the app serves a
Content Security Policy without 'unsafe-inline'.

The assets are built by `npm ci && npm run build` (web/assets/build.mjs); without
web/static/build/app.css these tests are skipped with a message saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask, flash, render_template, render_template_string
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "web" / "static" / "build"
APP_CSS = BUILD / "app.css"
NONCE = "test-nonce-3f9a"
CSRF = "test-csrf-token"

pytestmark = pytest.mark.skipif(
    not APP_CSS.exists(),
    reason="web/static/build/app.css is missing: run `npm ci && npm run build` first",
)


# --- the stylesheet ---------------------------------------------------------------


@pytest.fixture(scope="module")
def css() -> str:
    return APP_CSS.read_text(encoding="utf-8")


def test_stylesheet_never_mentions_gds_transport_or_declares_a_font_face(css: str) -> None:
    assert "gds transport" not in css.lower()
    assert "@font-face" not in css


def test_stylesheet_uses_the_council_font_stack(css: str) -> None:
    assert "font-family:arial,sans-serif" in css


def test_stylesheet_makes_no_request_to_another_site(css: str) -> None:
    assert "@import" not in css
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", css, re.IGNORECASE)
    # GOV.UK Frontend's print styles select links by [href^="http://"]; that
    # selector fetches nothing. Outside attribute selectors no URL may remain.
    without_selectors = re.sub(r"\[[^\]]*\]", "", css)
    assert not re.search(r"https?://", without_selectors, re.IGNORECASE)


def test_every_image_the_stylesheet_uses_was_built(css: str) -> None:
    urls = re.findall(r"url\(\s*[\"']?(/static/build/[^\"')]+)", css)
    assert urls, "expected the stylesheet to refer to GOV.UK Frontend images"
    missing = [url for url in urls if not (ROOT / "web" / url.lstrip("/")).is_file()]
    assert missing == []


def test_the_module_script_imports_files_that_were_built() -> None:
    app_js = (BUILD / "app.mjs").read_text(encoding="utf-8")
    imports = re.findall(r"from\s+'(\./[^']+)'", app_js)
    assert len(imports) == 2
    assert all((BUILD / path).is_file() for path in imports)
    assert (BUILD / "test" / "axe.min.js").is_file()


# --- the layout -------------------------------------------------------------------


@dataclass
class FakeUser:
    is_authenticated: bool
    display_name: str = "Alex Worker"


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test only", TESTING=True)
    app.jinja_loader = ChoiceLoader(
        [
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            FileSystemLoader(ROOT / "web" / "templates"),
        ]
    )
    app.jinja_env.add_extension("jinja2.ext.do")  # as web.app wires it for the macros
    app.jinja_env.globals.update(csp_nonce=lambda: NONCE, csrf_token=lambda: CSRF)
    app.config["USER"] = FakeUser(is_authenticated=True)
    app.context_processor(lambda: {"current_user": app.config["USER"]})
    return app


PAGE = '{% extends "layout.html" %}{% block content %}<h1>Queue</h1>{% endblock %}'


def render(app: Flask, source: str = PAGE, **context: object) -> str:
    with app.test_request_context("/"):
        return render_template_string(source, **context)


class ScriptTags(HTMLParser):
    """Collects the attributes of every <script> tag."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))


def test_layout_shows_the_service_name_linking_home(app: Flask) -> None:
    html = render(app, title="Contacts to screen")
    assert re.search(r'<a href="/" class="govuk-generic-header__homepage-link">\s*Front Door', html)
    assert "<title>Contacts to screen – Front Door</title>" in html
    assert '<link rel="stylesheet" href="/static/build/app.css">' in html
    assert "Synthetic demo data only" in html
    assert "Front Door – open-source; all data shown is synthetic" in html


def test_every_script_carries_the_request_nonce(app: Flask) -> None:
    parser = ScriptTags()
    parser.feed(render(app))
    assert len(parser.scripts) == 2  # GOV.UK's js-enabled snippet and app.mjs
    assert all(script.get("nonce") == NONCE for script in parser.scripts)
    assert {"type": "module", "src": "/static/build/app.mjs", "nonce": NONCE} in parser.scripts


def test_layout_uses_no_gov_uk_crown_branding(app: Flask) -> None:
    html = render(app)
    assert "govuk-header__logotype" not in html
    assert "Crown copyright" not in html


def test_signed_in_user_gets_a_sign_out_form_with_csrf_token(app: Flask) -> None:
    html = render(app)
    assert '<form class="app-account__form" method="post" action="/sign-out"' in html
    assert f'<input type="hidden" name="csrf_token" value="{CSRF}">' in html
    app.config["USER"] = FakeUser(is_authenticated=False)
    assert "/sign-out" not in render(app)


def test_navigation_marks_the_active_item(app: Flask) -> None:
    nav_items = [
        {"text": "Queue", "href": "/queue", "active": True},
        {"text": "Reports", "href": "/reports", "active": False},
    ]
    html = render(app, nav_items=nav_items)
    assert 'href="/queue" aria-current="page">Queue</a>' in html
    assert 'href="/reports">Reports</a>' in html


def test_errors_show_a_summary_linking_to_each_field(app: Flask) -> None:
    errors = {"reason": "Enter a reason", "decided_on": ["Enter a real date"]}
    html = render(app, title="Record decision", errors=errors)
    assert "<title>Error: Record decision – Front Door</title>" in html
    assert 'data-module="govuk-error-summary"' in html
    assert re.search(r'<a href="#reason">\s*Enter a reason', html)
    assert re.search(r'<a href="#decided_on">\s*Enter a real date', html)


def test_success_flash_is_a_success_banner(app: Flask) -> None:
    with app.test_request_context("/"):
        flash("Contact moved to screening", "success")
        html = render_template_string(PAGE)
    assert "govuk-notification-banner--success" in html
    assert "Contact moved to screening" in html


@pytest.mark.parametrize("code", [400, 403, 404, 409, 429, 500])
def test_each_error_page_renders_in_the_layout(app: Flask, code: int) -> None:
    with app.test_request_context("/"):
        html = render_template(f"errors/{code}.html", latest_url="/contacts/7")
    assert re.search(r"<h1 class=\"govuk-heading-l\">[^<]+</h1>", html)
    assert "– Front Door</title>" in html


def test_stale_page_links_to_the_latest_version(app: Flask) -> None:
    with app.test_request_context("/"):
        html = render_template("errors/409.html", latest_url="/contacts/7")
    assert "Someone else changed this contact since you opened it" in html
    assert 'href="/contacts/7"' in html


# --- the macros -------------------------------------------------------------------

MACROS = """
{%- from "macros/status.html" import rag_badge, overdue_tag -%}
{%- from "components/moj.html" import timeline -%}
{{ rag_badge(rag) }}
{{ overdue_tag(overdue, "decision was due 4 March 2025") }}
{{ timeline(events) }}
"""


def test_rag_badge_and_overdue_tag_say_their_meaning_in_words(app: Flask) -> None:
    html = render(app, MACROS, rag="AMBER", overdue=True, events=[])
    assert "app-rag--amber" in html
    assert ">Amber</strong>" in html
    assert "Overdue" in html
    assert "No events recorded yet." in html
    assert "Not rated" in render(app, MACROS, rag=None, overdue=False, events=[])


def test_timeline_shows_who_when_and_why(app: Flask) -> None:
    event = {
        "title": "Moved to screening",
        "actor": "Alex Worker",
        "when_text": "3 March 2025, 2:15pm",
        "when_iso": "2025-03-03T14:15:00Z",
        "reason": "Police notification <b>received</b>",
        "details": {"Level of need": "3"},
    }
    html = render(app, MACROS, rag="red", overdue=False, events=[event])
    assert '<h2 class="moj-timeline__title">Moved to screening</h2>' in html
    assert "by Alex Worker" in html
    assert '<time datetime="2025-03-03T14:15:00Z">3 March 2025, 2:15pm</time>' in html
    assert "Police notification &lt;b&gt;received&lt;/b&gt;" in html
    assert "Level of need" in html
