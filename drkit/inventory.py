"""``drkit inventory``: the resources a stack declares, as JSON or as a readable tree."""

from __future__ import annotations

import json
from collections import defaultdict

from drkit_core.graph import Resource, StackRun


def to_json(run: StackRun) -> str:
    return json.dumps(run.to_json(), indent=2, sort_keys=False, default=str)


def to_text(run: StackRun) -> str:
    """A tree of resources under their parents: type, name, region and protection."""
    children: dict[str | None, list[Resource]] = defaultdict(list)
    known = {r.urn for r in run.resources}
    for resource in run.resources:
        parent = resource.parent if resource.parent in known else None
        children[parent].append(resource)
    lines = [f"{run.project}/{run.stack}: {len(run.resources)} resources "
             f"({len(run.managed)} managed, {len(children[None])} at top level)"]

    def walk(parent: str | None, prefix: str) -> None:
        items = children.get(parent, [])
        for index, resource in enumerate(items):
            last = index == len(items) - 1
            lines.append(f"{prefix}{'└─ ' if last else '├─ '}{_label(resource)}")
            walk(resource.urn, prefix + ("   " if last else "│  "))

    walk(None, "")
    if run.outputs:
        lines.append("outputs:")
        lines.extend(f"  {key}: {json.dumps(value, default=str)}"
                     for key, value in sorted(run.outputs.items()))
    return "\n".join(lines)


def _label(resource: Resource) -> str:
    notes = []
    if resource.region:
        notes.append(resource.region)
    if resource.protect:
        notes.append("protected")
    if resource.read:
        notes.append("read")
    if not resource.custom:
        notes.append("component")
    suffix = f"  [{', '.join(notes)}]" if notes else ""
    return f"{resource.name} ({resource.type}){suffix}"
