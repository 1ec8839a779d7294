"""Run checkov on recorded stacks: export one Terraform-shaped plan per stack, scan it with
checkov's ``terraform_plan`` framework, and turn its results into findings that point back at
the Pulumi resources.

checkov runs as a subprocess from a virtualenv of its own (its pins clash with pulumi's). Where
it is looked for, first found wins: ``$DRKIT_CHECKOV``; ``.venv-checkov/bin/checkov`` in the
current directory, a project directory, or drkit's own checkout (or a folder above them);
``checkov`` on ``PATH``. ``make setup`` installs it into ``.venv-checkov``.

One checkov process per stack (its time grows faster than the plan), several at once.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import policies
from drkit.checkers import CheckResult
from drkit.export.tfplan import PlanExport, export_plan
from drkit_core.errors import DrkitError
from drkit_core.findings import Enforcement, Finding, RuleInfo, Severity
from drkit_core.graph import CheckedStack, StackRun
from policies.registry import by_id

ENV_EXECUTABLE = "DRKIT_CHECKOV"
VENV = ".venv-checkov"
SOURCE = "checkov"

DR_CHECKS = frozenset({
    "CKV_AWS_157",  # RDS Multi-AZ
    "CKV_AWS_133",  # RDS backup retention
    "CKV_AWS_293",  # RDS deletion protection
    "CKV_AWS_21",   # S3 versioning
    "CKV_AWS_144",  # S3 cross-region replication
    "CKV_AWS_28",   # DynamoDB point-in-time recovery
    "CKV2_AWS_50",  # ElastiCache automatic failover
    "CKV_AWS_261",  # target group health check
    "CKV_GCP_14",   # Cloud SQL backups
    "CKV_GCP_78",   # GCS versioning
})
"""checkov's built-in checks that matter for disaster recovery: mandatory by default."""

DRKIT_CHECK_PREFIX = "DR-"
"""drkit's own checkov checks (policies/checkov) carry the IDs of the drkit rules they run
(``DR-GCP-001``...) and are mandatory by default too."""


class CheckovError(DrkitError):
    """checkov is missing, crashed, or did not see every exported resource."""


@dataclass(frozen=True)
class CheckovOptions:
    """How ``drkit check`` runs checkov (its ``--checkov-*`` options map onto these)."""

    checks: tuple[str, ...] = ()
    """Run only these check IDs (checkov's ``--check``)."""
    skip_checks: tuple[str, ...] = ()
    """Never run these (checkov's ``--skip-check``)."""
    mandatory: frozenset[str] | None = None
    """Check IDs whose failures are mandatory; None: :data:`DR_CHECKS` and drkit's own. ``*``
    makes every check mandatory."""
    executable: str | None = None
    """checkov to run; None: found as the module docstring says."""
    search_from: tuple[Path, ...] = ()
    """Directories (project roots) to look for ``.venv-checkov`` in, besides the defaults."""
    external_checks_dir: Path | None = None
    """drkit's own checkov checks; None: ``policies/checkov`` of this drkit."""
    plan_dir: Path | None = None
    """Keep the exported plans here (``<project>-<stack>.tfplan.json``); None: a temp dir."""
    jobs: int = 0
    """checkov processes at once; 0: one per CPU."""
    timeout: float = 900.0

    def enforcement(self, check_id: str) -> Enforcement:
        mandatory = self.mandatory
        if mandatory is None:
            is_mandatory = check_id in DR_CHECKS or check_id.startswith(DRKIT_CHECK_PREFIX)
        else:
            is_mandatory = "*" in mandatory or check_id in mandatory
        return Enforcement.MANDATORY if is_mandatory else Enforcement.ADVISORY


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
        plans = [_write(export, folder) for export in exports]
        jobs = options.jobs or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(plans) or 1))) as pool:
            scans = list(pool.map(
                lambda pair: _scan_one(pair[0], pair[1], executable, checks_dir, options),
                zip(exports, plans, strict=True)))
        if options.plan_dir is None:
            for one in scans:
                one.plan = None
    return scans


def find_checkov(search_from: Iterable[Path] = ()) -> str:
    """The checkov executable (see the module docstring), or a :class:`CheckovError`."""
    configured = os.environ.get(ENV_EXECUTABLE)
    if configured:
        if not Path(configured).exists() and shutil.which(configured) is None:
            raise CheckovError(f"{ENV_EXECUTABLE}={configured}: no such executable")
        return configured
    starts = [Path.cwd(), *search_from, Path(__file__).resolve().parent.parent]
    for start in starts:
        for folder in (start.resolve(), *start.resolve().parents):
            candidate = folder / VENV / "bin" / "checkov"
            if candidate.exists():
                return str(candidate)
    on_path = shutil.which("checkov")
    if on_path:
        return on_path
    raise CheckovError(f"checkov not found: run `make setup` (it installs checkov into {VENV}), "
                       f"or set {ENV_EXECUTABLE} to a checkov executable")


def external_checks_dir() -> Path:
    """``policies/checkov``: drkit's own checkov checks."""
    return Path(policies.__file__).resolve().parent / "checkov"


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
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise CheckovError(f"checkov failed (exit status {done.returncode}):\n{tail}")
    return _report(done.stdout), seconds


def _report(stdout: str) -> dict[str, Any]:
    try:
        data = json.loads(stdout) if stdout.strip() else {}
    except json.JSONDecodeError as error:
        raise CheckovError(f"checkov printed something that is not JSON: {stdout[:200]!r}") \
            from error
    if isinstance(data, list):
        data = next((r for r in data if r.get("check_type") == "terraform_plan"), {})
    return data if isinstance(data, dict) else {}


def _write(export: PlanExport, folder: Path) -> Path:
    path = folder / f"{export.project}-{export.stack}.tfplan.json"
    path.write_text(export.to_json())
    return path


def _scan_one(export: PlanExport, plan: Path, executable: str, checks_dir: Path | None,
              options: CheckovOptions) -> StackScan:
    result = StackScan(stack=export.stack, project=export.project, plan=plan,
                       exported=len(export.resources),
                       unmapped=[r.urn for r in export.unmapped])
    if not export.resources:
        return result
    report, result.seconds = run_checkov(command(executable, plan, checks_dir, options),
                                         options.timeout)
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


def to_finding(record: Mapping[str, Any], export: PlanExport,
               options: CheckovOptions) -> Finding:
    """A checkov failed-check record as a Finding on the Pulumi resource it came from."""
    check_id = str(record.get("check_id"))
    address = str(record.get("resource_address") or record.get("resource") or "")
    exported = export.resources.get(address)
    resource = exported.resource if exported else None
    enforcement = options.enforcement(check_id)
    keys = (record.get("check_result") or {}).get("evaluated_keys") or []
    name = str(record.get("check_name") or check_id)
    what = f'{resource.type} "{resource.name}"' if resource else address
    message = f"{what} ({address}): {name.rstrip('.')}"
    if keys:
        message += f" [checkov looked at: {', '.join(str(k) for k in keys)}]"
    return Finding(
        rule=check_id, policy=name, source=SOURCE, enforcement=enforcement,
        severity=_severity(record.get("severity"), enforcement), stack=export.stack,
        message=message, urn=resource.urn if resource else None,
        type=resource.type if resource else None, name=resource.name if resource else None,
        remediation=record.get("guideline") or None,
        location=resource.source if resource else None)


def _severity(value: Any, enforcement: Enforcement) -> Severity:
    text = str(value or "").lower()
    if text in {s.value for s in Severity}:
        return Severity(text)
    return Severity.HIGH if enforcement is Enforcement.MANDATORY else Severity.LOW


def unmapped_lines(scan: StackScan) -> list[str]:
    if not scan.unmapped:
        return []
    return [f"stack {scan.stack!r}: {len(scan.unmapped)} resource(s) of types drkit cannot map "
            f"to Terraform were not scanned by checkov: {', '.join(scan.unmapped)}"]


class CheckovChecker:
    """checkov as a :class:`drkit.checkers.Checker`: ``check(stacks)`` scans each stack's run
    and returns its findings (locations relative to the repository) by stack key."""

    def __init__(self, options: CheckovOptions | None = None) -> None:
        self.options = options or CheckovOptions()
        self.scans: dict[str, StackScan] = {}
        """The last :meth:`check`'s scans by stack key (counts, timings, unmapped types)."""

    def rules(self) -> list[RuleInfo]:
        """Every check the last scan ran; before any scan, the checks whose failures are
        mandatory by default (checkov's DR checks and drkit's own)."""
        if self.scans:
            return self.checks_seen()
        own = [rule for rule_id, rule in by_id().items() if rule_id in own_check_ids()]
        infos = [RuleInfo(id=check_id, name=check_id, title=check_id,
                          severity=Severity.HIGH, source=SOURCE) for check_id in sorted(DR_CHECKS)]
        infos += [RuleInfo(id=rule.id, name=rule.name, title=rule.title, severity=rule.severity,
                           source=SOURCE, remediation=rule.remediation) for rule in own]
        return infos

    def checks_seen(self) -> list[RuleInfo]:
        """Every check the last :meth:`check` ran, with checkov's names."""
        seen: dict[str, str] = {}
        for one in self.scans.values():
            seen.update(one.checks)
        return [RuleInfo(id=check_id, name=name, title=name,
                         severity=_severity(None, self.options.enforcement(check_id)),
                         source=SOURCE, enforcement=self.options.enforcement(check_id))
                for check_id, name in sorted(seen.items())]

    def check(self, stacks: Sequence[CheckedStack]) -> dict[str, CheckResult]:
        """Scan each stack's plan; findings by :attr:`CheckedStack.key`."""
        options = self.options
        if not options.search_from:
            roots = tuple(dict.fromkeys(Path(s.project.root) for s in stacks))
            options = replace(options, search_from=roots)
        scans = scan_each([s.run for s in stacks], options)
        results: dict[str, CheckResult] = {}
        for stack, one in zip(stacks, scans, strict=True):
            self.scans[stack.key] = one
            findings = [replace(f, location=(stack.relative(f.location[0]), f.location[1]))
                        if f.location else f for f in one.findings]
            results[stack.key] = CheckResult(findings=findings, checks_run=one.passed + one.failed,
                                             rules_run=sorted(one.checks))
        return results


def own_check_ids(checks_dir: Path | None = None) -> frozenset[str]:
    """IDs of the drkit rules that policies/checkov runs as checkov checks (read from its
    ``RuleCheck("DR-...")`` lines: importing them needs checkov)."""
    folder = checks_dir or external_checks_dir()
    return frozenset(match for path in sorted(folder.glob("*.py"))
                     for match in _RULE_CHECK.findall(path.read_text(encoding="utf-8")))


_RULE_CHECK = re.compile(r'RuleCheck\(\s*"([A-Z0-9-]+)"')
