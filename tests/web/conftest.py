"""Fixtures for the web tests: a real app on a fresh SQLite file, real users, real sign-in.

Speed without shortcuts. argon2 costs about half a second per hash *and* per sign-in, so
the expensive part is done once per test session on a template database: the schema is
created, one user per role is stored with a known password (through the store's
``accounts.save_account`` and ``web.auth.hash_password``, the production code path, so the
hashes are real argon2id), and each of those users
signs in once through the real ``/sign-in`` form. The template file — users, password
hashes and live ``user_session`` rows — is then copied for every test, and a test's
``Browser`` for a role gets that role's session cookie. So every test starts from its
own empty-of-contacts database with people already signed in, and nothing is
monkeypatched: CSRF stays on, sessions are server-side rows, hashes are real. The Flask
object itself is built once per test module (it costs ~0.15 s of CPU and holds no
per-test state); its database file is reset to a fresh template copy for every test.

Tests that are *about* signing in (throttling, timeouts) sign in through the form
themselves with :func:`sign_in`.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.builders import OnService, fire, payload, record_contact, staff_the_directory, walk_to
from web.app import create_app
from web.auth import hash_password
from workflow.intake.commands import NewContact
from workflow.people.records import PersonDetails
from workflow.persistence.append_only import rewriting
from workflow.persistence.readiness import expected_revisions
from workflow.persistence.schema import metadata
from workflow.persistence.store import Store, open_store
from workflow.roles import Actor, Role
from workflow.stages import Stage

SECRET_KEY = "tests-only-secret-key-not-for-production"
COOKIE = "frontdoor_session"


@dataclass(frozen=True)
class Person:
    """A user stored in the template database, with the password that signs them in."""

    username: str
    display_name: str
    role: Role
    team: str | None = None
    agency: str | None = None

    @property
    def password(self) -> str:
        return f"{self.username}-Correct-Horse-7"


#: One user per role (two team managers, a partner bound to the police), keyed by what
#: tests call them. Usernames match ``tests.builders`` actors, so a contact walked there
#: by "fd.worker" was walked by the same person who signs in here as "worker".
PEOPLE: dict[str, Person] = {
    "worker": Person("fd.worker", "Dee Worker", Role.FRONT_DOOR_WORKER, "front-door"),
    "chair": Person("mash.chair", "Cal Chair", Role.MASH_CHAIR, "front-door"),
    "manager": Person("team.manager", "Mo Manager", Role.TEAM_MANAGER, "front-door"),
    "manager2": Person("team.manager.two", "Max Manager", Role.TEAM_MANAGER, "assessment-1"),
    "social_worker": Person("social.worker", "Sol Worker", Role.SOCIAL_WORKER, "assessment-1"),
    "partner": Person("police.partner", "Pat Police", Role.PARTNER, None, "police"),
    # The lead practitioner ``tests.builders`` names in a step down (Family Help North).
    "family_help": Person("fh.practitioner", "Fay Helper", Role.FAMILY_HELP_PRACTITIONER,
                          "family-help-north"),
    "admin": Person("admin", "Ada Admin", Role.ADMINISTRATOR),
    "head": Person("head.service", "Hana Head", Role.HEAD_OF_SERVICE),
    "psw": Person("principal.sw", "Pria Principal", Role.PRINCIPAL_SOCIAL_WORKER),
}
#: A user who never signs in: a safe target for "end sessions" and sign-in attempts.
SPARE = Person("spare.worker", "Spare Worker", Role.FRONT_DOOR_WORKER, "front-door")
#: One signed-in person per role, for tests that go through every role.
ROLE_KEYS: dict[Role, str] = {
    Role.FRONT_DOOR_WORKER: "worker", Role.MASH_CHAIR: "chair",
    Role.TEAM_MANAGER: "manager", Role.SOCIAL_WORKER: "social_worker",
    Role.PARTNER: "partner", Role.ADMINISTRATOR: "admin", Role.HEAD_OF_SERVICE: "head",
    Role.PRINCIPAL_SOCIAL_WORKER: "psw", Role.FAMILY_HELP_PRACTITIONER: "family_help",
}

_CSRF_INPUT = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
_URL_VARIABLE = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def url_for_rule(rule: Rule, values: Mapping[str, Any]) -> str:
    """A rule's path with each variable filled: known names from ``values``, else a dummy
    that its converter accepts (so new routes are reachable without teaching the tests)."""

    def fill(match: re.Match[str]) -> str:
        name, converter = match["name"], match["conv"] or "default"
        if name in values:
            return str(values[name])
        return "1" if converter == "int" else "x"

    return _URL_VARIABLE.sub(fill, rule.rule)


# -- reading pages ----------------------------------------------------------------------

def text_of(response: TestResponse) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page (fails the test if there is none)."""
    found = _CSRF_INPUT.search(html)
    assert found, "the page has no csrf_token field"
    return found.group(1)


def read_csrf(client: FlaskClient, path: str = "/sign-in") -> str:
    """Open ``path`` and read the CSRF token from its form (any page with a form will do)."""
    return csrf_from(text_of(client.get(path)))


def sign_in(client: FlaskClient, username: str, password: str) -> TestResponse:
    """Sign in the way a person does: open /sign-in, read its token, post the form."""
    token = read_csrf(client, "/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "username": username,
                                         "password": password})


def session_cookie(client: FlaskClient) -> str | None:
    """The value of the session cookie the client holds now (None when it has none)."""
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


# -- a browser: a test client that knows its CSRF token -----------------------------------

@dataclass
class Browser:
    """A test client for one person; ``post`` sends the page's CSRF token unless told not to."""

    client: FlaskClient
    person: Person | None = None
    _token: str | None = None

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, **kw)

    def csrf(self) -> str:
        if self._token is None:
            self._token = read_csrf(self.client)
        return self._token

    def post(self, path: str, data: Mapping[str, Any] | None = None, csrf: bool = True,
             **kw: Any) -> TestResponse:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf()
        return self.client.post(path, data=form, **kw)

    def api(self, method: str, path: str, body: Any = None, csrf: bool = True,
            **kw: Any) -> TestResponse:
        headers = dict(kw.pop("headers", {}))
        if csrf and method.upper() != "GET":
            headers["X-CSRFToken"] = self.csrf()
        return self.client.open(path, method=method.upper(), json=body, headers=headers, **kw)

    def reset_token(self) -> None:
        """Forget the token (after sign-in or sign-out the session's token is new)."""
        self._token = None


# -- the template database -----------------------------------------------------------------

#: Pass as an override value to leave the app's own setting alone (make_app(url, X=KEEP)).
KEEP = object()


def make_app(database_url: str, **overrides: Any) -> Flask:
    """The real app on ``database_url`` with the real config/ (CSRF on, http cookies)."""
    config: dict[str, Any] = {"DATABASE_URL": database_url, "TESTING": True,
                              "SESSION_COOKIE_SECURE": False, "SECRET_KEY": SECRET_KEY}
    config.update(overrides)
    return create_app({k: v for k, v in config.items() if v is not KEEP})


@pytest.fixture(scope="session", autouse=True)
def _secret_key_env() -> Iterator[None]:
    """A fixed key from the environment, so the app never writes instance/secret_key."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FRONTDOOR_SECRET_KEY", SECRET_KEY)
        mp.delenv("FRONTDOOR_INSECURE_COOKIES", raising=False)
        yield


@dataclass(frozen=True)
class Template:
    """The template database file and, per person, the signed-in cookie and CSRF token."""

    path: Path
    cookies: dict[str, tuple[str, str]] = field(default_factory=dict)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, _secret_key_env: None) -> Template:
    """Schema, users with known passwords, and each person signed in once via the form."""
    path = tmp_path_factory.mktemp("template") / "frontdoor.db"
    url = f"sqlite:///{path}"
    store = open_store(url)
    metadata().create_all(store.engine)  # type: ignore[attr-defined]
    stamp_latest_revision(store.engine)
    staff_the_directory(store.accounts)  # first: the accounts below keep their passwords
    for p in (*PEOPLE.values(), SPARE):
        store.accounts.save_account(p.username, p.display_name, p.role, p.team, p.agency,
                                    hash_password(p.password))
    staff_teams(store)
    app = make_app(url)
    template = Template(path)
    for key, person in PEOPLE.items():
        client = app.test_client()
        response = sign_in(client, person.username, person.password)
        assert response.status_code == 302, f"{person.username} could not sign in"
        token = read_csrf(client, "/sign-in")  # puts this session's CSRF secret in the cookie
        cookie = session_cookie(client)
        assert cookie
        template.cookies[key] = (cookie, token)
    store_of(app).close()
    store.close()
    return template


def stamp_latest_revision(engine: Engine) -> None:
    """Record that a schema made by ``create_all`` is the latest migration (what
    ``alembic stamp heads`` writes), so /readyz answers for it as for a migrated one."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version "
                          "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        for revision in expected_revisions():
            conn.execute(text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})


#: Stages at which a case is held by a team (the social worker's, in these tests).
CASEWORK_STAGES = frozenset({Stage.STRATEGY_DISCUSSION, Stage.SECTION_47, Stage.ASSESSMENT,
                             Stage.CP_PLAN, Stage.CIN_PLAN})
#: The teams the people above belong to (allocation chooses from the directory's lists).
TEAMS = {"front-door": ("Front Door", "front_door"), "assessment-1": ("Assessment 1", "assessment")}


def staff_teams(store: Store) -> None:
    """The directory: each person's team with them as a member (managers as managers)."""
    for code, (name, kind) in TEAMS.items():
        store.accounts.save_team(code, name, kind, 20)
    for p in (*PEOPLE.values(), SPARE):
        if p.team:
            store.accounts.join_team(p.team, p.username, p.role == Role.TEAM_MANAGER)


def store_of(app: Flask) -> Store:
    """The store (engine, sessions, accounts) the app was wired to."""
    store: Store = app.extensions["store"]
    return store


def copy_database(source: Path, target: Path) -> None:
    """Make ``target`` an exact copy of ``source`` (SQLite's backup API: consistent even
    with pages still in the WAL file, and safe over an existing file nobody has open)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


@pytest.fixture(scope="module")
def _module_app(template_db: Template, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[Flask, Path]]:
    """One app per test module (building one costs ~0.15 s of CPU), on its own file."""
    path = tmp_path_factory.mktemp("web") / "frontdoor.db"
    copy_database(template_db.path, path)
    application = make_app(f"sqlite:///{path}")
    yield application, path
    store_of(application).close()


@pytest.fixture
def database_url(_module_app: tuple[Flask, Path], template_db: Template) -> str:
    """This test's database: the module app's file, reset to a fresh copy of the template.

    Every pooled connection is closed first, so no test can see another test's rows.
    """
    application, path = _module_app
    store_of(application).close()
    copy_database(template_db.path, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(_module_app: tuple[Flask, Path], database_url: str) -> Flask:
    """The real app (real config/, TESTING, CSRF on, http cookies) on a fresh database.

    The Flask object is shared by the tests of one module (it holds no per-test state:
    sessions, throttling and CSRF secrets live in the database and the cookies); the
    database under it is a fresh copy of the template for every test.
    """
    return _module_app[0]


@pytest.fixture
def anonymous(app: Flask) -> Browser:
    """A browser nobody has signed in on."""
    return Browser(app.test_client())


@pytest.fixture
def signed_in(app: Flask, template_db: Template) -> Callable[[str], Browser]:
    """``signed_in("worker")``: a new browser signed in as that person (see PEOPLE)."""

    def open_as(key: str) -> Browser:
        cookie, token = template_db.cookies[key]
        client = app.test_client()
        client.set_cookie(COOKIE, cookie, domain="localhost")
        return Browser(client, PEOPLE[key], token)

    return open_as


# -- reading the database ----------------------------------------------------------------

@pytest.fixture
def db(app: Flask) -> Callable[[], Session]:
    """``with db() as s:`` a fresh session on the test's database, to check what was written."""
    factory: Callable[[], Session] = store_of(app).sessions
    return factory


def count_rows(session: Session, table: Any) -> int:
    """How many rows a table (ORM class) holds."""
    return int(session.scalar(select(func.count()).select_from(table)) or 0)


def all_counts(session: Session) -> dict[str, int]:
    """Row count of every table in the schema (to prove a refusal wrote nothing)."""
    tables = metadata().sorted_tables  # type: ignore[attr-defined]
    return {t.name: int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in tables}


# -- arranging contacts through the service layer ----------------------------------------------

def person_actor(key: str) -> Actor:
    """The service-layer actor for a signed-in person."""
    person = PEOPLE[key]
    return Actor(person.username, person.role)


@dataclass
class Contacts:
    """Records contacts and walks them through the real service layer, as people would."""

    app: Flask

    @property
    def rules(self) -> Any:
        return self.app.extensions["rules"]

    def uow(self) -> Any:
        return self.app.extensions["uow"]()

    def record(self, *names: tuple[str, str], ago: timedelta = timedelta(minutes=5),
               source: str = "6", concerns: str = "Synthetic concern for tests"
               ) -> list[dict[str, Any]]:
        """One intake about these children (first, last), received ``ago`` before now."""
        now = datetime.now(UTC)
        kids = [PersonDetails(first, last) for first, last in names or [("Alex", "Example")]]
        intake = NewContact(now - ago, source, kids, referrer="PC Synthetic",
                            concerns=concerns)
        return record_contact(self.uow(), self.rules, intake, person_actor("worker"), now)

    def one(self, first: str = "Alex", last: str = "Example",
            ago: timedelta = timedelta(minutes=5)) -> int:
        """Record one child's contact and return its id."""
        return int(self.record((first, last), ago=ago)[0]["id"])

    def at(self, stage: Stage, first: str = "Alex", last: str = "Example",
           ago: timedelta = timedelta(minutes=30)) -> int:
        """A contact walked along the standard route to ``stage`` (see tests.builders)."""
        [made] = self.record((first, last), ago=ago)
        driver = OnService(self.uow, self.rules, made["id"], made["version"],
                           datetime.now(UTC))
        walk_to(driver, stage)
        if stage in CASEWORK_STAGES:  # a case past the front door is some team's: the SW's
            driver.fire("allocate", person_actor("manager"),
                        {"team": "assessment-1", "worker": "social.worker"})
        return int(made["id"])

    def fire(self, contact_id: int, trigger: str, who: str = "worker",
             variant: str | None = None, **overrides: Any) -> dict[str, Any]:
        """Fire one trigger as a person, with a payload that passes its guards."""
        now = datetime.now(UTC)
        return fire(self.uow(), self.rules, contact_id, trigger, person_actor(who),
                    payload(trigger, now, variant, **overrides), self.version(contact_id),
                    now)

    def child_of(self, contact_id: int) -> int:
        """The id of the contact's child (the person record)."""
        with self.uow() as uow:
            return int(uow.contacts.get(contact_id).child_id)

    def version(self, contact_id: int) -> int:
        with self.uow() as uow:
            return int(uow.contacts.get(contact_id).version)

    def stage(self, contact_id: int) -> str:
        with self.uow() as uow:
            return str(uow.contacts.get(contact_id).stage.value)


@pytest.fixture
def contacts(app: Flask) -> Contacts:
    """Builders that record contacts through ``workflow.services`` on the test's database."""
    return Contacts(app)



# -- the same site on PostgreSQL ---------------------------------------------------------------

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_required() -> bool:
    """CI (or FRONTDOOR_REQUIRE_POSTGRES=1) fails where a laptop without PostgreSQL skips."""
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("FRONTDOOR_REQUIRE_POSTGRES") == "1")


@dataclass
class Site:
    """The real app on one database with every person of PEOPLE signed in through the form."""

    app: Flask
    store: Store
    cookies: dict[str, tuple[str, str]]
    #: Tables set up before the first test (users, teams, sessions): kept between tests.
    kept: frozenset[str] = frozenset()

    def browser(self, key: str) -> Browser:
        cookie, token = self.cookies[key]
        client = self.app.test_client()
        client.set_cookie(COOKIE, cookie, domain="localhost")
        return Browser(client, PEOPLE[key], token)

    def anonymous(self) -> Browser:
        return Browser(self.app.test_client())

    def counts(self) -> dict[str, int]:
        """Rows per table, but the logs of who looked and the sign-in sessions."""
        with self.store.sessions() as session:
            return {k: v for k, v in all_counts(session).items()
                    if k not in ("access_log", "user_session")}


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """A PostgreSQL schema of its own (its URL), dropped afterwards; skips (or fails in
    CI) when no server answers."""
    url = os.environ.get("TEST_DATABASE_URL") or POSTGRES_URL
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # any failure to connect means "unreachable"
        admin.dispose()
        if postgres_required():
            pytest.fail(f"PostgreSQL is required in CI: {type(error).__name__}")
        pytest.skip(f"PostgreSQL not reachable ({type(error).__name__})")
    in_schema = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield in_schema.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def postgres_site(_secret_key_env: None) -> Iterator[Site]:
    """The web tests' users, teams and signed-in people on a PostgreSQL schema of its own."""
    with postgres_schema("frontdoor_web") as url:
        store = open_store(url)
        metadata().create_all(store.engine)  # type: ignore[attr-defined]
        stamp_latest_revision(store.engine)
        staff_the_directory(store.accounts)
        for p in (*PEOPLE.values(), SPARE):
            store.accounts.save_account(p.username, p.display_name, p.role, p.team, p.agency,
                                        hash_password(p.password))
        staff_teams(store)
        app = make_app(url)
        cookies = {}
        for key, person in PEOPLE.items():
            client = app.test_client()
            assert sign_in(client, person.username, person.password).status_code == 302
            token = read_csrf(client, "/sign-in")
            cookies[key] = (session_cookie(client) or "", token)
        with store.sessions() as session:
            kept = frozenset(k for k, n in all_counts(session).items() if n)
        try:
            yield Site(app, store_of(app), cookies, kept | {"alembic_version"})
        finally:
            store_of(app).close()
            store.close()


def emptied(site: Site) -> Site:
    """Every row but those set up first (users, teams, sessions) gone, children first."""
    with site.store.engine.begin() as conn, rewriting(conn, "tests: every test starts empty"):
        for table in reversed(metadata().sorted_tables):  # type: ignore[attr-defined]
            if table.name not in site.kept:
                conn.execute(table.delete())
    return site


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest) -> Site:
    """Every person signed in on SQLite (the test's fresh file) or PostgreSQL (emptied)."""
    if request.param == "postgresql":
        return emptied(request.getfixturevalue("postgres_site"))
    app: Flask = request.getfixturevalue("app")
    template: Template = request.getfixturevalue("template_db")
    return Site(app, store_of(app), template.cookies)
