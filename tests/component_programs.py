"""Component tests run each component in a tiny Pulumi program under the offline engine.

A cloud's test module gives its program preamble (imports, providers, an ``attempt`` helper
that exports a ConfigError's message) and its stack config; this module runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drkit.engine.runner import run_stack
from drkit_core.graph import Resource, StackRun

WriteProgram = Callable[..., Path]  # the write_program fixture of conftest.py

ATTEMPT = '''

def attempt(build):
    try:
        build()
    except ConfigError as error:
        pulumi.export("error", str(error))
'''
"""Program helper: run ``build`` and export the ConfigError it raises (needs ConfigError)."""


@dataclass(frozen=True)
class Harness:
    preamble: str
    provider: str
    """The cloud's provider type, e.g. ``pulumi:providers:aws``."""
    config: Callable[..., dict[str, Any]]
    """Stack config for keyword arguments such as ``role`` and ``tier``."""

    def run(self, write_program: WriteProgram, body: str, **config: Any) -> StackRun:
        return run_stack(write_program(self.preamble + ATTEMPT + body, self.config(**config)),
                         "test")

    def rejected(self, write_program: WriteProgram, build: str, **config: Any) -> str:
        """The ConfigError message of ``build`` (an expression); asserts nothing but providers
        was registered."""
        result = self.run(write_program, f"attempt(lambda: {build})\n", **config)
        assert {r.type for r in result.resources} <= {self.provider}, \
            "registered before validating"
        return str(result.outputs["error"])

    def explicit_providers_only(self, result: StackRun) -> None:
        assert [r.name for r in result.resources if r.custom and not r.read
                and r.type != self.provider and r.provider is None] == []


def only(result: StackRun, token: str) -> Resource:
    (resource,) = result.of_type(token)
    return resource
