"""``drkit assess`` output: JSON (the documented shape), text and Markdown (jinja2)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import jinja2

from drkit.plan.apps import App
from drkit_core.durations import format_duration
from drkit_core.recovery import Assessment
from drkit_core.recovery.readiness import LEVELS

FORMATS = ("text", "json", "markdown")


def shown(seconds: int | None) -> str:
    """A duration for people; None is unbounded (or unknown)."""
    return "unbounded" if seconds is None else format_duration(seconds)


def verdict(meets: bool | None) -> str:
    return {True: "meets", False: "MISSES", None: "no target"}[meets]


def app_json(app: App, assessment: Assessment) -> dict[str, Any]:
    """One app in the shape ``drkit assess --format json`` documents."""
    facts = assessment.facts
    return {
        "app": app.name,
        "project": app.project,
        "cloud": facts.cloud,
        "tier": str(facts.tier) if facts.tier else None,
        "stacks": [s.run.stack for s in app.stacks],
        "targets": {"rpo_seconds": assessment.rpo_target,
                    "rto_seconds": assessment.rto_target},
        "readiness": {"level": assessment.readiness.level,
                      "evidence": assessment.readiness.evidence,
                      "next": assessment.readiness.next},
        "scenarios": [{
            "scenario": str(scenario),
            "rpo_seconds": result.estimate.rpo_seconds,
            "rto_seconds": result.estimate.rto_seconds,
            "meets_rpo": result.meets_rpo,
            "meets_rto": result.meets_rto,
            "data": [{"urn": d.dataset.source.view.urn, "name": d.dataset.source.name,
                      "type": d.dataset.source.view.type, "mechanism": d.mechanism,
                      "rpo_seconds": d.rpo_seconds} for d in result.estimate.data],
            "steps": [{"step": s.name, "seconds": s.seconds, "automatic": s.automatic,
                       "after": list(s.after), "source": s.source}
                      for s in result.estimate.steps],
            "critical_path": list(result.estimate.critical_path),
        } for scenario, result in assessment.scenarios.items()],
    }


def environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """The one jinja2 set-up of drkit assess and drkit runbook: plain text (no HTML escaping),
    undefined names fail."""
    env = jinja2.Environment(loader=loader, autoescape=False, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["duration"] = shown
    env.filters["verdict"] = verdict
    return env


_ENV = environment(jinja2.PackageLoader("drkit", "templates/assess"))


def render(found: Sequence[tuple[App, Assessment]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"apps": [app_json(a, s) for a, s in found]}, indent=2) + "\n"
    template = _ENV.get_template(f"assess.{'md' if fmt == 'markdown' else 'txt'}.j2")
    return template.render(apps=[{"app": a, "a": s, "json": app_json(a, s)} for a, s in found],
                           levels=LEVELS)
