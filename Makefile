# The two commands of the README. Both create .venv and install iamsql into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo-output

.PHONY: demo test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## make demo: load the bundled sample, query it, run every control and write a workbook
demo: $(STAMP)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	$(BIN)/iamsql load --db $(DEMO_DIR)/demo.duckdb --sample
	$(BIN)/iamsql tables --db $(DEMO_DIR)/demo.duckdb
	$(BIN)/iamsql query --db $(DEMO_DIR)/demo.duckdb \
	  "select name, create_date, mfa_enabled from aws_iam_user order by name limit 10"
	$(BIN)/iamsql check --db $(DEMO_DIR)/demo.duckdb --fail-on none
	$(BIN)/iamsql report --db $(DEMO_DIR)/demo.duckdb --out $(DEMO_DIR)/iamsql-report.xlsx
	$(BIN)/iamsql evidence run --db $(DEMO_DIR)/demo.duckdb --evidence-dir $(DEMO_DIR)/evidence \
	  --source iamsql/sample --fail-on none && $(BIN)/iamsql evidence verify $(DEMO_DIR)/evidence

## make test: the whole suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(DEMO_DIR) *.duckdb
