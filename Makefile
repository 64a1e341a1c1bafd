# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test serve bench bench-city clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/qianshao demo $(ARGS)

serve: $(STAMP)
	$(BIN)/qianshao serve $(ARGS)

test: $(STAMP)
	bash .ci/postgres.sh
	$(BIN)/pytest $(ARGS)

# One JSON line per figure, each beside its target (DESIGN.md § Targets); progress on stderr.
bench: $(STAMP)
	bash .ci/postgres.sh
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/city.py --residents 30000
	$(BIN)/python bench/recovery.py
	$(BIN)/python bench/backtest.py
	$(BIN)/python bench/integrity.py
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/pages.py

# The whole city of the targets: 1,000,000 residents (about 350,000 households), SQLite and PostgreSQL.
bench-city: $(STAMP)
	bash .ci/postgres.sh
	$(BIN)/python bench/city.py --residents 1000000

clean:
	rm -rf $(VENV) var .pytest_cache
