"""Run a Pulumi Python program offline, the way the Pulumi CLI would, under recording mocks.

The program runs in this process with the SDK's own runtime in mock mode (no CLI, no plugins,
no cloud). Each run starts from a clean runtime and leaves none of the program's modules
behind, so many stacks can run in one process. StackReferences to stacks of the same project
are resolved by running the referenced stack first: a run that meets an unresolved reference
is abandoned, the referenced stack is run, and the run starts again.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import runpy
import sys
import traceback
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pulumi
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_in_stack

from drkit.engine.recorder import Recorder, RecordingMonitor, plain
from drkit_core.errors import DrkitError, ProgramError, ProjectError
from drkit_core.graph import Resource, StackRun
from drkit_core.project import Project


class Engine:
    """Runs the stacks of one project, each at most once per Engine."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._runs: dict[str, StackRun] = {}
        self._active: list[str] = []

    def run(self, stack: str) -> StackRun:
        if stack in self._runs:
            return self._runs[stack]
        if stack in self._active:
            chain = " -> ".join([*self._active, stack])
            raise ProjectError(f"StackReferences form a cycle: {chain}; offline runs (and "
                               "`pulumi up`) need an order in which each stack's references exist")
        self._active.append(stack)
        try:
            for _ in range(len(self.project.stacks()) + 1):
                attempt = _run_once(self.project, stack, self._outputs_of)
                if not attempt.missing:
                    break
                for reference in attempt.missing:
                    self.run(self.project.resolve_reference(reference))
            else:  # pragma: no cover - each retry resolves at least one more stack
                raise ProjectError(f"stack {stack!r}: StackReferences did not settle")
            if attempt.error is not None:
                raise attempt.error
            assert attempt.run is not None
            self._runs[stack] = attempt.run
            return attempt.run
        finally:
            self._active.pop()

    def _outputs_of(self, reference: str) -> dict[str, Any] | None:
        stack = self.project.resolve_reference(reference)
        run = self._runs.get(stack)
        return None if run is None else run.outputs


def run_stack(project_dir: str | Path, stack: str) -> StackRun:
    """Run one stack of the project in ``project_dir`` (and the stacks it references)."""
    return Engine(Project.load(project_dir)).run(stack)


@dataclass
class _Attempt:
    run: StackRun | None
    error: DrkitError | None
    missing: list[str]


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        elif record.levelno >= logging.WARNING:
            self.warnings.append(record.getMessage())


def _run_once(project: Project, stack: str, resolver: Any) -> _Attempt:
    config = project.stack_config(stack)
    recorder = Recorder(config.values, resolver)
    log = _LogCollector()
    logger = logging.Logger(f"drkit.program.{stack}", logging.WARNING)  # errors, warnings only
    logger.addHandler(log)
    loop = asyncio.new_event_loop()
    # Tasks of an abandoned attempt fail with MissingStackReference; asyncio would print each.
    loop.set_exception_handler(lambda _loop, _context: None)
    asyncio.set_event_loop(loop)
    _configure_runtime(project.name, stack, config.values, config.secret_keys, recorder, logger)
    error: DrkitError | None = None
    outputs: dict[str, Any] = {}
    try:
        with _program_context(project), _located_applies(), warnings.catch_warnings():
            # An attempt abandoned for a StackReference drops coroutines it never started.
            warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
            outputs = loop.run_until_complete(_run_program(project.main))
    except DrkitError as exc:
        error = exc
    except Exception as exc:
        error = ProgramError(_locate(exc, project.root))
    finally:
        _finish(loop)
        loop.close()
        asyncio.set_event_loop(None)
    if recorder.missing_references:
        return _Attempt(None, None, list(dict.fromkeys(recorder.missing_references)))
    if error is None and log.errors:
        error = ProgramError(f"stack {stack!r}: the program logged errors:\n  "
                             + "\n  ".join(log.errors))
    if error is not None:
        return _Attempt(None, error, [])
    run = StackRun(project=project.name, stack=stack, config=config.values,
                   resources=_ordered(recorder.resources.values()), outputs=outputs,
                   warnings=log.warnings)
    return _Attempt(run, None, [])


def _ordered(resources: Iterable[Resource]) -> list[Resource]:
    """A stable order (the SDK registers concurrently): providers first, then by URN."""
    return sorted(resources, key=lambda r: (not r.type.startswith("pulumi:providers:"), r.urn))


def _configure_runtime(project: str, stack: str, config: dict[str, str], secret_keys: list[str],
                       recorder: Recorder, logger: logging.Logger) -> None:
    """What ``pulumi.runtime.set_mocks`` does, minus creating the root stack.

    ``run_in_stack`` then creates the root stack as a real run does, so ``pulumi.run`` and stack
    outputs behave as under the CLI.
    """
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    monitor = RecordingMonitor(recorder)
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    settings.configure(mocks.MockSettings(
        monitor=monitor, monitor_features=features, engine=mocks.MockEngine(logger),
        project=project, stack=stack, dry_run=False, organization="organization",
        callbacks=None))


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what the run left scheduled and reset the runtime, so nothing leaks into the next
    run. The SDK leaves coroutines it never started (more of them when a run fails or is
    abandoned): they are collected here, while the warning about them is filtered, not later in
    someone else's code or at exit."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        if pending:
            _cancel(pending)  # in a function: no loop variable keeps a task past this block
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        del pending
        _reset_runtime()
        gc.collect()


def _cancel(tasks: list[asyncio.Task[Any]]) -> None:
    for task in tasks:
        task.cancel()


def _reset_runtime() -> None:
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config({}, [])
    settings.SETTINGS.outputs.clear()


def _execute(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")


async def _run_program(main: Path) -> dict[str, Any]:
    # The root stack lives in this task's context, so outputs are read in the same task.
    await run_in_stack(lambda: _execute(main))
    return await _resolve_outputs()


async def _resolve_outputs() -> dict[str, Any]:
    root = settings.get_root_resource()
    exported = getattr(root, "outputs", {}) or {}
    resolved: dict[str, Any] = {}
    for name, value in exported.items():
        resolved[name] = await pulumi.Output.from_input(value).future()
    return plain(resolved)




@contextmanager
def _program_context(project: Project) -> Iterator[None]:
    """cwd and sys.path as the language host sets them; the program's modules are dropped
    afterwards so that the next run imports them afresh."""
    program_dir = project.main.parent
    saved_cwd, saved_path, saved_modules = os.getcwd(), list(sys.path), set(sys.modules)
    os.chdir(project.root)
    sys.path.insert(0, str(program_dir))
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            file = getattr(sys.modules[name], "__file__", None)
            if file and _inside(Path(file), program_dir):
                del sys.modules[name]


_FRAMES = "_drkit_frames"


@contextmanager
def _located_applies() -> Iterator[None]:
    """Keep the traceback of an exception raised in an ``apply`` callback.

    The SDK re-raises such an exception from its own task bookkeeping, with a traceback that
    no longer reaches the program's line; the callback's frames are recorded on the exception.
    """
    original = pulumi.Output.apply

    def apply(self: Any, func: Any, run_with_unknowns: bool = False) -> Any:
        def located(value: Any) -> Any:
            try:
                return func(value)
            except Exception as exc:
                if not hasattr(exc, _FRAMES):
                    setattr(exc, _FRAMES, traceback.extract_tb(exc.__traceback__))
                raise

        return original(self, located, run_with_unknowns)

    pulumi.Output.apply = apply  # type: ignore[method-assign]
    try:
        yield
    finally:
        pulumi.Output.apply = original  # type: ignore[method-assign]


def _inside(path: Path, directory: Path) -> bool:
    resolved = path.resolve()
    return resolved.is_relative_to(directory) and "site-packages" not in resolved.parts


def _locate(exc: BaseException, root: Path) -> str:
    """``file:line: Type: message`` at the deepest frame of the program that raised."""
    frames = _frames(exc)
    in_program = [f for f in frames if _inside(Path(f.filename), root)]
    frame = in_program[-1] if in_program else (frames[-1] if frames else None)
    message = f"{type(exc).__name__}: {exc}"
    if frame is None:
        return message
    where = Path(frame.filename)
    shown = where.relative_to(root) if _inside(where, root) else where
    code = f"\n    {frame.line.strip()}" if frame.line else ""
    return f"{shown}:{frame.lineno}: {message}{code}"


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    recorded = getattr(exc, _FRAMES, None)
    if recorded:
        return list(recorded)
    tb: TracebackType | None = exc.__traceback__
    frames = list(traceback.extract_tb(tb)) if tb else []
    cause = exc.__cause__ or exc.__context__
    if not any(_is_user(f) for f in frames) and cause is not None and cause is not exc:
        return _frames(cause) or frames
    return frames


def _is_user(frame: traceback.FrameSummary) -> bool:
    return "site-packages" not in frame.filename and "/pulumi/" not in frame.filename
