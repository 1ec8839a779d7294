"""checkov as a process: its command line, running it, and reading its JSON report."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from drkit.checkers.checkov.errors import CheckovError
from drkit.checkers.checkov.options import CheckovOptions

CANNOT_LOAD = "Cannot load external check"
"""What checkov logs (and then carries on without the check) when an external check fails to
import: drkit turns it into an error, so a broken install never looks like a clean scan."""


def command(executable: str, plan: Path, checks_dir: Path | None,
            options: CheckovOptions) -> list[str]:
    """The checkov command line for one plan."""
    argv = [executable, "--skip-download", "--framework", "terraform_plan", "-o", "json",
            "--compact", "-f", str(plan)]
    if checks_dir is not None:
        argv += ["--external-checks-dir", str(checks_dir)]
    if options.checks:
        argv += ["--check", ",".join(options.checks)]
    if options.skip_checks:
        argv += ["--skip-check", ",".join(options.skip_checks)]
    return argv


def run_checkov(argv: list[str], timeout: float = 900.0,
                env: Mapping[str, str] | None = None) -> tuple[dict[str, Any], float]:
    """Run checkov (``env`` on top of this process's); its JSON report (one framework) and the
    wall time it took."""
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "LOG_LEVEL": "ERROR", **(env or {})},
                              check=False)
    except FileNotFoundError as error:
        raise CheckovError(f"cannot run {argv[0]}: {error}; run `make setup`") from error
    except subprocess.TimeoutExpired as error:
        raise CheckovError(f"checkov did not finish within {timeout:.0f} s") from error
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise CheckovError(f"checkov failed (exit status {done.returncode}):\n"
                           f"{_tail(done.stderr)}")
    unloaded = load_errors(done.stderr)
    if unloaded:
        raise CheckovError("checkov could not load external checks, so it did not run them:\n"
                           + "\n".join(unloaded))
    return parse_report(done.stdout), seconds


def load_errors(stderr: str) -> list[str]:
    """One line per external check checkov could not load: which file, and why (the last line
    of the traceback checkov logs after it)."""
    found: list[str] = []
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if CANNOT_LOAD in line] + [len(lines)]
    for start, end in itertools.pairwise(starts):
        where = lines[start][lines[start].index(CANNOT_LOAD):]
        causes = [line.strip() for line in lines[start + 1:end]
                  if line.strip() and not line.startswith((" ", "Traceback"))]
        found.append(f"{where}: {causes[-1]}" if causes else where)
    return found


def parse_report(stdout: str) -> dict[str, Any]:
    """checkov's JSON report of the ``terraform_plan`` framework (it prints a list when it ran
    several frameworks, an object for one)."""
    try:
        data = json.loads(stdout) if stdout.strip() else {}
    except json.JSONDecodeError as error:
        raise CheckovError(f"checkov printed something that is not JSON: {stdout[:200]!r}") \
            from error
    if isinstance(data, list):
        data = next((r for r in data if r.get("check_type") == "terraform_plan"), {})
    return data if isinstance(data, dict) else {}


def _tail(stderr: str, lines: int = 15) -> str:
    return "\n".join(stderr.strip().splitlines()[-lines:])
