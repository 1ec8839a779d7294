"""``drkit check``: run stacks offline and judge them, as ``pulumi preview --policy-pack`` would.

Stacks are run by the offline engine, then handed to each :class:`Checker` (drkit's rules
today; checkov's findings can be added as a second checker). Every checker reports
:class:`~drkit.findings.Finding`\\ s per stack; the :class:`~drkit.findings.Report` merges them.
Checkers see all stacks of one call at once, so drkit's app rules can judge the stacks of one
app together (CrossGuard cannot: it sees one stack).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from drkit.engine.model import StackRun
from drkit.engine.runner import Engine
from drkit.errors import DrkitError, ProjectError
from drkit.findings import Finding, Report, RuleInfo, StackReport
from drkit.intent import NAMESPACE, DrIntent
from drkit.project import Project


class PolicyConfigError(DrkitError):
    """The --policy-pack-config file is invalid."""


@dataclass(frozen=True)
class CheckedStack:
    """One stack's offline run, with what checkers need to know about it."""

    project: Project
    run: StackRun
    intent: DrIntent | None
    repo_root: Path

    @property
    def key(self) -> str:
        return f"{self.project.name}/{self.run.stack}"

    def relative(self, path: str | Path) -> str:
        """A path as SARIF and people want it: relative to the repository when inside it."""
        resolved = Path(path).resolve()
        if resolved.is_relative_to(self.repo_root):
            return resolved.relative_to(self.repo_root).as_posix()
        return resolved.as_posix()


@dataclass
class CheckResult:
    """What one checker found on one stack."""

    findings: list[Finding] = field(default_factory=list)
    checks_run: int = 0
    rules_run: list[str] = field(default_factory=list)


class Checker(Protocol):
    """A source of findings (drkit's rules; later checkov's checks)."""

    def rules(self) -> list[RuleInfo]:
        """Every rule this checker may report, enabled ones only."""
        ...

    def check(self, stacks: Sequence[CheckedStack]) -> Mapping[str, CheckResult]:
        """Findings per stack (by :attr:`CheckedStack.key`)."""
        ...


def run_stacks(project_dirs: Sequence[str | Path], stacks: Sequence[str] = ()
               ) -> list[CheckedStack]:
    """Run the named stacks (default: every stack) of each project offline; a project without
    any of the named stacks is skipped, a name no project has is an error."""
    projects = [Project.load(d) for d in project_dirs or ["."]]
    missing = [s for s in stacks if not any(s in p.stacks() for p in projects)]
    if missing:
        known = "; ".join(f"{p.name}: {', '.join(p.stacks()) or 'none'}" for p in projects)
        raise ProjectError(f"no stack {', '.join(map(repr, missing))} in the projects checked "
                           f"({known})")
    checked = []
    for project in projects:
        engine = Engine(project)
        names = [s for s in project.stacks() if not stacks or s in stacks]
        if not names and not stacks:
            raise ProjectError(f"project {project.name!r} ({project.root}) has no stack to check "
                               "(no Pulumi.<stack>.yaml)")
        root = repo_root(project.root)
        for name in names:
            run = engine.run(name)
            checked.append(CheckedStack(project, run, intent_of(run), root))
    return checked


def intent_of(run: StackRun) -> DrIntent | None:
    """The stack's ``drkit:`` intent; None for programs that never heard of drkit."""
    prefix = NAMESPACE + ":"
    values = {k[len(prefix):]: v for k, v in run.config.items() if k.startswith(prefix)}
    return DrIntent.from_config(values) if values else None


def repo_root(start: Path) -> Path:
    """The enclosing git repository (SARIF paths are relative to it), else the cwd."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return Path.cwd().resolve()


def check(stacks: Sequence[CheckedStack], checkers: Sequence[Checker]) -> Report:
    """Run every checker over the stacks and merge their findings per stack."""
    reports = {s.key: StackReport(stack=s.run.stack, project=s.project.name,
                                  resources=_managed(s.run),
                                  config_file=s.relative(s.project.stack_file(s.run.stack)))
               for s in stacks}
    rules: dict[str, RuleInfo] = {}
    for checker in checkers:
        results = checker.check(stacks)
        # After the run: a checker may only know then which checks it ran (checkov).
        rules.update((r.id, r) for r in checker.rules())
        for key, result in results.items():
            report = reports[key]
            report.findings.extend(result.findings)
            report.checks_run += result.checks_run
            report.rules_run.extend(result.rules_run)
    names = sorted({s.project.name for s in stacks})
    return Report(project=", ".join(names), stacks=list(reports.values()),
                  rules=sorted(rules.values(), key=lambda r: r.id))


def _managed(run: StackRun) -> int:
    return sum(1 for r in run.resources if r.custom and not r.read
               and not r.type.startswith("pulumi:providers:"))
