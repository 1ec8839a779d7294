"""Inventory tests (STYLE.md: compare a small YAML of what the DR design promises).

A template's stack is run offline; per resource type, only the promised inputs are kept, and a
value wired from another resource becomes a symbol such as ``${Key:shop-db-key.arn}``, so the
files check the wiring rather than the engine's made-up ids. ``DRKIT_REGEN=1`` rewrites them.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from drkit_core.graph import Resource, StackRun

ROOT = Path(__file__).parent.parent


def symbols(resource: Resource, outputs: Sequence[str]) -> dict[str, str]:
    """A resource's id and the named ``outputs`` (a StackReference's outputs) -> a stable
    symbol; a later output wins when two hold the same value (AWS: arn over id)."""
    if resource.type == "pulumi:pulumi:StackReference":
        exported = resource.outputs.get("outputs") or {}
        return {v: f"${{StackReference:{resource.name}.{k}}}" for k, v in exported.items()
                if isinstance(v, str)}
    kind = resource.type.rsplit(":", 1)[-1]
    values = {attr: resource.id if attr == "id" else resource.outputs.get(attr)
              for attr in outputs}
    return {v: f"${{{kind}:{resource.name}.{attr}}}" for attr, v in values.items()
            if isinstance(v, str) and v}


def symbolic(value: Any, table: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return table.get(value, value)
    if isinstance(value, dict):
        return {k: symbolic(v, table) for k, v in value.items()}
    if isinstance(value, list):
        return [symbolic(v, table) for v in value]
    return value


def promised_inputs(resource: Resource, keys: Sequence[str], by_urn: Mapping[str, Resource],
                    outputs: Sequence[str]) -> dict[str, Any]:
    """The promised inputs; a value that came from another resource becomes its symbol (only
    where the input depends on that resource, so literals stay literal)."""
    inputs = {}
    for key in keys:
        if key in resource.inputs:
            table: dict[str, str] = {}
            for urn in resource.property_dependencies.get(key, []):
                if urn in by_urn:
                    table.update(symbols(by_urn[urn], outputs))
            inputs[key] = symbolic(resource.inputs[key], table)
    return inputs


def inventory(run: StackRun, promises: Mapping[str, Sequence[str]],
              outputs: Sequence[str]) -> dict[str, Any]:
    """What the inventory file holds for a run."""
    by_urn = run.by_urn()
    resources: dict[str, dict[str, Any]] = {}
    for resource in run.resources:
        keys = promises.get(resource.type)
        if keys is not None:
            resources.setdefault(resource.type, {})[resource.name] = {
                "region": resource.region, "protect": resource.protect,
                "inputs": promised_inputs(resource, keys, by_urn, outputs)}
    return {"counts": dict(Counter(r.type for r in run.resources)), "resources": resources}


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` breaks ``expected``: every expected value must match; mappings in
    ``expected`` may leave keys out, except ``counts``, which must match exactly."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        keys = set(expected) | set(actual) if path == "counts" else set(expected)
        for key in sorted(keys):
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{where}: expected {expected[key]!r}, missing")
            elif key not in expected:
                found.append(f"{where}: unexpected {actual[key]!r}")
            else:
                found.extend(differences(expected[key], actual[key], where))
        return found
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def assert_matches(path: Path, actual: dict[str, Any], what: str, regenerate: str) -> None:
    """Compare with the file (rewriting it first when ``DRKIT_REGEN`` is set)."""
    if os.environ.get("DRKIT_REGEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        header = (f"# What {what} must declare.\n"
                  f"# Generated; review the diff. Regenerate: {regenerate}\n")
        path.write_text(header + yaml.safe_dump(actual, sort_keys=True, width=100))
    problems = differences(yaml.safe_load(path.read_text()), actual)
    assert not problems, (f"{what} differs from {path.relative_to(ROOT)}:\n  "
                          + "\n  ".join(problems)
                          + f"\nIf the change is intended, regenerate with: {regenerate}")
