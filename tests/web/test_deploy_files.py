"""The deployment files, checked as far as a machine without Docker can check them.

compose.yaml is parsed as YAML (merge keys resolved) and its shape is held to what
docs/deploy.md promises: only the proxy is reachable from outside, the database sits on a
network with no way out, secrets come from files, migrations run before the app. The
Dockerfile copies only files that exist and runs as a non-root user from the hash-pinned
lock. The lock files pin what pyproject.toml pins, and ``make run``'s lock holds no test
tool. None of this proves an image builds: see docs/deploy.md, "What was tested".
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
REQUIREMENTS = ROOT / "requirements"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    parsed = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(parsed, dict)
    return parsed


def test_compose_runs_the_database_migrations_app_worker_and_a_tls_proxy(
        compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert set(services) == {"db", "migrate", "app", "worker", "proxy"}
    assert services["migrate"]["command"] == ["frontdoor", "db", "upgrade"]
    for name in ("app", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}}
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    # The worker is the job queue's loop (no shell loop), given time to end the job in hand.
    assert services["worker"]["command"] == ["frontdoor", "worker"]
    assert services["worker"]["stop_grace_period"] == "60s"


def test_only_the_proxy_is_reachable_from_outside_and_the_database_has_no_way_out(
        compose: dict[str, Any]) -> None:
    services, networks = compose["services"], compose["networks"]

    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    assert services["db"]["networks"] == ["data"] and networks["data"]["internal"] is True
    assert "data" not in services["proxy"]["networks"]


def test_the_app_runs_in_production_with_its_secrets_read_from_files(
        compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    env = app["environment"]

    assert env["FRONTDOOR_ENV"] == "production" and env["FRONTDOOR_PROXY_COUNT"] == "1"
    assert env["FRONTDOOR_SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    assert "FRONTDOOR_SECRET_KEY" not in env and "FRONTDOOR_DATABASE_URL" not in env
    assert set(app["secrets"]) == {"database_url", "secret_key"}
    files = [Path(s["file"]) for s in compose["secrets"].values()]
    assert all(f.parts[0] == "secrets" for f in files)
    assert "secrets/" in (ROOT / ".gitignore").read_text().splitlines()
    assert "secrets" in (ROOT / ".dockerignore").read_text().splitlines()


def test_the_proxy_uses_the_caddyfile_in_the_repository(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["proxy"]["volumes"]

    caddyfile = next(m.split(":")[0] for m in mounts if m.endswith("/etc/caddy/Caddyfile:ro"))
    assert (ROOT / caddyfile).is_file()
    assert "reverse_proxy {$FRONTDOOR_UPSTREAM:app:8000}" in (ROOT / caddyfile).read_text()


# -- the Dockerfile ----------------------------------------------------------------------

def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split()[0].upper(), line.split(None, 1)[1]) for line in lines
            if line and not line.startswith("#")]


def test_the_image_builds_assets_with_node_then_runs_on_slim_python() -> None:
    stages = [arg for op, arg in _instructions() if op == "FROM"]

    assert stages == ["node:20-bookworm-slim AS assets", "python:3.11-slim-bookworm AS app"]


def test_the_image_installs_from_the_hashed_lock_and_runs_gunicorn_as_a_non_root_user() -> None:
    steps = _instructions()
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    users = [arg for op, arg in steps if op == "USER"]
    command = next(arg for op, arg in reversed(steps) if op == "CMD")

    assert "pip install --require-hashes -r requirements/production.txt" in runs
    assert users and users[-1] not in ("root", "0")
    assert command == '["gunicorn", "-c", "config/gunicorn.conf.py", "web.app:create_app()"]'


def test_every_file_the_image_copies_from_the_repository_exists() -> None:
    copies = [arg.split() for op, arg in _instructions() if op == "COPY"]
    sources = [p for args in copies if not args[0].startswith("--from") for p in args[:-1]]

    missing = [p for p in sources if not (ROOT / p).exists()]
    assert sources and missing == []


# -- the lock files ----------------------------------------------------------------------

def _pins(path: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", path.read_text(),
                       re.MULTILINE)
    return {_norm(name): version for name, version in found}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(*extras: str) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in extras:
        specs += project["optional-dependencies"][extra]
    return dict((_norm(n), v) for n, v in (re.split(r"(?:\[[^\]]*\])?==", s) for s in specs))


@pytest.mark.parametrize(("lock", "extras"), [("run.txt", ()), ("production.txt", ("production",)),
                                              ("test.txt", ("production", "test"))])
def test_each_lock_pins_what_pyproject_pins_with_a_hash_on_every_requirement(
        lock: str, extras: tuple[str, ...]) -> None:
    """A dependency bumped in pyproject.toml without `make lock` fails here."""
    path = REQUIREMENTS / lock
    pins = _pins(path)

    assert {n: pins.get(n) for n in _declared(*extras)} == _declared(*extras)
    blocks = re.split(r"\n(?=[A-Za-z0-9])", path.read_text().split("\n", 2)[2])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)


def test_make_run_installs_no_test_tool_and_no_production_server() -> None:
    run = _pins(REQUIREMENTS / "run.txt")

    unwanted = set(_declared("test", "production")) - set(_declared())
    assert unwanted and unwanted & set(run) == set()
    makefile = (ROOT / "Makefile").read_text()
    assert "-r requirements/run.txt" in makefile and "[test]" not in makefile


# -- the guide ---------------------------------------------------------------------------

def test_the_deployment_guide_explains_every_setting_the_code_reads() -> None:
    code = "".join((ROOT / p).read_text() for p in
                   ("web/settings.py", "config/gunicorn.conf.py", "deploy/Caddyfile"))
    variables = set(re.findall(r"FRONTDOOR_[A-Z_]+", code)) - {"FRONTDOOR_"}
    guide = (ROOT / "docs" / "deploy.md").read_text()

    assert variables and sorted(v for v in variables if v not in guide) == []
