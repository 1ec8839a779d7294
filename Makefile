# Set-up and checks. `make demo` and `make test` are all a fresh machine needs (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TEMPLATES := stacks/aws-warm-standby

.PHONY: setup demo test lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

# drkit's main job on the shipped templates: run every stack offline and list what it declares.
demo: setup
	@for dir in $(TEMPLATES); do \
	  for stack in $$($(BIN)/python -c "from drkit.project import Project; print(' '.join(Project.load('$$dir').stacks()))"); do \
	    $(BIN)/drkit inventory $$dir --stack $$stack || exit 1; \
	  done; \
	done

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy drkit components policies stacks

test: lint
	$(BIN)/pytest -q
