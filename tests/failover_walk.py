"""Walking a template's app through the four DR states of ``drkit:active``, offline.

A state is what each stack's config said when that stack was last deployed, which region holds
the writer, and which stacks are running (the primary region's are not while it is lost). Each
state is a copy of the template with the switch set per stack, and every stack of it is run:
a stack whose region is down still answers StackReferences from the state backend with what its
last ``pulumi up`` exported, which is what running it with its last config gives.

The running stacks of each state are judged as ``drkit check`` judges them: drkit's rules (the
app rules see the running stacks together) and checkov, whose plans of every state are scanned
in one checkov process (each process costs seconds of start-up).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drkit.check import check, run_stacks
from drkit.checkers import checkov
from drkit.checkers.rules import DrkitRules
from drkit.export.tfplan import PlanExport, export_plan
from drkit_core.findings import Enforcement, Finding
from drkit_core.graph import CheckedStack, Resource, StackRun
from drkit_core.intent import Role
from policies.registry import RULES
from policies.settings import resolve

STACKS = ("primary", "secondary", "global")


@dataclass(frozen=True)
class State:
    name: str
    switch: Mapping[str, str]
    """Stack -> its ``drkit:active`` as last deployed."""
    active: Role
    """Which region holds the writer."""
    ups: tuple[str, ...]
    """The ``pulumi up``s that lead here from the state before, in order."""
    running: tuple[str, ...]
    """The stacks whose region is up."""


def _all(value: str) -> dict[str, str]:
    return dict.fromkeys(STACKS, value)


STATES = (
    State("steady", _all("primary"), Role.PRIMARY, STACKS, STACKS),
    # The primary region is lost: its stack is not touched, its config is as last deployed.
    State("failed-over", {"primary": "primary", "secondary": "secondary", "global": "secondary"},
          Role.SECONDARY, ("secondary", "global"), ("secondary", "global")),
    State("rebuilt", _all("secondary"), Role.SECONDARY, ("primary", "global"), STACKS),
    State("switched-back", _all("primary"), Role.PRIMARY,
          ("primary", "global", "secondary", "global"), STACKS),
)
BY_NAME = {state.name: state for state in STATES}


@dataclass
class Walked:
    state: State
    root: Path
    stacks: dict[str, CheckedStack]
    findings: list[Finding]
    """drkit's rules over the running stacks."""

    @property
    def runs(self) -> dict[str, StackRun]:
        return {name: stack.run for name, stack in self.stacks.items()}

    def region(self, role: Role) -> str:
        intent = self.stacks["primary"].intent
        assert intent.regions is not None
        return intent.regions.of(role)

    @property
    def passive(self) -> Role:
        return Role.SECONDARY if self.state.active is Role.PRIMARY else Role.PRIMARY


def copy_with_switch(template: Path, dest: Path, switch: Mapping[str, str]) -> Path:
    shutil.copytree(template, dest, ignore=shutil.ignore_patterns("runbooks", "__pycache__"))
    for stack, value in switch.items():
        path = dest / f"Pulumi.{stack}.yaml"
        text, count = re.subn(r"(?m)^  drkit:active: .*$", f"  drkit:active: {value}",
                              path.read_text())
        assert count == 1, path
        path.write_text(text)
    return dest


def walk(template: Path, scratch: Path) -> dict[str, Walked]:
    rules = DrkitRules(resolve(RULES, None))
    walked = {}
    for state in STATES:
        root = copy_with_switch(template, scratch / state.name, state.switch)
        stacks = {s.run.stack: s for s in run_stacks([root])}
        running = [stacks[name] for name in state.running]
        report = check(running, [rules])
        walked[state.name] = Walked(state, root, stacks, list(report.findings))
    return walked


def checkov_findings(walked: Mapping[str, Walked], folder: Path
                     ) -> dict[tuple[str, str], list[Finding]]:
    """checkov's findings on every running stack of every state, by (state, stack), from one
    checkov run over their plans (each distinct plan once: a stack often has the same plan in
    several states)."""
    folder.mkdir(parents=True, exist_ok=True)
    plans: dict[str, tuple[PlanExport, list[tuple[str, str]]]] = {}
    for name, one in walked.items():
        for stack in one.state.running:
            export = export_plan(one.runs[stack])
            text = export.to_json()
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            file = f"{stack}-{digest}.tfplan.json"
            if file not in plans:
                (folder / file).write_text(text)
                plans[file] = (export, [])
            plans[file][1].append((name, stack))
    argv = [checkov.find_checkov(), "--skip-download", "--framework", "terraform_plan",
            "-o", "json", "--compact", "-d", str(folder),
            "--external-checks-dir", str(checkov.external_checks_dir())]
    report, _seconds = checkov.run_checkov(argv)
    scanned = int(report.get("summary", {}).get("resource_count", 0))
    assert scanned == sum(len(export.resources) for export, _ in plans.values()), \
        "checkov dropped resources of the exported plans"
    found: dict[tuple[str, str], list[Finding]] = {
        key: [] for _, keys in plans.values() for key in keys}
    for record in report.get("results", {}).get("failed_checks", []):
        export, keys = plans[Path(str(record["file_path"])).name]
        for key in keys:
            found[key].append(checkov.to_finding(record, export, checkov.CheckovOptions()))
    return found


def mandatory(findings: list[Finding]) -> list[str]:
    return sorted(f"{f.rule} {f.stack} {f.name}: {f.message}" for f in findings
                  if f.enforcement is Enforcement.MANDATORY and not f.unknown)


def managed(run: StackRun, token: str) -> list[Resource]:
    return [r for r in run.managed if r.type == token]


def regions_of(run: StackRun) -> dict[str, str]:
    """URN -> region of every resource and provider of the run that is in a region."""
    found = {}
    for resource in run.resources:
        region = resource.region or (resource.inputs.get("region") if resource.is_provider
                                     else None)
        if region:
            found[resource.urn] = str(region)
    return found


def mentions(value: Any, text: str) -> bool:
    """``text`` occurs in a string anywhere inside ``value``."""
    if isinstance(value, str):
        return text in value
    if isinstance(value, Mapping):
        return any(mentions(v, text) for v in value.values())
    if isinstance(value, list | tuple):
        return any(mentions(v, text) for v in value)
    return False
