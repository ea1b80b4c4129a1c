"""Helpers the browser tests share: sign in, scan with axe-core, take screenshots.

Kept out of conftest.py so test modules can import them (``tests.browser.helpers``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "web" / "static" / "build"
APP_CSS = BUILD / "app.css"
AXE_JS = BUILD / "test" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(page: Any, username: str, password: str) -> Any:
    """Sign in through the form, as a person would; returns the response of the page landed on.

    Fails if the browser is still on the sign-in page afterwards (a refused password).
    """
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as landed:
        page.get_by_role("button", name="Sign in").click()
    assert "/sign-in" not in page.url, f"sign-in as {username} failed: {page.url}"
    return landed.value


def axe_scan(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.2 A/AA violations on the page as it is now.

    The app's CSP allows only its own and nonce'd scripts, so an injected inline script
    is refused: scan in a context made with ``bypass_csp=True`` (scan contexts only).
    """
    page.add_script_tag(path=str(AXE_JS))
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        raise AssertionError("axe-core did not load: the page's CSP blocked it; make the "
                             "scanning context with bypass_csp=True")
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))}));
        }""",
        WCAG_TAGS,
    )
    return [v for v in results if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines, for assertion messages and the printed log."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
            lines.append(f"       {(node['summary'] or '').replace(chr(10), ' / ')}")
    return "\n".join(lines)


def screenshot(page: Any, name: str, of: Any = None) -> Path:
    """A full-page PNG at docs/screenshots/<name>.png (regenerated on every run), or of
    one part of the page only (``of``, a locator) when the page is too long to read."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if of is not None:
        of.screenshot(path=str(path), animations="disabled")
    else:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def page_problems(page: Any) -> list[str]:
    """What axe's WCAG tags no longer check but people still trip over.

    Ids used more than once (a label or an error-summary link then finds the wrong
    element) and error-summary links whose target is not on the page.
    """
    return page.evaluate(
        """() => {
            const problems = [];
            const seen = {};
            document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
            for (const [id, n] of Object.entries(seen)) {
                if (n > 1) problems.push(`id "${id}" is used ${n} times`);
            }
            document.querySelectorAll('.govuk-error-summary a[href^="#"]').forEach(a => {
                const id = decodeURIComponent(a.getAttribute('href').slice(1));
                if (!document.getElementById(id)) {
                    problems.push(`error summary link "${a.textContent.trim()}" goes to #${id}, ` +
                                  'which is not on the page');
                }
            });
            return problems;
        }"""
    )
