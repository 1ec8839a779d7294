"""A Mermaid flowchart of an app: its regions, data flows and traffic entry."""

from __future__ import annotations

import re

from drkit.plan.commands import Names
from drkit.plan.report import shown
from drkit_core.recovery.facts import Facts

_SHAPES = {"rds": ("[(", ")]"), "aurora": ("[(", ")]"), "cloudsql": ("[(", ")]"),
           "dynamodb": ("[(", ")]"), "s3": ("[/", "/]"), "gcs": ("[/", "/]")}
_SERVICE = {"rds": "RDS", "aurora": "Aurora", "cloudsql": "Cloud SQL", "dynamodb": "DynamoDB",
            "s3": "S3", "gcs": "Cloud Storage", "asg": "Auto Scaling group",
            "mig": "instance group"}

_COPY = {"rds": "RDS read replica", "aurora": "Aurora secondary", "cloudsql": "Cloud SQL replica",
         "s3": "S3 replica bucket"}


def _text(value: str) -> str:
    """Text safe inside a Mermaid label."""
    return re.sub(r'["<>]', "", value)


class _Nodes:
    def __init__(self) -> None:
        self.by_region: dict[str, list[str]] = {}
        self.ids: dict[str, str] = {}

    def add(self, key: str, region: str | None, label: str, shape: tuple[str, str]) -> str:
        node = f"n{len(self.ids)}"
        self.ids[key] = node
        opening, closing = shape
        self.by_region.setdefault(region or "several regions", []).append(
            f'{node}{opening}"{label}"{closing}')
        return node


def diagram(facts: Facts, names: Names) -> str:
    """Mermaid source (without the fence)."""
    nodes = _Nodes()
    edges: list[str] = []
    for dataset in facts.datasets:
        source = dataset.source
        node = nodes.add(source.view.urn, source.region,
                         f"{_text(names.store(source))}<br/>{_SERVICE[source.service]}",
                         _SHAPES[source.service])
        for replica in dataset.replicas:
            copy = nodes.add(replica.view.urn + replica.stack, replica.region,
                             f"{_text(names.store(replica))}<br/>{_COPY[replica.service]}",
                             _SHAPES[replica.service])
            lag = next((p for p in source.protections if p.resource in (replica.name,
                        names.store(replica)) and p.region == replica.region), None)
            label = shown(lag.rpo_seconds) if lag else "replication"
            edges.append(f'{node} -. "async, {label}" .-> {copy}')
    for group in facts.groups:
        nodes.add(group.view.urn, group.region,
                  f"{_text(names.group(group))}<br/>{_SERVICE[group.service]}, min "
                  f"{group.capacity}",
                  ("[", "]"))
    entry = facts.entry
    lines = ["flowchart LR", '  clients(("clients"))']
    if entry is not None:
        kind = {"route53-failover": "Route 53 failover records", "route53": "Route 53 record",
                "gcp-lb": "global load balancer"}[entry.kind]
        lines.append(f'  entry{{"{_text(kind)}"}}')
        lines.append("  clients --> entry")
        for group in facts.groups:
            target = nodes.ids[group.view.urn]
            style = "-->" if group.region == facts.active else "-.->"
            when = "active" if group.region == facts.active else (
                "on failover" if not entry.automatic_to(group.region) else "failover")
            lines.append(f'  entry {style}|"{when}"| {target}')
    for index, (region, members) in enumerate(nodes.by_region.items()):
        role = " (active)" if region == facts.active else (
            " (standby)" if region == facts.standby else "")
        lines.append(f'  subgraph r{index}["{_text(region)}{role}"]')
        lines.extend(f"    {m}" for m in members)
        lines.append("  end")
    lines.extend(f"  {e}" for e in edges)
    return "\n".join(lines)
