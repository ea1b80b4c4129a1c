"""Every page, as every role, with demo data on it, reads in people's words.

The routes come from the live URL map, so a page added tomorrow is read the day it lands.
Each is filled with real ids (one contact at every stage the demo reaches, a child, a
meeting, a request, a user) and opened as each signed-in role; the text a person can see
(not attributes, scripts or styles) must hold no raw ISO timestamp, no underscore_joined
code (a rule id, a stage, an outcome), no pointer into the developers' documents, no
"(s)" where a count should choose its own plural, and no colleague, team or agency by its
code: a username (``demo.worker``) or a team code (``front-door``) appears only where the
account itself is the subject (the administrator's list of users and a user's own page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import product
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.web.conftest import ROLE_KEYS, Browser, store_of, url_for_rule
from web.demo import DemoSpec, load_demo
from web.users import load_demo_users
from workflow.persistence.tables import ContactRow, UserRow
from workflow.persistence.tables_mash import InfoRequestRow, MeetingRow
from workflow.persistence.tables_people import TeamRow

#: What must never reach the screen, and why a person would be puzzled by it.
RAW = {
    "an ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    "an ISO date": re.compile(r"(?<![\w/-])\d{4}-\d{2}-\d{2}(?![\w-])"),
    "an underscore_joined code": re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b"),
    "a developer reference": re.compile(r"\b(?:DOMAIN|ARCHITECTURE|README)\.md\b|§"),
    "a plural left to the reader": re.compile(r"\w\(s\)|\w\(ies\)|\(ren\)"),
}
#: Pages where an account's username is what the reader came for: the administrator's list
#: of users and one user's page (not, say, the cases they hold).
USERNAMES_BELONG = re.compile(r"/admin/users(?:/\d+)?")
_HIDDEN = {"script", "style", "template", "head"}


class VisibleText(HTMLParser):
    """The text of a page a sighted person reads (elements that are never shown skipped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """The page's visible text, one line per text node."""
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def codes_pattern(usernames: list[str], teams: list[str]) -> dict[str, re.Pattern[str]]:
    """Patterns for the directory's own codes: the usernames and team codes that hold a dot
    or a dash (a plain one like "admin" is also an English word; agency ids are joined with
    underscores, which the underscore rule already finds)."""

    def coded(found: list[str]) -> list[str]:
        return sorted((re.escape(c) for c in found if re.search(r"[.-]", c)), key=len,
                      reverse=True)

    found = {"a username": coded(usernames), "a team code": coded(teams)}
    return {what: re.compile(r"(?<![\w.-])(?:" + "|".join(codes) + r")(?![\w-]|\.\w)")
            for what, codes in found.items() if codes}


def raw_values(text: str, codes: dict[str, re.Pattern[str]] | None = None) -> list[str]:
    """Each raw value found in ``text``, with what it is and the line it sits in."""
    patterns = RAW | (codes or {})
    return [f"{what}: {found!r} in {line[:90]!r}" for line in text.splitlines()
            for what, pattern in patterns.items() for found in pattern.findall(line)]


def test_the_checker_catches_what_a_person_should_never_read() -> None:
    html = ("<p>Due 2026-12-01T10:31:43.365365+00:00</p><p>referrer_feedback</p>"
            "<p>see DOMAIN.md section 2</p><script>var a_b = 1;</script>"
            '<a href="/x?sort=next_due">Tuesday 1 December 2026 at 10:31am</a>')
    found = raw_values(visible_text(html))
    assert any("ISO timestamp" in f for f in found)
    assert any("'referrer_feedback'" in f for f in found)
    assert any("developer reference" in f for f in found)
    assert not any("a_b" in f or "next_due" in f for f in found)


def test_the_checker_catches_a_colleague_or_team_by_code_and_a_lazy_plural() -> None:
    codes = codes_pattern(["demo.worker", "admin"], ["front-door"])
    html = ("<p>Decided by demo.worker.</p><p>Team: front-door</p><p>3 clock(s)</p>"
            "<p>Dee Worker of Family Front Door, admin</p><p>1 child(ren)</p>"
            '<a href="/teams/front-door">the demo.worker.two</a>')
    found = raw_values(visible_text(html), codes)
    assert [f.split(":")[0] for f in found] == [
        "a username", "a team code", "a plural left to the reader", "a plural left to the reader"]


def _ids(session: Any) -> dict[str, list[Any]]:
    """Real ids for each URL variable: a contact at every stage, and one of everything else."""
    by_stage: dict[str, int] = {}
    for cid, stage in session.execute(select(ContactRow.id, ContactRow.stage)
                                      .order_by(ContactRow.id)):
        by_stage.setdefault(str(stage), cid)
    child = session.scalar(select(ContactRow.child_id).order_by(ContactRow.id))
    return {
        "contact_id": sorted(by_stage.values()), "child_id": [child], "person_id": [child],
        "meeting_id": [session.scalar(select(MeetingRow.id))],
        "request_id": [session.scalar(select(InfoRequestRow.id))],
        "user_id": [session.scalar(select(UserRow.id).where(UserRow.username == "fd.worker"))],
        "name": ["oidc"]}


def _directory_codes(session: Any) -> dict[str, re.Pattern[str]]:
    """The codes of every account and team the pages could show."""
    return codes_pattern(list(session.scalars(select(UserRow.username))),
                         list(session.scalars(select(TeamRow.code))))


def _pages(app: Flask, ids: dict[str, list[Any]]) -> Iterator[str]:
    """Every GET page of the web (not the API, assets, health checks or downloads)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.rule.startswith(("/api", "/static")) \
                or rule.endpoint.startswith(("auth.sign_out", "health", "home.health")):
            continue
        names = sorted(rule.arguments)
        for combo in product(*(ids.get(n, ["x"]) for n in names)):
            yield url_for_rule(rule, dict(zip(names, combo, strict=True)))


def test_every_page_as_every_role_shows_no_raw_codes_timestamps_or_developer_notes(
        app: Flask, signed_in: Callable[[str], Browser], db: Callable[[], Any]) -> None:
    store = store_of(app)
    load_demo_users(store.accounts)
    now = datetime.now(UTC)
    for _ in load_demo(app.extensions["uow"], app.extensions["rules"],
                       DemoSpec(contacts=60, seed=3), now, store.read):
        pass
    with db() as session:
        ids = _ids(session)
        codes = _directory_codes(session)
    problems: dict[str, list[str]] = {}
    opened = 0
    for role, key in ROLE_KEYS.items():
        who = signed_in(key)
        for url in _pages(app, ids):
            response = who.get(url)
            assert response.status_code < 500, f"{url} as {role}: {response.status_code}"
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            opened += 1
            owned = {k: v for k, v in codes.items()
                     if not (k == "a username" and USERNAMES_BELONG.fullmatch(url))}
            for found in raw_values(visible_text(response.get_data(as_text=True)), owned):
                problems.setdefault(found, []).append(f"{url} as {role.value}")
    assert opened > 100  # every role opened its pages; nothing was skipped by mistake
    assert not problems, f"{len(problems)} raw values on screen:\n" + "\n".join(
        f"{found} on {len(where)} pages, e.g. {where[0]}"
        for found, where in sorted(problems.items()))
