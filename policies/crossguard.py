"""drkit's rules as CrossGuard policies (pulumi_policy): the only module that imports it.

Each rule becomes a ResourceValidationPolicy or a StackValidationPolicy that builds the same
:class:`~policies.model.ResourceView` the offline checker builds, runs the same check, and turns
a value it cannot know into pulumi_policy's UnknownValueError, so the CLI reports it as it
reports any value unknown during a preview. App rules are offline only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi_policy as pp
from pulumi.runtime import config as runtime_config
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from drkit_core.errors import DrkitError
from drkit_core.findings import Enforcement, Severity
from drkit_core.intent import Intent, namespace_values
from drkit_core.regions import resource_region
from policies.model import ResourceView, Rule, Scope, Violation, evaluate
from policies.registry import pack_rules

PACK_NAME = "drkit-dr"
_LEVELS = {Enforcement.MANDATORY: pp.EnforcementLevel.MANDATORY,
           Enforcement.ADVISORY: pp.EnforcementLevel.ADVISORY,
           Enforcement.DISABLED: pp.EnforcementLevel.DISABLED}
_SEVERITIES = {Severity.LOW: pp.Severity.LOW, Severity.MEDIUM: pp.Severity.MEDIUM,
               Severity.HIGH: pp.Severity.HIGH, Severity.CRITICAL: pp.Severity.CRITICAL}


def plain(value: Any) -> Any:
    """The raw values behind pulumi_policy's unknown-checking proxies (unknowns kept as their
    sentinels: the rules decide which unknowns matter)."""
    if isinstance(value, Mapping):
        target = value["__target"] if type(value).__name__ == "_DictProxy" else value
        return {k: plain(v) for k, v in target.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        target = value["__target"] if type(value).__name__ == "_ListProxy" else value  # type: ignore[call-overload]
        return [plain(v) for v in target]
    return value


def stack_intent() -> Intent:
    """What the stack's ``drkit:`` config declares, from the config the CLI hands the
    analyzer (the language host's variable, as ``pulumi.Config`` reads it)."""
    config = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    try:
        return Intent.from_config(namespace_values(config))
    except DrkitError:
        return Intent()  # the program itself reports an invalid drkit: config


def _report(found: list[Violation], report: pp.ReportViolation, stack: bool) -> None:
    unknown = [v for v in found if v.unknown]
    for violation in found:
        if not violation.unknown:
            report(violation.message, violation.urn if stack else None)
    if unknown:
        raise UnknownValueError(UNKNOWN_STRING_VALUE, [unknown[0].message])


def _view(type_: str, name: str, urn: str, props: Any, provider: Any,
          dependencies: Mapping[str, Any] | None = None) -> ResourceView:
    raw = plain(props)
    provider_props = plain(provider.props) if provider is not None else None
    deps = {key: [r.urn for r in value] for key, value in (dependencies or {}).items()}
    return ResourceView(type=type_, name=name, urn=urn, props=raw,
                        region=resource_region(raw, (provider_props or {}).get("region")),
                        property_dependencies=deps)


def resource_policy(rule: Rule) -> pp.ResourceValidationPolicy:
    def validate(args: pp.ResourceValidationArgs, report: pp.ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        view = _view(args.resource_type, args.name, args.urn, args.props, args.provider)
        _report(evaluate(rule, view, args.get_config(), stack_intent()), report, False)

    return pp.ResourceValidationPolicy(name=rule.name, description=rule.title, validate=validate,
                                       **_metadata(rule))


def stack_policy(rule: Rule) -> pp.StackValidationPolicy:
    def validate(args: pp.StackValidationArgs, report: pp.ReportViolation) -> None:
        views = [_view(r.resource_type, r.name, r.urn, r.props, r.provider,
                       r.property_dependencies) for r in args.resources]
        _report(evaluate(rule, views, args.get_config(), stack_intent()), report, True)

    return pp.StackValidationPolicy(name=rule.name, description=rule.title, validate=validate,
                                    **_metadata(rule))


def _metadata(rule: Rule) -> dict[str, Any]:
    schema = pp.PolicyConfigSchema(properties={k: dict(v) for k, v in rule.config.items()})
    return {
        "enforcement_level": _LEVELS[rule.enforcement] if rule.enforcement else None,
        "config_schema": schema if rule.config else None,
        "severity": _SEVERITIES[rule.severity],
        "remediation_steps": rule.remediation,
        "tags": [rule.id],
        "display_name": f"{rule.id} {rule.name}",
    }


def policies(rules: Sequence[Rule] | None = None) -> list[pp.Policy]:
    """One CrossGuard policy per rule that CrossGuard can run."""
    chosen = pack_rules() if rules is None else [r for r in rules if r.scope is not Scope.APP]
    return [stack_policy(r) if r.scope is Scope.STACK else resource_policy(r) for r in chosen]
