# The README's two commands. Everything else is a helper they call.
#   make run   fresh machine -> virtualenv, install, front-end build, migrate, demo data, serve
#   make test  install what the tests need, then lint, type-check and run every test
#   make lock  re-pin requirements/*.txt from pyproject.toml (after changing a dependency)
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs come from the hash-pinned lock files in requirements/ (made by `make lock`):
# run.txt is what the app needs to run, test.txt adds gunicorn and the test tools.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
UV := uv==0.13.9
LOCK := $(BIN)/uv pip compile pyproject.toml --python-version 3.11 --universal \
	--generate-hashes --quiet --custom-compile-command "make lock"
DEMO_CONTACTS ?= 300
HOST ?= 127.0.0.1
PORT ?= 5000
export PYTHONPATH := $(CURDIR)
# The machine's own pip, when it has one that can install into another interpreter (pip
# 22.3 on, --python), fills the venv: a venv without a pip of its own is made in under a
# second, where ensurepip took 6-12 s of a cold `make run`. Otherwise the venv has its own.
HOST_PIP := $(shell $(PY) -c 'import sys, pip; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (22, 3))' >/dev/null 2>&1 && echo yes)
ifeq ($(HOST_PIP),yes)
VENV_FLAGS := --without-pip
PIP := $(PY) -m pip --python $(BIN)/python
else
VENV_FLAGS :=
PIP := $(BIN)/python -m pip
endif
# (.pyc files are compiled at install: left to first import, a cold `make run` paid for
# them in every step after the install and took longer, measured.)
INSTALL := $(PIP) install --quiet --disable-pip-version-check

.PHONY: run test venv test-venv lock assets db demo serve lint typecheck pytest browser-deps oracles clean bench-search api-fuzz

$(BIN)/python:
	$(PY) -m venv $(VENV_FLAGS) $(VENV)

# The lock first (every file checked against its hash), then the project itself, editable.
$(RUN_STAMP): requirements/run.txt pyproject.toml | $(BIN)/python
	$(INSTALL) --require-hashes -r requirements/run.txt
	$(INSTALL) --no-deps -e .
	touch $@

$(TEST_STAMP): requirements/test.txt pyproject.toml | $(BIN)/python
	$(INSTALL) --require-hashes -r requirements/test.txt
	$(INSTALL) --no-deps -e .
	touch $@ $(RUN_STAMP)

venv: $(RUN_STAMP)

test-venv: $(TEST_STAMP)

# Re-pin every dependency after a change to pyproject.toml (needs PyPI); commit the result.
lock: | $(BIN)/python
	$(INSTALL) $(UV)
	$(LOCK) -o requirements/run.txt
	$(LOCK) --extra production -o requirements/production.txt
	$(LOCK) --extra production --extra test -o requirements/test.txt

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	npm run --silent build

db: venv
	$(BIN)/frontdoor db upgrade

demo: db
	$(BIN)/frontdoor demo --contacts $(DEMO_CONTACTS) --seed 1 --if-empty
	$(BIN)/frontdoor users demo

# Plain http on loopback for the laptop demo: cookies lose the Secure flag for this process only.
serve:
	FRONTDOOR_INSECURE_COOKIES=1 $(BIN)/flask --app 'web.app:create_app()' run --host $(HOST) --port $(PORT)

run: venv assets demo serve

# Debian's Chromium for the browser tests (Playwright cannot download browsers here), and
# Caddy, the TLS proxy the HTTPS journey runs behind (tests/browser/test_https.py).
BROWSER_PACKAGES := chromium caddy
browser-deps:
	@missing=""; for tool in $(BROWSER_PACKAGES); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "Could not install$$missing: the browser tests that need them will be skipped."; \
	fi

lint: test-venv
	$(BIN)/ruff check .

typecheck: test-venv
	$(BIN)/mypy

# The independent checks of the CIN census and Annex A (tests/oracles/build.py): two venvs of
# their own under .oracles/, built once (silent when current). If they cannot be built here the
# tests that need them skip, and fail in CI.
oracles: test-venv
	@$(BIN)/python -m tests.oracles.build || echo "Oracles not built: their tests will skip here (and fail in CI)."

pytest: test-venv assets browser-deps oracles
	$(BIN)/pytest -q

test: lint typecheck pytest

# Search at 10,000 and 1,000,000 people on SQLite and PostgreSQL, timed side by side with
# each statement's plan (bench/README.md; about 15 minutes). Not part of `make test`:
# benchmarks are not tests. BENCH_ARGS=--quick for 1,000 and 20,000 people (about a minute).
BENCH_ARGS ?=
bench-search: venv
	$(BIN)/python -m bench.search $(BENCH_ARGS)

# schemathesis against the running API (gunicorn on PostgreSQL, a schema of its own): every
# operation of /api/v1/openapi.json, at least 10,000 requests, judged by the server's access
# log (tests/api_fuzz.py). Needs PostgreSQL (TEST_DATABASE_URL); about 5-10 minutes.
# FRONTDOOR_FUZZ_HEADERS="Authorization: Bearer ..." fuzzes as an API client instead of a
# signed-in session. FUZZ_ARGS=--max-examples 20 for a quick run.
FUZZ_ARGS ?=
api-fuzz: test-venv
	$(BIN)/python -m tests.api_fuzz $(FUZZ_ARGS)

clean:
	rm -rf $(VENV) node_modules web/static/build instance .oracles
