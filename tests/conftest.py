"""Shared test helpers: throwaway Pulumi projects for the offline engine."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

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
