# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test serve bench clean

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

bench: $(STAMP)
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/rules.py
	$(BIN)/python bench/recovery.py
	$(BIN)/python bench/backtest.py
	$(BIN)/python bench/integrity.py

clean:
	rm -rf $(VENV) var .pytest_cache
