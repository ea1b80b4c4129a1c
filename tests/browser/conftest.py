"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium.

Playwright cannot download browsers here, so ``playwright.sync_api`` is used directly
(not the pytest-playwright fixtures) with ``executable_path`` pointing at Chromium.
Without Chromium or the built assets (``web/static/build/app.css``) every test in this
folder is skipped with the reason; under ``CI=true`` that is a failure instead, so a
green build always means the pages were really driven.

The app runs with werkzeug's ``make_server`` in a background thread on a free port, on a
fresh SQLite file with CSRF on and non-Secure cookies (plain http). One user exists per
role (plus a second front-door worker for the two-browser test), all with known
passwords, and a few contacts are recorded through ``workflow.services.handle``. Passwords are
hashed with argon2id at its lowest cost for this session only (the production cost is
most of a second per sign-in on a small shared machine); the sign-in code is unchanged.

Helpers for the tests (sign_in, axe_scan, screenshot) are in ``helpers.py``.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.browser.helpers import APP_CSS, sign_in

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Person:
    """A test user: what they type to sign in, and what the pages call them."""

    username: str
    password: str
    display: str
    role: Any
    team: str | None = None
    agency: str | None = None


def _people() -> dict[str, Person]:
    from workflow.roles import Role

    return {
        "worker": Person("t.worker", "worker-pass-1", "Tess Worker", Role.FRONT_DOOR_WORKER,
                         "front-door"),
        "worker2": Person("t.worker2", "worker-pass-2", "Tom Worker", Role.FRONT_DOOR_WORKER,
                          "front-door"),
        "chair": Person("t.chair", "chair-pass-1", "Cara Chair", Role.MASH_CHAIR, "front-door"),
        "manager": Person("t.manager", "manager-pass-1", "Mia Manager", Role.TEAM_MANAGER,
                          "front-door"),
        "socialworker": Person("t.socialworker", "social-pass-1", "Sam Social",
                               Role.SOCIAL_WORKER, "assessment-1"),
        "partner": Person("t.police", "partner-pass-1", "Pip Police", Role.PARTNER,
                          agency="police"),
        "admin": Person("t.admin", "admin-pass-1", "Ari Admin", Role.ADMINISTRATOR),
        "psw": Person("t.psw", "psw-pass-1", "Priya Principal", Role.PRINCIPAL_SOCIAL_WORKER),
        "head": Person("t.head", "head-pass-1", "Hal Head", Role.HEAD_OF_SERVICE),
        "familyhelp": Person("t.familyhelp", "family-pass-1", "Faye Family",
                             Role.FAMILY_HELP_PRACTITIONER, "family-help-north"),
    }


#: The teams the people belong to: allocation chooses a team and worker from the directory.
TEAMS = {"front-door": ("Front Door", "front_door"), "assessment-1": ("Assessment 1", "assessment"),
         # Family Help North's team (config/family_help.toml names it for the service).
         "family-help-north": ("Family Help North", "family_help")}


# -- prerequisites ----------------------------------------------------------------------
def chromium_path() -> str | None:
    """Debian's Chromium at /usr/bin/chromium, or ``chromium`` on PATH."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _missing() -> str | None:
    if chromium_path() is None:
        return ("Chromium not found at /usr/bin/chromium or on PATH: "
                "install it with `apt-get install -y chromium` (or `make browser-deps`)")
    if not APP_CSS.exists():
        return ("web/static/build/app.css is missing: build the front-end assets with "
                "`npm ci --omit=optional --ignore-scripts && npm run build`")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    """Skip (or, under CI=true, fail) the whole folder when the browser tests cannot run."""
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests are required in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


# -- the app ----------------------------------------------------------------------------
@dataclass
class LiveApp:
    """The running app: its base URL, the people who can sign in and the seeded contacts."""

    base_url: str
    people: dict[str, Person]
    app: Any
    contacts: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def actor(self, who: str) -> Any:
        from workflow.roles import Actor

        person = self.people[who]
        return Actor(person.username, person.role, agency=person.agency, team=person.team)

    def record(self, first: str, last: str, *, hours_ago: int = 1, source: str = "6",
               screening: bool = False, rag: str | None = None) -> int:
        """Record one contact through ``workflow.services.handle`` (as a front-door worker).

        ``screening`` moves it on to screening; ``rag`` then rates it, with a reason.
        """
        from tests.builders import fire, record_contact
        from workflow.intake.commands import NewContact
        from workflow.people.records import PersonDetails

        rules, uow = self.app.extensions["rules"], self.app.extensions["uow"]
        worker = self.actor("worker")
        now = datetime.now(UTC)
        intake = NewContact(now - timedelta(hours=hours_ago), source,
                            [PersonDetails(first, last)], "phone", "Seeded referrer",
                            f"Seeded concerns about {first}.", "not_recorded")
        made = record_contact(uow(), rules, intake, worker, now)[0]
        if screening or rag:
            made = fire(uow(), rules, made["id"], "start_screening", worker, {},
                        made["version"], now)
        if rag:
            made = fire(uow(), rules, made["id"], "rate", worker,
                        {"rag": rag, "reason": f"Seeded {rag} rating"}, made["version"], now)
        return int(made["id"])

    def act(self, contact_id: int | None, action: str, who: str,
            data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Fire ``action`` through ``handle`` against the contact's current version."""
        from workflow.services import Act, handle

        result: dict[str, Any] = handle(
            self.app.extensions["uow"](), self.app.extensions["rules"],
            Act(action, contact_id, self.actor(who), datetime.now(UTC), data or {}))
        return result

    def allocate(self, contact_id: int, team: str, worker: str) -> None:
        self.act(contact_id, "allocate", "manager", {"team": team, "worker": worker})


def _seed_users(accounts: Any, people: dict[str, Person]) -> None:
    """Each test person's account, saved through the accounts port as the CLI saves them."""
    from web.auth import hash_password

    for p in people.values():
        accounts.save_account(p.username, p.display, p.role, p.team, p.agency,
                              hash_password(p.password))
    for code, (name, kind) in TEAMS.items():
        accounts.save_team(code, name, kind, 20)
    for p in people.values():
        if p.team:
            accounts.join_team(p.team, p.username, p.role.value == "team_manager")


def _seed_contacts(live: LiveApp) -> None:
    """A few contacts in different states, so every list has something in it."""
    live.contacts["received"] = live.record("Ada", "Seed", hours_ago=2)
    live.contacts["screening"] = live.record("Ben", "Seed", source="2A", hours_ago=5,
                                             rag="amber")
    live.contacts["allocated"] = live.record("Cleo", "Seed", source="3A", hours_ago=30,
                                             screening=True)
    live.allocate(live.contacts["allocated"], "front-door", live.people["worker"].username)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory,
             _browser_prerequisites: None) -> Iterator[LiveApp]:
    """The real app on 127.0.0.1:<free port>, its own SQLite file, CSRF on."""
    from argon2 import PasswordHasher

    from web import auth
    from web.app import create_app
    from workflow.persistence.db import make_engine
    from workflow.persistence.schema import metadata

    db_file = tmp_path_factory.mktemp("browser-db") / "frontdoor.db"
    url = f"sqlite:///{db_file}"
    engine = make_engine(url)
    metadata().create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        # A key of our own, so a fresh checkout's instance/ folder is never written to.
        mp.setenv("FRONTDOOR_SECRET_KEY", "browser-tests-" + "x" * 32)
        mp.delenv("FRONTDOOR_INSECURE_COOKIES", raising=False)
        app = create_app({"DATABASE_URL": url, "WTF_CSRF_ENABLED": True,
                          "SESSION_COOKIE_SECURE": False})
    assert app.config["WTF_CSRF_ENABLED"] and not app.testing
    with pytest.MonkeyPatch.context() as mp:
        # Still argon2id through the real sign-in code, at the lowest cost argon2 allows:
        # the production setting costs most of a second per sign-in on a shared CI box.
        mp.setattr(auth, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        people = _people()
        _seed_users(app.extensions["accounts"], people)
        live = LiveApp("", people, app)
        _seed_contacts(live)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        # FRONTDOOR_BROWSER_PORT pins the port on a shared machine; by default any free one.
        port = int(os.environ.get("FRONTDOOR_BROWSER_PORT", "0"))
        server = make_server("127.0.0.1", port, app, threaded=True)
        live.base_url = f"http://127.0.0.1:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, name="frontdoor-live",
                                  daemon=True)
        thread.start()
        try:
            yield live
        finally:
            server.shutdown()
            thread.join(timeout=5)


# -- the browser ------------------------------------------------------------------------
# Fixture names avoid pytest-playwright's (browser, page, new_context, context), which
# would try to use Playwright's own downloaded browsers.
@pytest.fixture(scope="session")
def chromium(_browser_prerequisites: None) -> Iterator[Any]:
    """Debian's Chromium, headless, for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Traffic:
    """Every URL the browser asked for, and what the console reported as an error."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def external(self, base_url: str) -> list[str]:
        """Requests that went anywhere but the app (data: URLs are in the page itself)."""
        return [u for u in self.requests
                if not (u.startswith(base_url + "/") or u.startswith("data:"))]


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


def _context(chromium: Any, live_app: LiveApp, traffic: Traffic | None, **options: Any) -> Any:
    options.setdefault("viewport", VIEWPORT)
    context = chromium.new_context(base_url=live_app.base_url, locale="en-GB",
                                   timezone_id="Europe/London", **options)
    context.set_default_timeout(TIMEOUT_MS)
    if traffic is not None:
        context.on("request", lambda request: traffic.requests.append(request.url))
        context.on("console", lambda msg: traffic.console_errors.append(msg.text)
                   if msg.type == "error" else None)
    return context


@pytest.fixture(scope="session")
def signed_in_state(chromium: Any, live_app: LiveApp) -> Callable[[str], dict[str, Any]]:
    """``signed_in_state("worker")``: cookies of a real sign-in, made once per person.

    Pages that are not about signing in start from these, which keeps the suite fast
    (each argon2 check costs most of a second here).
    """
    cache: dict[str, dict[str, Any]] = {}

    def get(who: str) -> dict[str, Any]:
        if who not in cache:
            context = _context(chromium, live_app, None)
            person = live_app.people[who]
            sign_in(context.new_page(), person.username, person.password)
            cache[who] = context.storage_state()
            context.close()
        return cache[who]

    return get


@pytest.fixture
def open_context(chromium: Any, live_app: LiveApp, traffic: Traffic,
                 signed_in_state: Callable[[str], dict[str, Any]]
                 ) -> Iterator[Callable[..., Any]]:
    """``open_context(as_="worker", bypass_csp=False)``: a browser context of its own.

    Every request it makes is recorded in ``traffic``; on teardown the test fails if any
    page asked for anything outside the app.
    """
    made: list[Any] = []

    def make(as_: str | None = None, **options: Any) -> Any:
        if as_ is not None:
            options["storage_state"] = signed_in_state(as_)
        context = _context(chromium, live_app, traffic, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    outside = traffic.external(live_app.base_url)
    assert not outside, f"pages made requests outside the app: {outside}"
