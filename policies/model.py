"""The rule model: what a rule is, what it sees, and how unknown values are handled.

A rule is written once and consumed by the CrossGuard pack (:mod:`policies.crossguard`), the
offline checker (:mod:`drkit.check`) and checkov adapters. So this module, and every rule module,
imports only the standard library, pyyaml and ``drkit.regions`` / ``drkit.findings``: no pulumi.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, cast

from drkit import regions
from drkit.findings import Enforcement, Severity

UNKNOWNS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
})
"""CrossGuard's sentinels for values not known during a preview (pulumi_policy.proxy)."""

SECRET_PLACEHOLDER = "drkit-offline-secret"
"""What the offline engine gives a program for a ``secure:`` config value (drkit.project)."""

TIERS = ("backup-restore", "pilot-light", "warm-standby", "active-active")
"""drkit.intent.Tier values, cheapest first (tests/test_rules_model.py keeps them in step)."""


class Scope(StrEnum):
    RESOURCE = "resource"
    """Sees one resource (CrossGuard ResourceValidationPolicy)."""
    STACK = "stack"
    """Sees every resource of one stack (CrossGuard StackValidationPolicy)."""
    APP = "app"
    """Sees the stacks of one app together: offline only (CrossGuard cannot read other stacks)."""


class Unknown(Exception):
    """A value a rule needs cannot be known offline or during a preview."""

    def __init__(self, where: str) -> None:
        super().__init__(f"{where} cannot be known before deployment")
        self.where = where


@dataclass(frozen=True)
class ResourceView:
    """What a rule sees of one resource, the same under CrossGuard and offline."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    """camelCase inputs (for stack rules: the outputs merged under the inputs)."""
    region: str | None = None
    """Own ``region``/``location``/``zone`` input, else the provider's region."""
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Input name -> URNs of the resources that input was computed from."""

    def get(self, path: str) -> Any:
        """The value at a dotted path (``settings.backupConfiguration.enabled``); ``None`` when
        absent; raises :class:`Unknown` when it (or a value on the way) is not known."""
        value: Any = self.props
        for depth, key in enumerate(path.split(".")):
            check_known(value, f'{self.type} "{self.name}" {".".join(path.split(".")[:depth])}')
            if isinstance(value, Sequence) and not isinstance(value, str):
                value = value[0] if value else None  # one-item block lists, as Pulumi sends them
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        check_known(value, f'{self.type} "{self.name}" {path}')
        return value

    def items(self, path: str) -> list[Any]:
        """A list input at ``path`` (a lone object counts as a one-item list)."""
        value = self.get(path)
        if value is None:
            return []
        if isinstance(value, Sequence) and not isinstance(value, str):
            for index, item in enumerate(value):
                check_known(item, f'{self.type} "{self.name}" {path}[{index}]')
            return list(value)
        return [value]

    @property
    def label(self) -> str:
        return f'{self.type} "{self.name}"'


def check_known(value: Any, where: str) -> Any:
    if isinstance(value, str) and (value in UNKNOWNS or value == SECRET_PLACEHOLDER):
        raise Unknown(where.strip())
    return value


def is_true(value: Any) -> bool:
    """Booleans may arrive as strings (provider inputs, config)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


@dataclass(frozen=True)
class Intent:
    """The DR intent a rule reads: the stack's ``drkit:`` config, else the rule's config."""

    app: str | None = None
    role: str | None = None
    tier: str | None = None
    rpo_seconds: int | None = None
    residency: frozenset[str] | None = None
    regions: tuple[str, str] | None = None
    """(primary, secondary) regions."""
    cloud: str | None = None
    """``aws`` or ``gcp`` (from ``drkit:regions``); None for programs without drkit config."""

    def tier_above(self, tier: str) -> bool | None:
        if self.tier not in TIERS:
            return None
        return TIERS.index(self.tier) > TIERS.index(tier)

    @classmethod
    def of(cls, intent: Any) -> Intent:
        """From a validated :class:`drkit.intent.DrIntent` (read by attribute: no import)."""
        return cls(app=intent.app, role=str(intent.role), tier=str(intent.tier),
                   rpo_seconds=intent.rpo_seconds, residency=frozenset(intent.residency),
                   regions=(intent.regions.primary, intent.regions.secondary),
                   cloud=str(intent.cloud))

    def with_config(self, config: Mapping[str, Any]) -> Intent:
        """Fill what the stack does not say from the rule's config (``role``, ``tier``, ``rpo``),
        so rules also judge programs that never heard of drkit."""
        rpo = self.rpo_seconds
        if rpo is None and config.get("rpo"):
            from drkit.intent import parse_duration  # the one duration syntax

            rpo = parse_duration(str(config["rpo"]))
        return replace(self, role=self.role or config.get("role"),
                       tier=self.tier or config.get("tier"), rpo_seconds=rpo)


def region_of(props: Mapping[str, Any], provider_props: Mapping[str, Any] | None) -> str | None:
    """A resource's own ``region``/``location``/``zone`` input, else its provider's region
    (the offline engine's rule, drkit.engine.recorder, for CrossGuard's view of a resource)."""
    own = regions.own_region(props)
    if own:
        return own
    region = (provider_props or {}).get("region")
    return region if isinstance(region, str) and region else None


@dataclass(frozen=True)
class Context:
    """What a check gets beside the resource: its config, the intent, the stack's resources."""

    config: Mapping[str, Any]
    intent: Intent = field(default_factory=Intent)
    resources: Sequence[ResourceView] = ()
    """Stack rules: every resource of the stack."""
    stacks: Mapping[str, Sequence[ResourceView]] = field(default_factory=dict)
    """App rules: each stack's resources by role (``primary``, ``secondary``)."""
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Indexes a check builds once over ``resources`` (see policies.rules.refs)."""


@dataclass(frozen=True)
class Violation:
    message: str
    urn: str | None = None
    unknown: bool = False
    stack: str | None = None
    """App rules: the role of the stack the resource belongs to."""


ResourceCheck = Callable[[ResourceView, Context], Iterable[str]]
StackCheck = Callable[[Context], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """One DR rule: stable ID, CrossGuard name, "Ensure ..." title and a plain check function."""

    id: str
    name: str
    title: str
    severity: Severity
    types: tuple[str, ...]
    remediation: str
    check: ResourceCheck | StackCheck
    scope: Scope = Scope.RESOURCE
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """JSON-schema properties, each with a ``default`` (CrossGuard's ``config_schema``)."""
    enforcement: Enforcement | None = None
    """Default level; None means the pack's (mandatory)."""

    def defaults(self) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.config.items() if "default" in spec}

    def applies_to(self, token: str) -> bool:
        return "*" in self.types or token in self.types


def evaluate_resource(rule: Rule, view: ResourceView, ctx: Context) -> list[Violation]:
    """Run a resource rule; messages reported before an unknown value are kept (as CrossGuard)."""
    found: list[Violation] = []
    try:
        for message in cast(ResourceCheck, rule.check)(view, ctx):
            found.append(Violation(str(message), view.urn))
    except Unknown as unknown:
        found.append(Violation(str(unknown), view.urn, unknown=True))
    return found


def evaluate_stack(rule: Rule, ctx: Context) -> list[Violation]:
    found: list[Violation] = []
    try:
        found.extend(cast(StackCheck, rule.check)(ctx))
    except Unknown as unknown:
        found.append(Violation(str(unknown), None, unknown=True))
    return found
