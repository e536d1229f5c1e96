# The verbs of the project. Every target creates the virtualenv it needs when it is missing,
# so a machine with python3 and make is enough (the JDK for the generator comes from PyPI).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8080

.PHONY: all generate check-generated test test-urllib3-1 test-airflow lint demo mock bench clean

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
	if diff -ru generated "$$tmp/generated"; then echo "generated/ is up to date"; \
	else echo "generated/ is stale: run 'make generate' and commit the result" >&2; exit 1; fi

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check generated tests
	$(BIN)/mypy --strict generated/airflow_python_sdk

demo: $(STAMP)
	PYTHONPATH=tests $(BIN)/python tests/demo.py

mock: $(STAMP)
	PYTHONPATH=tests $(BIN)/python -m mock_airflow --port $(PORT)

clean:
	rm -rf $(VENV) .venv-* build *.egg-info
