"""JSON: ``{"stacks": [{"stack", "resources", "violations": [...]}], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import Any

from drkit.report.common import ordered
from drkit_core.findings import Report


def to_data(report: Report) -> dict[str, Any]:
    return {
        "project": report.project,
        "stacks": [{
            "project": stack.project,
            "stack": stack.stack,
            "resources": stack.resources,
            "checks": stack.checks_run,
            "violations": [f.to_json() for f in ordered(stack.findings)],
        } for stack in report.stacks],
        "summary": {**report.summary(), "stacks": len(report.stacks), "failed": report.failed},
    }


def render(report: Report) -> str:
    return json.dumps(to_data(report), indent=2)
