# The verbs of the project. Every target creates the virtualenv it needs when it is missing,
# so a machine with python3 and make is enough (the JDK for the generator comes from PyPI).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8080

.PHONY: all generate check-generated test test-urllib3-1 test-airflow test-airflow3 lint demo mock bench bench-quick clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

generate: $(STAMP)
	OPENAPI_GENERATOR=$(BIN)/openapi-generator-cli RUFF=$(BIN)/ruff scripts/generate.sh generated

check-generated: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	OPENAPI_GENERATOR=$(BIN)/openapi-generator-cli RUFF=$(BIN)/ruff scripts/generate.sh "$$tmp/generated" && \
	if diff -ru -x __pycache__ -x '*.egg-info' generated "$$tmp/generated"; then echo "generated/ is up to date"; \
	else echo "generated/ is stale: run 'make generate' and commit the result" >&2; exit 1; fi

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The same suite with urllib3 1.26 (the SDK supports 1.26 and 2.x), in its own virtualenv.
U1 := .venv-urllib3-1
$(U1)/.installed: pyproject.toml
	$(PYTHON) -m venv $(U1)
	$(U1)/bin/pip install --quiet -e '.[test]' 'urllib3>=1.26,<2'
	touch $@

test-urllib3-1: $(U1)/.installed
	$(U1)/bin/python -c 'import sys, urllib3; sys.exit(not urllib3.__version__.startswith("1.26"))'
	$(U1)/bin/python -m pytest -q

# The same suite against a real Airflow 2.11.2 that tests/airflow/server.py installs and starts on
# 127.0.0.1 (and stops, whatever the outcome).
test-airflow: $(STAMP)
	url=$$($(PYTHON) tests/airflow/server.py start) && \
	trap '$(PYTHON) tests/airflow/server.py stop' EXIT && \
	$(BIN)/python -m pytest -q --target=airflow --airflow-url="$$url"

# The v2 tests against a real Airflow 3.3.2 that tests/airflow3/server.py installs and starts on
# 127.0.0.1, and a second one with a scheduler, 5-second tokens and any run id allowed (both
# stopped, whatever the outcome).
AIRFLOW3 := $(PYTHON) tests/airflow3/server.py
test-airflow3: $(STAMP)
	trap '$(AIRFLOW3) stop; $(AIRFLOW3) stop --name sched' EXIT && \
	url=$$($(AIRFLOW3) start) && \
	sched=$$($(AIRFLOW3) start --name sched --scheduler --token-seconds 5 --any-run-id) && \
	$(BIN)/python -m pytest -q --target=airflow3 --airflow3-url="$$url" --airflow3-sched-url="$$sched"

lint: $(STAMP)
	$(BIN)/ruff check generated tests
	$(BIN)/mypy --strict generated/airflow_python_sdk

demo: $(STAMP)
	PYTHONPATH=tests $(BIN)/python tests/demo.py

mock: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m mock_airflow --port $(PORT)

# Speed and memory against raw urllib3 and the other clients, in one interleaved run (~7 min);
# writes benchmarks/RESULTS.md. bench-quick is a one-minute look.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

clean:
	rm -rf $(VENV) .venv-* build *.egg-info
