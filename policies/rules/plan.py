"""Recovery targets: the recovery model's estimates against ``drkit:rpo`` / ``drkit:rto``.

The model (:mod:`drkit_core.recovery`) estimates what each scenario (zone loss, loss of the
active region, data corruption) can lose and how long recovery takes. A stack that is an app of
its own (no ``drkit:role``) is judged alone, wherever the rules run (CrossGuard included); the
stacks of a drkit app are judged together by the app rules, in ``drkit check``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

from drkit_core.durations import format_duration, parse_duration
from drkit_core.findings import Severity
from drkit_core.intent import Intent, Role
from drkit_core.recovery import AppInput, Assessment, StackInput, assess, load
from drkit_core.recovery.datasets import STATEFUL_TYPES
from policies.model import Context, Rule, Scope, Violation

_CONFIG = {
    "rpo": {"type": "string", "description": "RPO (e.g. 15m) when the stack has no drkit:rpo"},
    "rto": {"type": "string", "description": "RTO (e.g. 1h) when the stack has no drkit:rto"},
    "figures": {"type": "string", "description": "A figures file with your measured values "
                                                 "(the format of drkit assess --figures)"},
}


def _shown(seconds: int | None) -> str:
    return "unbounded" if seconds is None else format_duration(seconds)


def _intent(ctx: Context) -> Intent:
    rto = ctx.intent.rto_seconds
    if rto is None and ctx.config.get("rto"):
        rto = parse_duration(str(ctx.config["rto"]))
    return replace(ctx.intent, rto_seconds=rto)


def _assess(ctx: Context, stacks: Sequence[StackInput]) -> Assessment:
    intent = _intent(ctx)
    figures = load(ctx.config.get("figures") or None)
    return assess(AppInput(intent.app or "app", "", intent, stacks), figures, date.today())


def _alone(ctx: Context) -> Assessment | None:
    """The stack as an app of its own; None for one stack of a drkit app (the app rules judge
    those together, in drkit check)."""
    if ctx.intent.role is not None:
        return None
    return _assess(ctx, [StackInput("stack", None, ctx.resources)])


def _together(ctx: Context) -> Assessment:
    stacks = [StackInput(role, Role(role), views) for role, views in ctx.stacks.items()]
    return _assess(ctx, stacks)


def _stack_of(ctx: Context, urn: str | None) -> str | None:
    return next((role for role, views in ctx.stacks.items()
                 if any(v.urn == urn for v in views)), None)


def rpo_findings(assessment: Assessment, ctx: Context) -> Iterator[Violation]:
    target = assessment.rpo_target
    for scenario, result in assessment.scenarios.items():
        if result.meets_rpo is not False or target is None:
            continue
        estimate = result.estimate
        worst = estimate.worst
        what = f"{worst.mechanism}" if worst else "no data store found"
        urn = worst.dataset.source.view.urn if worst else None
        yield Violation(
            f"{scenario}: the estimated RPO is {_shown(estimate.rpo_seconds)}, over the target "
            f"{_shown(target)}; it is set by {what}", urn, stack=_stack_of(ctx, urn))


def rto_findings(assessment: Assessment, ctx: Context) -> Iterator[Violation]:
    target = assessment.rto_target
    for scenario, result in assessment.scenarios.items():
        if result.meets_rto is not False or target is None:
            continue
        estimate = result.estimate
        path = " -> ".join(
            f"{name} {_shown(step.seconds)}{'' if step.automatic else ' (manual)'}"
            for name in estimate.critical_path if (step := estimate.step(name)))
        yield Violation(
            f"{scenario}: the estimated RTO is {_shown(estimate.rto_seconds)}, over the target "
            f"{_shown(target)}; critical path: {path}", None)


def stack_rpo(ctx: Context) -> Iterator[Violation]:
    found = _alone(ctx)
    if found is not None:
        yield from rpo_findings(found, ctx)


def stack_rto(ctx: Context) -> Iterator[Violation]:
    found = _alone(ctx)
    if found is not None:
        yield from rto_findings(found, ctx)


def app_rpo(ctx: Context) -> Iterator[Violation]:
    yield from rpo_findings(_together(ctx), ctx)


def app_rto(ctx: Context) -> Iterator[Violation]:
    yield from rto_findings(_together(ctx), ctx)


_RPO_FIX = ("Protect the data set named in the message better for that scenario: a replica or "
            "replication in another region (RTC / turbo for 15 minutes) for region loss; "
            "backups with point-in-time recovery or object versions for corruption. Or declare "
            "the RPO the design meets. `drkit assess` shows every data set and mechanism.")
_RTO_FIX = ("Shorten the critical path in the message: automate its manual steps (health-"
            "checked failover, an ARC Region switch plan, capacity in both regions), or declare "
            "the RTO the design meets. `drkit assess` shows every step and its source; "
            "`--figures` takes your measured durations.")
_TYPES = STATEFUL_TYPES

RULES = (
    Rule("DR-PLAN-001", "recovery-rpo",
         "Ensure the estimated data loss of each scenario meets the RPO", Severity.HIGH,
         _TYPES, _RPO_FIX, stack_rpo, scope=Scope.STACK, config=_CONFIG),
    Rule("DR-PLAN-002", "recovery-rto",
         "Ensure the estimated recovery time of each scenario meets the RTO", Severity.HIGH,
         _TYPES, _RTO_FIX, stack_rto, scope=Scope.STACK, config=_CONFIG),
    Rule("DR-APP-003", "app-recovery-rpo",
         "Ensure the app's estimated data loss in each scenario meets the RPO", Severity.HIGH,
         _TYPES, _RPO_FIX, app_rpo, scope=Scope.APP, config=_CONFIG),
    Rule("DR-APP-004", "app-recovery-rto",
         "Ensure the app's estimated recovery time in each scenario meets the RTO",
         Severity.HIGH, _TYPES, _RTO_FIX, app_rto, scope=Scope.APP, config=_CONFIG),
)
