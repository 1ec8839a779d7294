"""Scanning stacks: write each run's plan, run checkov on each (several at once), and collect
what it saw and failed per stack."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from drkit.checkers.checkov import process
from drkit.checkers.checkov.errors import CheckovError
from drkit.checkers.checkov.findings import to_finding
from drkit.checkers.checkov.locate import external_checks_dir, find_checkov
from drkit.checkers.checkov.options import CheckovOptions
from drkit.export.tfplan import PlanExport, export_plan
from drkit_core.findings import Finding
from drkit_core.graph import StackRun


@dataclass
class StackScan:
    """checkov's view of one stack."""

    stack: str
    project: str
    findings: list[Finding] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    exported: int = 0
    """Resources in the exported plan."""
    seen: int = 0
    """Resources checkov reported scanning (must equal ``exported``)."""
    unmapped: list[str] = field(default_factory=list)
    """URNs of managed resources with no Terraform mapping: not scanned."""
    seconds: float = 0.0
    """Wall time of the checkov process."""
    plan: Path | None = None
    checks: dict[str, str] = field(default_factory=dict)
    """ID -> name of every check checkov ran on this stack (passed or failed)."""


@dataclass
class ScanResult:
    stacks: dict[str, StackScan] = field(default_factory=dict)
    """By stack name (``project/stack`` when runs of several projects share a name)."""

    @property
    def findings(self) -> dict[str, list[Finding]]:
        return {name: scan.findings for name, scan in self.stacks.items()}

    def counts(self) -> dict[str, int]:
        scans = self.stacks.values()
        return {"passed": sum(s.passed for s in scans), "failed": sum(s.failed for s in scans),
                "exported": sum(s.exported for s in scans), "seen": sum(s.seen for s in scans),
                "unmapped": sum(len(s.unmapped) for s in scans)}

    def warnings(self) -> list[str]:
        return [line for scan in self.stacks.values() for line in unmapped_lines(scan)]


def scan(runs: Sequence[StackRun], options: CheckovOptions | None = None) -> ScanResult:
    """Export each run to a plan, run checkov on each plan, and collect findings per stack.

    Raises :class:`CheckovError` when checkov cannot be found or run, or when the number of
    resources it scanned differs from the number exported.
    """
    scans = scan_each(runs, options)
    result = ScanResult()
    names = [one.stack for one in scans]
    for one in scans:
        key = one.stack if names.count(one.stack) == 1 else f"{one.project}/{one.stack}"
        result.stacks[key] = one
    return result


def scan_each(runs: Sequence[StackRun], options: CheckovOptions | None = None
              ) -> list[StackScan]:
    """:func:`scan`, one :class:`StackScan` per run, in the order of ``runs``."""
    options = options or CheckovOptions()
    executable = options.executable or find_checkov(options.search_from)
    checks_dir = options.external_checks_dir or external_checks_dir()
    exports = [export_plan(run) for run in runs]
    with tempfile.TemporaryDirectory(prefix="drkit-checkov-") as scratch:
        folder = options.plan_dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        plans = [write_plan(export, folder) for export in exports]
        jobs = options.jobs or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(plans) or 1))) as pool:
            scans = list(pool.map(
                lambda pair: _scan_one(pair[0], pair[1], executable, checks_dir, options),
                zip(exports, plans, strict=True)))
        if options.plan_dir is None:
            for one in scans:
                one.plan = None
    return scans


def write_plan(export: PlanExport, folder: Path) -> Path:
    """``<project>-<stack>.tfplan.json`` in ``folder``."""
    path = folder / f"{export.project}-{export.stack}.tfplan.json"
    path.write_text(export.to_json())
    return path


def unmapped_lines(scan: StackScan) -> list[str]:
    if not scan.unmapped:
        return []
    return [f"stack {scan.stack!r}: {len(scan.unmapped)} resource(s) of types drkit cannot map "
            f"to Terraform were not scanned by checkov: {', '.join(scan.unmapped)}"]


def _scan_one(export: PlanExport, plan: Path, executable: str, checks_dir: Path | None,
              options: CheckovOptions) -> StackScan:
    result = StackScan(stack=export.stack, project=export.project, plan=plan,
                       exported=len(export.resources),
                       unmapped=[r.urn for r in export.unmapped])
    if not export.resources:
        return result
    report, result.seconds = process.run_checkov(
        process.command(executable, plan, checks_dir, options), options.timeout)
    summary = report.get("summary", {})
    result.seen = int(summary.get("resource_count", 0))
    if result.seen != result.exported:
        raise CheckovError(f"stack {export.stack!r}: checkov scanned {result.seen} resources of "
                           f"the {result.exported} exported to {plan}: the plan is malformed "
                           "for checkov (a resource it dropped is not checked)")
    results = report.get("results", {})
    passed = results.get("passed_checks", [])
    result.passed = len(passed)
    failed = results.get("failed_checks", [])
    for record in (*passed, *failed):
        result.checks.setdefault(str(record.get("check_id")), str(record.get("check_name")))
    result.failed = len(failed)
    result.findings = [to_finding(record, export, options) for record in failed]
    return result
