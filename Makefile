# The two commands of the README. Both create .venv and install iamsql into it first: `make demo` the package
# alone, `make test` with the test extra (moto, PostgreSQL driver, PySpark: much larger). Each install is
# recorded by a stamp file and redone only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
PACKAGE_STAMP := $(VENV)/.installed-package
TEST_STAMP := $(VENV)/.installed-test
DEMO_DIR := demo-output
PYTEST_ARGS ?=

.PHONY: demo test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(PACKAGE_STAMP): pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

# The test extra includes the package, so it also counts as the package install.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
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

clean:
	rm -rf $(VENV) $(DEMO_DIR) *.duckdb
