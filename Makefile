# Set-up and checks. `make demo` and `make test` are all a fresh machine needs (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TEMPLATES := $(sort $(wildcard stacks/*/))

.PHONY: setup demo test lint docs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# checkov in a virtualenv of its own (its pins clash with pulumi's), with drkit installed
# without dependencies so that drkit's checkov checks (policies/checkov) can import the rules.
CHECKOV_VENV ?= .venv-checkov

$(CHECKOV_VENV)/.installed: tools/checkov-requirements.txt pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r tools/checkov-requirements.txt
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(VENV)/.installed $(CHECKOV_VENV)/.installed

# drkit's main job on the shipped templates: run every stack offline and check it against the
# DR policy pack and checkov (exit 1 on any mandatory violation).
demo: setup
	$(BIN)/drkit check $(TEMPLATES)

# Rewrite README.md's generated sections (templates, components, policies) from the code;
# tests/test_docs.py fails while one is stale.
docs: setup
	$(BIN)/python -m drkit.docs --write

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy drkit drkit_core components policies
	$(BIN)/lint-imports
	@# Each template is its own program (its own __main__): check them one at a time.
	@for dir in stacks/*/; do echo "mypy $$dir"; $(BIN)/mypy $$dir || exit 1; done

test: lint
	$(BIN)/pytest -q
