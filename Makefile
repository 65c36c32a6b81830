# Kringwijs survey: run the app locally or run the test suite.
#
#   make run          create .venv if needed, migrate the database, start Streamlit on :8501
#   make test         create .venv with the dev requirements, install Chromium and
#                     PostgreSQL when missing, run ruff, then pytest (extra arguments: PYTEST_ARGS=...)
#   make lint         only ruff (settings in pyproject.toml)
#   make system-deps  only the Debian packages the tests need
#   make clean        remove .venv

PYTHON ?= python3.11
VENV := .venv
VENV_PY := $(VENV)/bin/python
PIP_INSTALL := $(VENV_PY) -m pip install --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp
PYTEST_ARGS ?=
# Three workers on the two cores of the reference machine: browser tests wait on servers and
# browsers much of the time (two workers: 11 min 14 s, three: 8 min 35 s, four: 8 min 28 s with
# the machine overloaded; 2026-12-02). 0 runs everything in one process.
# Each worker runs whole files (loadfile), in the order tests/conftest.py gives them: the
# longest first (--no-loadscope-reorder keeps that order instead of "most tests first").
TEST_WORKERS ?= 3

AXE_VERSION := 4.14.1
AXE := tests/.axe/node_modules/axe-core/axe.min.js

.PHONY: run test lint system-deps clean

run: $(RUNTIME_STAMP)
	$(VENV_PY) -m kringwijs_survey migrate
	$(VENV)/bin/streamlit run app.py --server.port 8501 --server.headless true

test: lint system-deps $(AXE)
	$(VENV_PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=10 $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .

# The venv: $(PYTHON) when it exists, python3 otherwise. A half-made venv is removed.
$(VENV_PY):
	@if command -v "$(PYTHON)" >/dev/null 2>&1; then py="$(PYTHON)"; \
	else echo "$(PYTHON) not found, falling back to python3"; py=python3; fi; \
	echo "$$py -m venv $(VENV)"; \
	"$$py" -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# Stamps live inside .venv, so removing .venv also forgets what was installed.
$(RUNTIME_STAMP): requirements.txt | $(VENV_PY)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(VENV_PY)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# Chromium (browser tests, through Playwright with executable_path=/usr/bin/chromium),
# a PostgreSQL server, poppler, npm, HAProxy (tests/test_multi_instance.py) and fonts come from
# Debian, never from Playwright.
# The script checks each package on its own and installs only what is missing.
system-deps:
	@sh scripts/system-deps.sh

# axe-core, the accessibility engine the browser tests inject, from the npm registry.
$(AXE): | system-deps
	npm install --no-save --no-audit --no-fund --prefix tests/.axe axe-core@$(AXE_VERSION)

clean:
	rm -rf $(VENV) tests/.axe
