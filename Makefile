# The README's two commands. Everything else is a helper they call.
#   make run   fresh machine -> virtualenv, install, front-end build, migrate, demo data, serve
#   make test  install what the tests need, then lint, type-check and run every test
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CONTACTS ?= 300
HOST ?= 127.0.0.1
PORT ?= 5000
export PYTHONPATH := $(CURDIR)

.PHONY: run test venv assets db demo serve lint typecheck pytest browser-deps oracles clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

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

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "Chromium could not be installed: browser tests will be skipped."

lint: venv
	$(BIN)/ruff check .

typecheck: venv
	$(BIN)/mypy

# The independent checks of the CIN census and Annex A (tests/oracles/build.py): two venvs of
# their own under .oracles/, built once (silent when current). If they cannot be built here the
# tests that need them skip, and fail in CI.
oracles: venv
	@$(BIN)/python -m tests.oracles.build || echo "Oracles not built: their tests will skip here (and fail in CI)."

pytest: venv assets browser-deps oracles
	$(BIN)/pytest -q

test: lint typecheck pytest

clean:
	rm -rf $(VENV) node_modules web/static/build instance .oracles
