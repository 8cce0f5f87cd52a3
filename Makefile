# Two entry points for a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/lib/chromium/chromium
VNU_VERSION ?= 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test test-latest run-tests lint lock check serve chromium vnu bench clean

# Installs are reproducible: exact versions with hashes from requirements/*.lock (made by
# `make lock`), then the project itself without dependencies. `make test-latest` resolves the
# newest versions pyproject.toml allows instead, so a new release that breaks us is seen on purpose.
LOCK_SITE := requirements/site.lock
LOCK_TEST := requirements/test.lock
PIP_LOCKED := -m pip install --quiet --no-deps --require-hashes

$(BIN)/.site: pyproject.toml $(LOCK_SITE)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python $(PIP_LOCKED) -r $(LOCK_SITE)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(BIN)/.test: $(BIN)/.site $(LOCK_TEST)
	$(BIN)/python $(PIP_LOCKED) -r $(LOCK_TEST)
	touch $@

site: $(BIN)/.site  ## fresh machine -> built site/ (installs only what building needs)
	$(BIN)/briefsite build

check: $(BIN)/.site
	$(BIN)/briefsite check

serve: $(BIN)/.site  ## local preview with live reload
	$(BIN)/briefsite serve

test: $(BIN)/.test chromium vnu  ## fresh machine -> every test passing
	$(MAKE) --no-print-directory run-tests

# The newest versions that pyproject.toml allows, in a venv of their own.
test-latest: chromium vnu
	rm -rf .venv-latest
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -r requirements/build.in -e '.[test]'
	$(MAKE) --no-print-directory run-tests VENV=.venv-latest

run-tests: lint
	$(BIN)/python -m pytest

# ruff (rules pinned in pyproject.toml) and mypy, versions from the lock: `make test` fails on either.
lint:
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy generator

# Rewrite the locks from pyproject.toml (uv: the one tool that hashes every platform's wheels).
lock:
	$(PYTHON) -m venv .tools/uv && .tools/uv/bin/python -m pip install --quiet uv
	for lock in site test; do \
	  extra=$$([ $$lock = test ] && echo --extra test); \
	  .tools/uv/bin/uv pip compile pyproject.toml requirements/build.in $$extra --universal \
	    --python-version 3.11 --generate-hashes --quiet -o requirements/$$lock.lock; \
	done

# Debian's Chromium for the browser tests (never `playwright install`: it downloads).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "chromium is missing and apt-get is not available: install Chromium and set CHROMIUM=/path/to/binary" >&2; exit 1; \
	  fi; \
	fi

# The Nu HTML Checker for tests/test_html_valid.py: vnu-jar from npm into .tools/ (runs on
# Java 17+). Without java or npm it says so; the test then fails unless BRIEFSITE_SKIP_VNU=1.
vnu: $(VNU_JAR)

$(VNU_JAR):
	@if command -v java >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
	  echo "installing vnu-jar@$(VNU_VERSION) into .tools/ for the HTML validity test"; \
	  npm install --prefix .tools --no-audit --no-fund --ignore-scripts --silent vnu-jar@$(VNU_VERSION); \
	else \
	  echo "java or npm is missing: the HTML validity test needs both (apt-get install -y default-jre-headless npm), or set BRIEFSITE_SKIP_VNU=1" >&2; \
	fi

bench: $(BIN)/.test
	$(BIN)/python bench/run.py

clean:
	rm -rf site .briefsite-cache build dist .venv-latest
