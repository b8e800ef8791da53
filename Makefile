# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint snapshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The main job on the embedded default: create the schema in ./nestauth.db.
run: $(STAMP)
	$(BIN)/nestauth create-tables

# The tests; PostgreSQL and MariaDB are used when reachable (see README).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python scripts/make_migration.py --check

# Regenerate the published SQL snapshots in sql/ from the models (the only checked-in copy).
snapshots: $(STAMP)
	$(BIN)/python scripts/build_sql_snapshots.py
