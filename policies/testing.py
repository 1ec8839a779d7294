"""Building rule inputs directly, for rule tests and adapters: no engine, no pulumi.

    violations = evaluate("DR-AWS-001", view("aws:rds/instance:Instance", multiAz=False))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policies.model import (
    Context,
    Intent,
    ResourceView,
    Scope,
    Violation,
    evaluate_resource,
    evaluate_stack,
)
from policies.registry import by_id


def view(type_: str, name: str = "pass", region: str | None = "eu-west-1", /, *,
         deps: Mapping[str, Sequence[str]] | None = None, **props: Any) -> ResourceView:
    """A resource with a predictable URN (``urn:test::<name>``) and camelCase ``props``
    (``name`` among them is a prop: the resource's name is positional)."""
    return ResourceView(type=type_, name=name, urn=f"urn:test::{name}", props=props,
                        region=region, property_dependencies=dict(deps or {}))


def evaluate(rule_id: str, subject: ResourceView | Sequence[ResourceView] | None = None,
             config: Mapping[str, Any] | None = None, intent: Intent | None = None,
             stacks: Mapping[str, Sequence[ResourceView]] | None = None) -> list[Violation]:
    """Run one rule as the checkers do: its config defaults under ``config``, the ``intent``
    completed from config; a resource rule gets one view, a stack rule a list of them."""
    rule = by_id()[rule_id]
    merged = {**rule.defaults(), **(config or {})}
    resolved = (intent or Intent()).with_config(merged)
    if rule.scope is Scope.RESOURCE:
        assert isinstance(subject, ResourceView), f"{rule_id} judges one resource"
        return evaluate_resource(rule, subject, Context(config=merged, intent=resolved))
    resources = [subject] if isinstance(subject, ResourceView) else list(subject or [])
    return evaluate_stack(rule, Context(config=merged, intent=resolved, resources=resources,
                                        stacks=stacks or {}))


def messages(found: list[Violation]) -> list[str]:
    """Messages of decided violations (unknowns left out)."""
    return [v.message for v in found if not v.unknown]
