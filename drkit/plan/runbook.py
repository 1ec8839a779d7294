"""``drkit runbook``: Markdown runbooks per app, rendered with jinja2 from the estimate.

Four runbooks per app (region failover, zone loss, restore after corruption, switch back),
each step with the resources it touches, the commands, how to check it worked and its time
budget from the estimate, and a Mermaid diagram of the regions, data flows and traffic entry.
Templates are ``drkit/templates/runbooks/*.md.j2``; a templates directory given by the user
overrides any of them by file name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from drkit.plan.actions import Playbook
from drkit.plan.apps import App
from drkit.plan.commands import Command, Names, lift_guards, pulumi_up, set_active
from drkit.plan.diagram import diagram
from drkit.plan.report import environment
from drkit_core.errors import DrkitError
from drkit_core.intent import Role
from drkit_core.recovery import Assessment, Scenario

RUNBOOKS = {"region-failover": Scenario.REGION_LOSS, "zone-loss": Scenario.ZONE_LOSS,
            "restore-after-corruption": Scenario.DATA_CORRUPTION,
            "switch-back": Scenario.REGION_LOSS}
"""Runbook (template and file name) -> the scenario whose estimate gives its time budgets."""

TITLES = {"detect": "Detect", "decide": "Decide", "adopt": "Adopt the change in code",
          "promote": "Promote", "restore": "Restore", "scale": "Scale",
          "switch-traffic": "Switch traffic", "verify": "Verify"}


class TemplateError(DrkitError):
    """A runbook template cannot be loaded or rendered."""


@dataclass(frozen=True)
class Rendered:
    path: Path
    """Relative to the output directory: ``<app>/<runbook>.md``."""
    text: str


def _steps(book: Playbook, assessment: Assessment, scenario: Scenario) -> list[dict[str, Any]]:
    estimate = assessment[scenario].estimate
    ordered = [*(n for n in estimate.critical_path),
               *(s.name for s in estimate.steps if s.name not in estimate.critical_path)]
    rank = {name: i for i, name in enumerate(ordered)}
    found = []
    for step in sorted(estimate.steps, key=lambda s: _start(estimate.steps, s, rank)):
        actions = book.actions(scenario, step)
        found.append({"name": step.name, "title": TITLES.get(step.name, step.name),
                      "seconds": step.seconds, "automatic": step.automatic,
                      "after": list(step.after), "source": step.source, "detail": step.detail,
                      "resources": list(step.resources), "counts": step.counts,
                      "critical": step.name in estimate.critical_path,
                      "do": actions.do, "check": actions.check})
    return found


def _start(steps: Sequence[Any], step: Any, rank: dict[str, int]) -> tuple[int, int]:
    """Steps in the order they can run: by depth in the graph, then critical path first."""
    by_name = {s.name: s for s in steps}

    def depth(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name in seen or name not in by_name:
            return 0
        return 1 + max((depth(a, seen | {name}) for a in by_name[name].after), default=0)

    return depth(step.name), rank.get(step.name, 99)


def context(app: App, assessment: Assessment, runbook: str) -> dict[str, Any]:
    facts = assessment.facts
    names = Names({r.urn: r for s in app.stacks for r in s.run.resources})
    book = Playbook(facts, names)
    scenario = RUNBOOKS[runbook]
    result = assessment[scenario]
    stacks = {str(role): facts.stack_of(role) for role in Role}
    return {
        "app": app.name, "project": app.project, "cloud": facts.cloud, "tier": facts.tier,
        "active": facts.active, "standby": facts.standby, "stacks": stacks,
        "uses_switch": book.uses_switch, "target_role": book.target_role(),
        "rpo_target": assessment.rpo_target, "rto_target": assessment.rto_target,
        "rpo": result.estimate.rpo_seconds, "rto": result.estimate.rto_seconds,
        "meets_rpo": result.meets_rpo, "meets_rto": result.meets_rto,
        "worst": result.estimate.worst.mechanism if result.estimate.worst else None,
        "critical_path": list(result.estimate.critical_path),
        "steps": _steps(book, assessment, scenario),
        "datasets": [{"name": d.source.name, "service": d.source.service,
                      "region": d.source.region or "several regions",
                      "physical": names.store(d.source),
                      "replicas": [{"name": r.name, "region": r.region, "stack": r.stack,
                                    "physical": names.store(r)} for r in d.replicas]}
                     for d in facts.datasets],
        "switch_back": _switch_back(assessment, names, stacks),
        "diagram": diagram(facts, names),
        "readiness": assessment.readiness,
    }


def _switch_back(assessment: Assessment, names: Names, stacks: dict[str, str | None]
                 ) -> dict[str, list[Command]]:
    """The switch back's commands: lifting the guards of the old primary before its stack
    rebuilds it as a replica (``rebuild``), setting the switch (``set``), then the ``pulumi
    up``s in order (``ups``), the standby's rebuild with its guards lifted first."""
    facts = assessment.facts
    databases = [d for d in facts.datasets if d.source.service in ("rds", "cloudsql")]
    rebuild = [c for d in databases for c in lift_guards(d.source, names)]
    standby = [c for d in databases for r in d.replicas if r.needs_promotion
               for c in lift_guards(r, names)]
    active, standby_region = facts.active, facts.standby
    final = "final backup" if facts.cloud == "gcp" else "final snapshot"
    ups = []
    if stacks["primary"]:
        ups.append(pulumi_up(stacks["primary"], f"stack {stacks['primary']}: promotes the "
                             f"replica in {active} and scales its tier to full capacity"))
    if stacks["global"]:
        ups.append(pulumi_up(stacks["global"], f"stack {stacks['global']}: moves traffic to "
                             f"{active}, and out of {standby_region} until it is rebuilt"))
    ups += standby
    if stacks["secondary"]:
        ups.append(pulumi_up(stacks["secondary"], f"stack {stacks['secondary']}: rebuilds the "
                             f"database in {standby_region} as a replica (deleting the old one "
                             f"takes its {final}) and scales its tier back down"))
    if stacks["global"]:
        ups.append(pulumi_up(stacks["global"], f"stack {stacks['global']} again: "
                             f"takes {standby_region} back into the traffic entry"))
    return {"set": [set_active(facts, str(facts.app.intent.active))], "rebuild": rebuild,
            "ups": ups}


def loader(templates: Path | None) -> jinja2.BaseLoader:
    """The user's templates directory first (any file there wins), then drkit's."""
    shipped = jinja2.PackageLoader("drkit", "templates/runbooks")
    if templates is None:
        return shipped
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(templates)), shipped])


def render(found: Sequence[tuple[App, Assessment]], templates: Path | None = None
           ) -> list[Rendered]:
    env = environment(loader(templates))
    rendered = []
    for app, assessment in found:
        for runbook in RUNBOOKS:
            name = f"{runbook}.md.j2"
            try:
                text = env.get_template(name).render(**context(app, assessment, runbook))
            except jinja2.TemplateError as error:
                where = f"{error.filename}:{error.lineno}: " if isinstance(
                    error, jinja2.TemplateSyntaxError) else ""
                raise TemplateError(f"runbook template {name}: {where}{error}") from None
            rendered.append(Rendered(Path(app.name) / f"{runbook}.md", text))
    return rendered
