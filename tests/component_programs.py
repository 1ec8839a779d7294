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
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockMonitor

from components.app import app_source
from components.base import ConfigError, DrSettings
from drkit.engine import values
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


class _PlausibleMocks(_Mocks):
    """Mocks answering with the offline engine's plausible values (ARNs, ids, generated
    passwords...), so components whose inputs are computed from outputs register fully."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        urn = f"urn:test::{args.typ}::{args.name}"
        context = values.Context(region=None)
        physical = values.physical_id(args.typ, args.name, urn, args.inputs, context)
        return physical, values.resource_state(args.typ, args.name, urn, args.inputs, physical,
                                               context)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return values.invoke_result(args.token, args.args, values.Context(region=None))


class _RequestsMonitor(MockMonitor):
    """Pulumi's mock monitor, keeping each registration request (its resource options too:
    ``deleteBeforeReplace``, ``replaceOnChanges``, which the engine's record does not hold)."""

    def __init__(self, mocks: pulumi.runtime.Mocks, requests: dict[str, Any]) -> None:
        super().__init__(mocks)
        self.requests = requests

    def RegisterResource(self, request: Any) -> Any:
        self.requests[request.name] = request
        return super().RegisterResource(request)


@contextmanager
def unit_runtime(project: str = "test", config: dict[str, str] | None = None,
                 requests: dict[str, Any] | None = None) -> Iterator[None]:
    """Pulumi's unit-test mocks on a loop of their own, with ``config`` (``ns:key`` -> text) as
    the stack's config; everything is cancelled and reset afterwards, so nothing leaks into
    the next test or into an engine run. ``requests``, when given, collects every
    registration request by resource name (call :func:`settle` before reading it)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_all_config(dict(config or {}), [])
    mocks = _Mocks() if requests is None else _PlausibleMocks()
    monitor = _RequestsMonitor(mocks, requests) if requests is not None else None
    pulumi.runtime.set_mocks(mocks, project=project, stack="test", preview=False,
                             monitor=monitor)
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


def settle() -> None:
    """Run the unit runtime's loop until every registration has reached the monitor."""
    loop = asyncio.get_event_loop()
    for _ in range(50):
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        if not pending:
            return
        loop.run_until_complete(asyncio.wait(pending, timeout=0.05))


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
        assert all(r.is_provider for r in result.resources), "registered before validating"
        return str(result.outputs["error"])

    def explicit_providers_only(self, result: StackRun) -> None:
        assert [r.name for r in result.resources if r.custom and not r.read
                and not r.is_provider and r.provider is None] == []


def only(result: StackRun, token: str) -> Resource:
    (resource,) = result.of_type(token)
    return resource


def answers(folder: Path, environment: dict[str, str],
            paths: tuple[str, ...] = ("/healthz", "/healthz/serving", "/")) -> dict[str, int]:
    """Run drkit's default app (components/data/health_app.py) as the instances would, with
    ``environment``, on a free local port, and return the status of a GET of each path."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = folder / "health_app.py"
    script.write_text(app_source())
    env = {**os.environ, "APP_PORT": str(port), **environment}
    process = subprocess.Popen([sys.executable, str(script)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        found: dict[str, int] = {}
        for path in paths:
            found[path] = _status(f"http://127.0.0.1:{port}{path}", process)
        return found
    finally:
        process.terminate()
        process.wait(timeout=10)


def _status(url: str, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the default app did not answer {url}") from None
            time.sleep(0.05)
