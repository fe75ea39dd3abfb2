# Two entry points, both safe to run twice on a fresh machine:
#   make demo   install, then run the whole pipeline on the sample article (no server needed)
#   make test   install with test extras, start Redis if needed, run lint and the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo
ARTICLE := examples/articles/pyongyang-marathon.txt
# Spanish and Catalan from Apertium (rule-based MT, Debian's packages), Arabic from
# the pseudo engine (right-to-left layout without a model).
APERTIUM_PKGS := apertium apertium-eng-spa apertium-eng-cat
APERTIUM_READY = $(BIN)/python -c "from l10n_service.mt.registry import get_engine as g; \
	import sys; e = g('apertium'); sys.exit(not (e.supports('en', 'es') and e.supports('en', 'ca')))" \
	2>/dev/null

.PHONY: demo test lint bench install install-test services clean compose-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	rm -rf $(DEMO)
	$(BIN)/l10n add $(ARTICLE) --root $(DEMO)
	@if ! $(APERTIUM_READY) && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(APERTIUM_PKGS) (apt-get)"; \
	  (apt-get update -qq && apt-get install -y -qq $(APERTIUM_PKGS)) >/dev/null 2>&1 || true; \
	fi; \
	engine=apertium; \
	if ! $(APERTIUM_READY); then \
	  engine=pseudo; \
	  echo "note: Apertium en->es/en->ca is not installed and cannot be here (needs root and apt-get: apt-get install $(APERTIUM_PKGS)); Spanish and Catalan use the pseudo engine"; \
	fi; \
	echo "$(BIN)/l10n translate pyongyang-marathon --to es,ca --engine $$engine --root $(DEMO)"; \
	$(BIN)/l10n translate pyongyang-marathon --to es,ca --engine $$engine --root $(DEMO)
	$(BIN)/l10n translate pyongyang-marathon --to ar --engine pseudo --root $(DEMO)
	$(BIN)/l10n bundle pyongyang-marathon --root $(DEMO)
	$(BIN)/l10n status --root $(DEMO)
	@echo "Bundles:"; find $(DEMO)/bundles -name index.html -not -path '*/v/*' | sort | sed 's/^/  /'

# System tools the suite uses: gettext (msgfmt --check), chromium (page tests), Hugo
# (export-site builds a real site), Apertium with its en<->es and en<->ca pairs (the
# apertium engine's tests), Redis.
services:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	@[ "$$(dpkg-query -W -f='$${db:Status-Status}\n' apertium apertium-eng-spa apertium-eng-cat 2>/dev/null | grep -cx installed)" = 3 ] \
	  || (apt-get update -qq && apt-get install -y -qq apertium apertium-eng-spa apertium-eng-cat)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@command -v hugo >/dev/null || (apt-get update -qq && apt-get install -y -qq hugo)
	@$(BIN)/python -c "import redis; redis.Redis(host='127.0.0.1', port=6379).ping()" 2>/dev/null \
	  || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

lint: install-test
	$(BIN)/ruff check src tests benchmarks workers
	$(BIN)/mypy

# Two pytest-xdist workers: the suite waits on worker processes, brokers, Chromium and
# Hugo as much as it computes, so two overlap well even on two cores. Each worker has
# its own Redis database and ports (tests/support/parallel.py); tests that must share
# one server run in one worker (xdist_group, --dist loadgroup). Serially: PYTEST_WORKERS=0.
PYTEST_WORKERS ?= 2

test: install-test services lint
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup

# The compose deployment end to end (Docker; root to install/start it). Slow (minutes)
# and needs Debian's mirror and PyPI, so it is not part of `make test`.
compose-test:
	deploy/compose-test.sh

bench: install-test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO) test-artifacts
