# The two commands of the README. Both create .venv and install iamsql into it first: `make demo` the package
# alone, `make test` with the test extra (moto, PostgreSQL server and driver, PySpark, ruff: much larger). Every
# install is pinned by constraints.txt (`make lock` refreshes it). Each install is recorded by a stamp file and
# redone only when pyproject.toml or constraints.txt changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := constraints.txt
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS)
PACKAGE_STAMP := $(VENV)/.installed-package
TEST_STAMP := $(VENV)/.installed-test
DEMO_DIR := demo-output
PYTEST_ARGS ?=
LOCK_VENV := .lock-venv

.PHONY: demo test test-fast lint lock docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PACKAGE_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) -e .
	touch $@

# The test extra includes the package, so it also counts as the package install.
$(TEST_STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(PACKAGE_STAMP)

## make demo: load the bundled sample, query it, run every control and write a workbook
demo: $(PACKAGE_STAMP)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(BIN)/iamsql load --db $(DEMO_DIR)/demo.duckdb --sample
	$(BIN)/iamsql tables --db $(DEMO_DIR)/demo.duckdb
	$(BIN)/iamsql query --db $(DEMO_DIR)/demo.duckdb \
	  "select name, create_date, mfa_enabled from aws_iam_user order by name limit 10"
	$(BIN)/iamsql check --db $(DEMO_DIR)/demo.duckdb --fail-on none
	$(BIN)/iamsql report --db $(DEMO_DIR)/demo.duckdb --out $(DEMO_DIR)/iamsql-report.xlsx
	$(BIN)/iamsql evidence run --db $(DEMO_DIR)/demo.duckdb --evidence-dir $(DEMO_DIR)/evidence \
	  --source iamsql/sample --fail-on none && $(BIN)/iamsql evidence verify $(DEMO_DIR)/evidence

## make test: the whole suite (PYTEST_ARGS="tests/test_x.py" for part of it)
test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## make test-fast: everything but the slow tests (the wheel build) and Spark
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not spark" $(PYTEST_ARGS)

## make lint: ruff's lint rules (configured in pyproject.toml)
lint: $(TEST_STAMP)
	$(BIN)/ruff check .

## make docs: regenerate the pages written from the code (docs/cli.md, docs/control-catalog.md)
docs: $(PACKAGE_STAMP)
	$(BIN)/python docs/generate.py

## make lock: re-resolve every dependency (package, test and spark extras) in a fresh venv into constraints.txt
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --disable-pip-version-check '.[test,spark]'
	{ echo "# Every dependency of iamsql, its test and spark extras, pinned. Regenerate with: make lock"; \
	  echo "# (resolved with $$($(LOCK_VENV)/bin/python -c 'import platform; print("Python", platform.python_version(), "on", platform.system())'))"; \
	  $(LOCK_VENV)/bin/pip freeze --all --exclude iamsql --exclude pip; } > $(CONSTRAINTS)
	rm -rf $(LOCK_VENV) build *.egg-info

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(DEMO_DIR) *.duckdb
