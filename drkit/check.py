"""``drkit check``: run stacks offline and judge them, as ``pulumi preview --policy-pack`` would.

Stacks are run by the offline engine, then handed to each :class:`~drkit.checkers.Checker`
(drkit's rules, checkov). Every checker reports findings per stack; the report merges them.
Checkers see all stacks of one call at once, so drkit's app rules can judge the stacks of one
app together (CrossGuard cannot: it sees one stack).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drkit.checkers import Checker
from drkit.engine.runner import Engine
from drkit_core.errors import DrkitError, ProjectError
from drkit_core.findings import Report, RuleInfo, StackReport
from drkit_core.graph import CheckedStack, StackRun
from drkit_core.intent import Intent, namespace_values
from drkit_core.project import Project


class PolicyConfigError(DrkitError):
    """The --policy-pack-config file is invalid."""


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


def intent_of(run: StackRun) -> Intent:
    """What the stack's ``drkit:`` config declares (every key optional: rules fall back to
    their config for the rest)."""
    return Intent.from_config(namespace_values(run.config))


def repo_root(start: Path) -> Path:
    """The enclosing git repository (SARIF paths are relative to it), else the cwd."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return Path.cwd().resolve()


def check(stacks: Sequence[CheckedStack], checkers: Sequence[Checker]) -> Report:
    """Run every checker over the stacks and merge their findings per stack."""
    reports = {s.key: StackReport(stack=s.run.stack, project=s.project.name,
                                  resources=len(s.run.managed),
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
