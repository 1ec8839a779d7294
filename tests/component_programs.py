"""Component test harnesses, shared by the AWS and GCP component tests.

- In process (most tests of bad arguments): :func:`unit_runtime` gives Pulumi's own unit-test
  mocks, so a test constructs args, providers and components directly and reads the
  ConfigError (:func:`rejection`); a run takes milliseconds.
- Under the offline engine (what components declare, and proof that nothing is registered
  before validation fails): a cloud's test module gives its program preamble (imports,
  providers, an ``attempt`` helper that exports a ConfigError's message) and its stack config;
  :class:`Harness` runs them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings as runtime_settings

from components.base import ConfigError, DrSettings
from drkit.engine.runner import run_stack
from drkit_core.graph import Resource, StackRun
from drkit_core.intent import DrIntent

WriteProgram = Callable[..., Path]  # the write_program fixture of conftest.py

ATTEMPT = '''

def attempt(build):
    try:
        build()
    except ConfigError as error:
        pulumi.export("error", str(error))
'''
"""Program helper: run ``build`` and export the ConfigError it raises (needs ConfigError)."""


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


@contextmanager
def unit_runtime(project: str = "test", config: dict[str, str] | None = None) -> Iterator[None]:
    """Pulumi's unit-test mocks on a loop of their own, with ``config`` (``ns:key`` -> text) as
    the stack's config; everything is cancelled and reset afterwards, so nothing leaks into
    the next test or into an engine run."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_all_config(dict(config or {}), [])
    pulumi.runtime.set_mocks(_Mocks(), project=project, stack="test", preview=False)
    try:
        yield
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)
        runtime_settings.ROOT.set(None)
        runtime_settings.SETTINGS.outputs.clear()  # tasks of the closed loop
        pulumi.runtime.set_all_config({}, [])


def rejection(build: Callable[[], object]) -> str:
    """The message of the ConfigError that ``build`` raises (the test fails if none)."""
    with pytest.raises(ConfigError) as caught:
        build()
    return str(caught.value)


def dr_settings(config: dict[str, Any]) -> DrSettings:
    """DrSettings of a stack config (``drkit:key`` -> value; other namespaces ignored)."""
    return DrSettings(DrIntent.from_config(
        {k.removeprefix("drkit:"): v for k, v in config.items() if k.startswith("drkit:")}))


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
