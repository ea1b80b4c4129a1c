"""`docker compose up` brings the production stack up and serves sign-in over HTTPS.

The path docs/deploy.md walks through, run for real: secrets made by
deploy/make-secrets.sh (into a copy of the project, so the checkout's own ``secrets/`` is
never written), the images built, the stack started under a project name of its own, and
the sign-in page fetched through Caddy on 443 with its internal certificate. Where no
container engine answers (``docker info`` fails, as on the CI machine this project is
tested on), the test is skipped and says why; the compose file's shape is held by
tests/web/test_deploy_files.py either way.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_COPIED = ("Dockerfile", ".dockerignore", "compose.yaml", "pyproject.toml", "requirements",
           "deploy", "config", "migrations", "alembic.ini", "web", "workflow", "reporting",
           "thresholds", "package.json", "package-lock.json")


def _engine_problem() -> str | None:
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, timeout=30)  # noqa: S607
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"docker info failed ({type(error).__name__})"
    return None if done.returncode == 0 else "no container engine answers `docker info`"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Path]:
    problem = _engine_problem()
    if problem:
        pytest.skip(f"docker compose up not tried: {problem}")
    project = tmp_path / "frontdoor"
    project.mkdir()
    for name in _COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns(
                "__pycache__", "node_modules", "instance"))
        elif source.exists():
            shutil.copy2(source, project / name)
    subprocess.run(["sh", "deploy/make-secrets.sh"], cwd=project, check=True)  # noqa: S607
    compose = ["docker", "compose", "-p", f"fdtest{uuid.uuid4().hex[:8]}"]
    try:
        subprocess.run([*compose, "up", "-d", "--build"], cwd=project, check=True,
                       timeout=1800)
        yield project
    finally:
        subprocess.run([*compose, "down", "-v"], cwd=project, timeout=300)


def _sign_in_page(deadline_s: float = 300) -> str:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # Caddy's internal CA
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            with urllib.request.urlopen("https://localhost/sign-in", timeout=10,  # noqa: S310
                                        context=context) as answer:
                return str(answer.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def test_compose_up_serves_the_sign_in_page_over_https(stack: Path) -> None:
    page = _sign_in_page()
    assert "Sign in" in page and 'name="csrf_token"' in page
