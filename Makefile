# The two commands: `make up` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := contracts libs/servicekit services/applications services/reviews services/credentials \
            services/notifications services/gateway services/portal deploy/devstack examples/partner_client
STAMP := $(VENV)/.installed

.PHONY: up test env checks lint typecheck imports pytest contracts-export clean browser-deps

$(STAMP): requirements-dev.txt $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt $(foreach p,$(PACKAGES),-e ./$(p))
	@touch $(STAMP)

env: $(STAMP)

REPLICAS ?= 1
## Start engines (unless DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS / SMTP_URL are set), every service and the gateway.
up: env
	$(PY) -m devstack.up --data-dir .data --replicas $(REPLICAS)

## Lint, type-check and check import boundaries while the whole suite runs against real engines; fails if any fails.
## The checks run beside pytest (the suite mostly waits on brokers and databases); -k reports every failure.
test: env browser-deps
	@$(MAKE) --no-print-directory -k -j 4 lint typecheck imports pytest

## The checks alone.
checks: lint typecheck imports

## The suite on PYTEST_WORKERS pytest-xdist workers (each with engines and a port slice of its own); 0 runs it serially.
## Each test module is one unit of work (its module-scoped stack starts once), tests/browser one unit together.
## The slowest tests are listed at the end (where the suite's time goes: issue 14).
PYTEST_WORKERS ?= 3
pytest: env browser-deps
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25

lint: env
	$(VENV)/bin/ruff check .

typecheck: env
	$(VENV)/bin/mypy -p endorsement_contracts -p servicekit -p devstack -p applications -p reviews \
	  -p credentials -p notifications -p gateway -p portal -p partner_client

imports: env
	$(VENV)/bin/lint-imports

contracts-export: env
	$(PY) -m endorsement_contracts.export

## Headless Chromium for tests/browser (Debian's package, driven by Playwright; never `playwright install`).
## Installed with apt-get when missing and we are root; otherwise the browser tests skip and say why.
CHROMIUM ?= /usr/bin/chromium
browser-deps:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium for the browser tests (apt-get)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; \
	else \
	  echo "note: $(CHROMIUM) is missing, so the browser tests will be skipped."; \
	  echo "      Install it with: sudo apt-get install chromium fonts-dejavu-core (or set CHROMIUM=/path/to/chromium)"; \
	fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
