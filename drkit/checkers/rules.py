"""drkit's rules as a checker of ``drkit check``: the offline twin of :mod:`policies.crossguard`.

It builds the views CrossGuard would build (inputs for resource rules; outputs merged under
the inputs for stack rules, as the CLI sends stack policies the resources' state), applies
enforcement levels and config with CrossGuard's semantics, and also runs the app rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drkit.checkers import CheckResult
from drkit_core.findings import Enforcement, Finding, RuleInfo
from drkit_core.graph import CheckedStack, Resource
from drkit_core.intent import Intent
from policies.model import ResourceView, Rule, Scope, Violation, evaluate
from policies.registry import RULES
from policies.settings import PolicySettings, resolve

SOURCE = "drkit"


IDENTITY_OUTPUTS = ("arn", "name", "bucket", "identifier", "selfLink", "connectionName")
"""Outputs a stack view keeps: what other resources hold to point at this one. The engine
invents a value for every other output too (an unset ``replicateSourceDb`` gets one), which
rules must not mistake for settings."""


def views(resources: Iterable[Resource], state: bool) -> list[ResourceView]:
    """What CrossGuard sees of the managed resources: their inputs, plus (``state``, for stack
    rules, which the CLI hands the resources' outputs) their identity: id, ARN, names."""
    return [ResourceView(type=r.type, name=r.name, urn=r.urn,
                         props=_state(r) if state else r.inputs, region=r.region,
                         property_dependencies=r.property_dependencies)
            for r in resources if r.managed]


def _state(resource: Resource) -> dict[str, Any]:
    identity = {k: resource.outputs[k] for k in IDENTITY_OUTPUTS if k in resource.outputs}
    if resource.id:
        identity["id"] = resource.id
    return {**identity, **resource.inputs}


@dataclass
class _Stack:
    checked: CheckedStack
    intent: Intent
    inputs: list[ResourceView]
    state: list[ResourceView]


class DrkitRules:
    """The drkit rule registry as a :class:`drkit.checkers.Checker`."""

    def __init__(self, settings: Mapping[str, PolicySettings] | None = None,
                 rules: Sequence[Rule] = RULES) -> None:
        self.settings = dict(settings) if settings is not None else resolve(rules)
        self.active = [r for r in rules
                       if self.settings[r.name].enforcement is not Enforcement.DISABLED]

    def rules(self) -> list[RuleInfo]:
        return [RuleInfo(id=r.id, name=r.name, title=r.title, severity=r.severity,
                         source=SOURCE, remediation=r.remediation,
                         enforcement=self.settings[r.name].enforcement) for r in self.active]

    def check(self, stacks: Sequence[CheckedStack]) -> dict[str, CheckResult]:
        prepared = [_Stack(s, s.intent, views(s.run.resources, False),
                           views(s.run.resources, True))
                    for s in stacks]
        results = {s.checked.key: self._check_stack(s) for s in prepared}
        for group in _apps(prepared):
            self._check_app(group, results)
        return results

    def _check_stack(self, stack: _Stack) -> CheckResult:
        result = CheckResult()
        by_urn = {r.urn: r for r in stack.checked.run.resources}
        for rule in self.active:
            config = self.settings[rule.name].config
            if rule.scope is Scope.RESOURCE:
                for view in stack.inputs:
                    if rule.applies_to(view.type):
                        result.checks_run += 1
                        self._add(result, rule, stack.checked, by_urn,
                                  evaluate(rule, view, config, stack.intent))
            elif rule.scope is Scope.STACK:
                result.checks_run += 1
                self._add(result, rule, stack.checked, by_urn,
                          evaluate(rule, stack.state, config, stack.intent))
            else:
                continue
            result.rules_run.append(rule.id)
        return result

    def _check_app(self, group: dict[str, _Stack], results: dict[str, CheckResult]) -> None:
        stacks = {role: s.state for role, s in group.items()}
        intent = group["primary"].intent
        for rule in (r for r in self.active if r.scope is Scope.APP):
            config = self.settings[rule.name].config
            for violation in evaluate(rule, stacks, config, intent):
                stack = group[violation.stack or "primary"]
                result = results[stack.checked.key]
                by_urn = {r.urn: r for r in stack.checked.run.resources}
                self._add(result, rule, stack.checked, by_urn, [violation])
            for stack in group.values():
                results[stack.checked.key].checks_run += 1
                results[stack.checked.key].rules_run.append(rule.id)

    def _add(self, result: CheckResult, rule: Rule, stack: CheckedStack,
             by_urn: Mapping[str, Resource], found: Iterable[Violation]) -> None:
        for violation in found:
            resource = by_urn.get(violation.urn or "")
            location = None
            if resource is not None and resource.source is not None:
                location = (stack.relative(resource.source[0]), resource.source[1])
            result.findings.append(Finding(
                rule=rule.id, policy=rule.name, source=SOURCE,
                enforcement=self.settings[rule.name].enforcement, severity=rule.severity,
                stack=stack.run.stack, message=violation.message, urn=violation.urn,
                type=resource.type if resource else None,
                name=resource.name if resource else None, remediation=rule.remediation,
                unknown=violation.unknown, location=location))


def _apps(stacks: Sequence[_Stack]) -> list[dict[str, _Stack]]:
    """Stacks grouped by project and ``drkit:app`` (an app's stacks are stacks of one project:
    their StackReferences resolve there): the groups holding both a primary and a secondary."""
    apps: dict[tuple[str, str], dict[str, _Stack]] = {}
    for stack in stacks:
        intent = stack.intent
        if intent.app and intent.role is not None:  # the global stack too: the traffic entry
            key = (str(stack.checked.project.root), intent.app)
            apps.setdefault(key, {})[intent.role] = stack
    return [group for group in apps.values() if {"primary", "secondary"} <= set(group)]
