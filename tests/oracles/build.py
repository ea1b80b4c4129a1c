"""Builds the two oracles' virtualenvs under ``.oracles/`` (git-ignored), once.

Why venvs of their own: the independent checks of our statutory returns are other people's
code with pins that clash with ours. Data to Insight's CIN census validator
(``csc-validator-be-cin``) needs pandas 1.x and numpy<2; Social Finance's ``liiatools``
pins ``cchardet``, which does not build on Python 3.11, so it goes in with ``--no-deps``
beside the few packages its Annex A cleaner really imports. Each venv is built from a lock
file beside this module (every version pinned) and stamped with a hash of that file, the
``--no-deps`` packages and the interpreter's version: a matching stamp means "already
built", so a second run costs a file read. A lock file keeps two test runs from building
the same venv at once.

Run it alone (``python -m tests.oracles.build``, what ``make oracles`` does): silent when
the venvs are current, one line per venv it builds, exit status 1 with the reason when it
cannot (no network, no wheel for this Python).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: Where the venvs live; ``FRONTDOOR_ORACLES_DIR`` moves them (e.g. to share one copy).
HOME = Path(os.environ.get("FRONTDOOR_ORACLES_DIR", ROOT / ".oracles"))
#: The interpreter the venvs are made from (3.9 to 3.11: pandas 1.5 has no later wheels).
BASE_PYTHON = os.environ.get("FRONTDOOR_ORACLE_PYTHON", sys.executable)
PIP_TIMEOUT = 900


class OracleUnavailable(RuntimeError):
    """An oracle's venv could not be built here (the message says why and what was tried)."""


@dataclass(frozen=True)
class Oracle:
    """One oracle: its folder, its lock file, what goes in without deps, how to prove it works."""

    name: str
    requirements: Path
    no_deps: tuple[str, ...]
    probe: str

    @property
    def folder(self) -> Path:
        return HOME / self.name

    @property
    def python(self) -> Path:
        return self.folder / "bin" / "python"

    @property
    def stamp_file(self) -> Path:
        return self.folder / ".built"


ORACLES = {
    "cin": Oracle("cin", HERE / "requirements-cin.txt", (),
                  "import cin_validator.cin_validator, cin_validator.rules.cin2026_27"),
    "liia": Oracle("liia", HERE / "requirements-liia.txt", ("liiatools==0.2.0",),
                   "import liiatools.datasets.annex_a.lds_annexa_clean.cleaner"),
}


@cache
def _interpreter_version() -> str:
    found = subprocess.run([BASE_PYTHON, "-c", "import sys; print(sys.version)"],
                           capture_output=True, text=True, check=False)
    if found.returncode:
        raise OracleUnavailable(f"cannot run {BASE_PYTHON}: {found.stderr.strip()}")
    return found.stdout.strip()


def stamp(oracle: Oracle) -> str:
    """What the venv was built from: a change to any part means it must be rebuilt."""
    digest = hashlib.sha256(oracle.requirements.read_bytes())
    digest.update("\n".join(oracle.no_deps).encode())
    digest.update(_interpreter_version().encode())
    return digest.hexdigest()


def is_current(oracle: Oracle) -> bool:
    """True when the venv exists and was built from exactly today's pins."""
    try:
        built = oracle.stamp_file.read_text(encoding="utf-8").strip()
    except OSError:
        return False
    return oracle.python.exists() and built == stamp(oracle)


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired as error:
        raise OracleUnavailable(f"{what} took longer than {PIP_TIMEOUT} s") from error
    if done.returncode:
        noise = "is ignored: it is neither a file nor a directory"
        lines = [x for x in (done.stderr + done.stdout).splitlines() if noise not in x]
        raise OracleUnavailable(f"{what} failed:\n" + "\n".join(lines[-15:]))


def _build(oracle: Oracle) -> None:
    shutil.rmtree(oracle.folder, ignore_errors=True)
    _run([BASE_PYTHON, "-m", "venv", str(oracle.folder)], f"creating the {oracle.name} venv")
    pip = [str(oracle.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run(pip + ["-r", str(oracle.requirements)], f"installing {oracle.requirements.name}")
    if oracle.no_deps:
        _run(pip + ["--no-deps", *oracle.no_deps], f"installing {' '.join(oracle.no_deps)}")
    _run([str(oracle.python), "-c", oracle.probe], f"importing the {oracle.name} oracle")
    oracle.stamp_file.write_text(stamp(oracle) + "\n", encoding="utf-8")


@contextmanager
def _exclusive() -> Iterator[None]:
    """One builder at a time across processes (two test runs may start together)."""
    HOME.mkdir(parents=True, exist_ok=True)
    with open(HOME / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(name: str) -> tuple[Path, float | None]:
    """The oracle's python, building its venv first if needed; and the build's seconds."""
    oracle = ORACLES[name]
    if is_current(oracle):
        return oracle.python, None
    with _exclusive():
        if is_current(oracle):  # another process built it while we waited
            return oracle.python, None
        started = time.monotonic()
        _build(oracle)
        return oracle.python, time.monotonic() - started


def main() -> int:
    """Build every oracle that is missing or stale; quiet when all are current."""
    status = 0
    for name in ORACLES:
        try:
            _, seconds = ensure(name)
        except OracleUnavailable as error:
            print(f"oracle {name}: not built: {error}", file=sys.stderr)
            status = 1
            continue
        if seconds is not None:
            print(f"oracle {name}: built in {HOME / name} in {seconds:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
