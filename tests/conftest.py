"""Shared test helpers: throwaway Pulumi projects for the offline engine, and the real checkov
runs the checkov tests share (tests/checkov_runs.py)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from checkov_runs import JOBS, CheckovRuns

from drkit.check import run_stacks
from drkit_core.graph import CheckedStack

WriteProgram = Callable[..., Path]


@pytest.fixture
def write_program(tmp_path: Path) -> WriteProgram:
    """Write a Pulumi Python project into a fresh directory and return it.

    ``write_program(source, config, stack="test")``: ``source`` is the program (dedented),
    ``config`` the stack's config values (``ns:key`` -> value).
    """
    count = 0

    def write(source: str, config: dict[str, Any], stack: str = "test") -> Path:
        nonlocal count
        count += 1
        root = tmp_path / f"program{count}"
        root.mkdir()
        (root / "Pulumi.yaml").write_text(yaml.safe_dump({"name": "program",
                                                          "runtime": "python"}))
        (root / "__main__.py").write_text(textwrap.dedent(source))
        (root / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": config}))
        return root

    return write


@pytest.fixture(scope="session")
def stacks_of() -> Callable[[Path], dict[str, CheckedStack]]:
    """Every stack of a project, run offline once for the session (a secondary or global stack
    runs the stacks it references first: one run of the project covers them all). Shared:
    read them, never change them."""
    runs: dict[Path, dict[str, CheckedStack]] = {}

    def stacks(project: Path) -> dict[str, CheckedStack]:
        if project not in runs:
            runs[project] = {s.run.stack: s for s in run_stacks([project])}
        return runs[project]

    return stacks


_CHECKOV_RUNS = pytest.StashKey[CheckovRuns]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the checkov runs (tests/checkov_runs.py) the selected tests use, in the order they
    need them, before the first test."""
    wanted = dict.fromkeys(name for item in session.items
                           for name in getattr(item, "fixturenames", ()) if name in JOBS)
    if wanted and not session.config.option.collectonly:
        _runs(session.config).start(wanted)


def pytest_sessionfinish(session: pytest.Session) -> None:
    runs = session.config.stash.get(_CHECKOV_RUNS, None)
    if runs is not None:
        runs.close()


@pytest.fixture(scope="session")
def checkov_runs(pytestconfig: pytest.Config) -> CheckovRuns:
    """The shared checkov runs; a fixture named after a job hands out its result."""
    return _runs(pytestconfig)


def _runs(config: pytest.Config) -> CheckovRuns:
    if _CHECKOV_RUNS not in config.stash:
        config.stash[_CHECKOV_RUNS] = CheckovRuns()
    return config.stash[_CHECKOV_RUNS]
