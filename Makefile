# Two entry points for a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/lib/chromium/chromium
VNU_VERSION ?= 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test check serve chromium vnu bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

site: $(BIN)/.installed  ## fresh machine -> built site/
	$(BIN)/briefsite build

check: $(BIN)/.installed
	$(BIN)/briefsite check

serve: $(BIN)/.installed  ## local preview with live reload
	$(BIN)/briefsite serve

test: $(BIN)/.installed chromium vnu  ## fresh machine -> every test passing
	$(BIN)/python -m pytest

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

bench: $(BIN)/.installed
	$(BIN)/python bench/run.py

clean:
	rm -rf site .briefsite-cache build dist
