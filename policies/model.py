"""The rule model: what a rule is, what it sees, and how unknown values are handled.

A rule is written once and run by :func:`evaluate`, the one function every consumer calls: the
CrossGuard pack (:mod:`policies.crossguard`), the offline checker (:mod:`drkit.checkers.rules`),
drkit's checkov checks (:mod:`policies.checkov.adapter`) and the tests. So this module, and every
rule module, imports only the standard library and :mod:`drkit_core`: no pulumi (checkov's
virtualenv imports them too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, cast

from drkit_core.durations import parse_duration
from drkit_core.errors import DrkitError
from drkit_core.findings import Enforcement, Severity
from drkit_core.intent import Intent, Role, Tier
from drkit_core.wire import SECRET_PLACEHOLDER

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


def completed(intent: Intent, config: Mapping[str, Any]) -> Intent:
    """The intent a rule reads: what the stack declares, the rest from the rule's config
    (``role``, ``tier``, ``rpo``, ``jurisdictions``), so rules also judge programs that never
    heard of drkit."""
    rpo = intent.rpo_seconds
    if rpo is None and config.get("rpo"):
        rpo = parse_duration(str(config["rpo"]))
    residency = intent.residency
    if residency is None and config.get("jurisdictions"):
        residency = frozenset(str(j).lower() for j in config["jurisdictions"])
    return replace(intent,
                   role=intent.role or (Role(config["role"]) if config.get("role") else None),
                   tier=intent.tier or (Tier(config["tier"]) if config.get("tier") else None),
                   rpo_seconds=rpo, residency=residency)


@dataclass(frozen=True)
class Context:
    """What a check gets beside the resource: its config, the intent, the stack's resources."""

    config: Mapping[str, Any]
    intent: Intent = field(default_factory=Intent)
    """The stack's intent, completed from the rule's config (:func:`completed`)."""
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


@dataclass(frozen=True)
class Doc:
    """The documentation page a rule's constraint comes from."""

    title: str
    url: str

    def cite(self) -> str:
        """How a message names it: ``(RDS User Guide, "...": https://...)``."""
        return f"({self.title}: {self.url})"


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
    docs: Doc | None = None
    """Where the constraint is documented (the cloud API rules cite it in every message)."""

    def defaults(self) -> dict[str, Any]:
        return {key: spec["default"] for key, spec in self.config.items() if "default" in spec}

    def applies_to(self, token: str) -> bool:
        return "*" in self.types or token in self.types


Subject = ResourceView | Sequence[ResourceView] | Mapping[str, Sequence[ResourceView]]
"""What a rule judges: one resource (resource rules), a stack's resources (stack rules), or
each stack's resources by role (app rules)."""


class RuleInputError(DrkitError):
    """A rule met an input of a type no provider accepts (``backupRetentionPeriod: "seven"``)."""


def evaluate(rule: Rule, subject: Subject, config: Mapping[str, Any] | None = None,
             intent: Intent | None = None) -> list[Violation]:
    """Run one rule on ``subject``: the one way every consumer (the CrossGuard pack, the
    offline checker, the checkov adapter, tests) runs a rule.

    ``config`` overrides the rule's defaults; ``intent`` (what the stack declares) is completed
    from the config. Messages reported before a value turned out unknown are kept, as
    CrossGuard keeps them.
    """
    merged = {**rule.defaults(), **(config or {})}
    ctx = Context(config=merged, intent=completed(intent or Intent(), merged))
    try:
        if rule.scope is Scope.RESOURCE:
            assert isinstance(subject, ResourceView), f"{rule.id} judges one resource"
            return _resource(rule, subject, ctx)
        if rule.scope is Scope.APP:
            assert isinstance(subject, Mapping), f"{rule.id} judges stacks by role"
            return _stack(rule, replace(ctx, stacks=subject))
        views = [subject] if isinstance(subject, ResourceView) else list(
            cast(Sequence[ResourceView], subject))
        return _stack(rule, replace(ctx, resources=views))
    except (TypeError, ValueError) as error:
        where = subject.label if isinstance(subject, ResourceView) else "a resource"
        raise RuleInputError(f"{rule.id} {rule.name}: cannot judge {where}: an input has a "
                             f"value of the wrong type ({error})") from None


def _resource(rule: Rule, view: ResourceView, ctx: Context) -> list[Violation]:
    found: list[Violation] = []
    try:
        for message in cast(ResourceCheck, rule.check)(view, ctx):
            found.append(Violation(str(message), view.urn))
    except Unknown as unknown:
        found.append(Violation(str(unknown), view.urn, unknown=True))
    return found


def _stack(rule: Rule, ctx: Context) -> list[Violation]:
    found: list[Violation] = []
    try:
        found.extend(cast(StackCheck, rule.check)(ctx))
    except Unknown as unknown:
        found.append(Violation(str(unknown), None, unknown=True))
    return found
