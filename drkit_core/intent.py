"""DR intent: what a stack promises, read from the ``drkit:`` namespace of its config.

Parsed once, here, into typed values. Two readings of the same keys:

- :class:`Intent`: whatever the stack declares, every key optional. ``drkit check`` reads any
  program's stack this way; a rule uses what is declared and falls back to its own config.
- :class:`DrIntent`: the complete intent a program built on drkit's components needs; a missing
  key is an error.

Either way every declared value is validated, and every problem names the key, the value and
what is allowed, all at once.

Example stack config (``Pulumi.primary.yaml``)::

    config:
      drkit:app: shop
      drkit:role: primary                 # primary | secondary | global
      drkit:tier: warm-standby            # backup-restore | pilot-light | warm-standby |
                                          # active-active
      drkit:active: primary               # which region holds the writer now
      drkit:rpo: 15m
      drkit:rto: 1h
      drkit:residency: eu                 # a jurisdiction, a list of them, or "any"
      drkit:regions: {primary: eu-west-1, secondary: eu-central-1}
      drkit:stacks: {primary: primary, secondary: secondary}   # the app's stacks (every stack)
      drkit:protect: true                 # protect stateful resources (default true)
      drkit:lastDrill: "2026-11-20"       # date of the last recorded failover drill
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from drkit_core import regions
from drkit_core.durations import parse_duration
from drkit_core.errors import ConfigError, invalid
from drkit_core.regions import Cloud
from drkit_core.wire import parse_bool

NAMESPACE = "drkit"


class Role(StrEnum):
    """What a stack is in its app: one of the two regions, or the global entry."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    GLOBAL = "global"


class Tier(StrEnum):
    """AWS Well-Architected REL13 disaster-recovery strategies, cheapest first."""

    BACKUP_RESTORE = "backup-restore"
    PILOT_LIGHT = "pilot-light"
    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"

    def above(self, other: Tier) -> bool:
        order = list(Tier)
        return order.index(self) > order.index(other)


REGION_ROLES = (Role.PRIMARY, Role.SECONDARY)
"""The roles that name a region (and the values ``drkit:active`` allows)."""

KNOWN_KEYS = ("app", "cloud", "role", "tier", "active", "rpo", "rto", "residency", "regions",
              "stacks", "protect", "lastDrill")
REQUIRED_KEYS = ("app", "role", "tier", "rpo", "rto", "residency", "regions")
"""What a program built on drkit's components needs (:class:`DrIntent`)."""

_APP_NAME = re.compile(r"[a-z][a-z0-9-]{1,30}[a-z0-9]", re.ASCII)


@dataclass(frozen=True)
class Regions:
    primary: str
    secondary: str

    def of(self, role: Role) -> str:
        """The region of ``role`` (primary or secondary)."""
        return self.primary if role is Role.PRIMARY else self.secondary


@dataclass(frozen=True)
class StackNames:
    """Names of the app's other stacks, as given to ``pulumi.StackReference``."""

    primary: str | None = None
    secondary: str | None = None


@dataclass(frozen=True, kw_only=True)
class Intent:
    """What a stack's ``drkit:`` config declares; any key may be missing (None)."""

    app: str | None = None
    cloud: Cloud | None = None
    role: Role | None = None
    tier: Tier | None = None
    active: Role = Role.PRIMARY
    """Which region holds the writer now: ``primary`` in steady state, ``secondary`` after a
    failover. Set the same in every stack of the app."""
    rpo_seconds: int | None = None
    rto_seconds: int | None = None
    residency: frozenset[str] | None = None
    regions: Regions | None = None
    stacks: StackNames = field(default_factory=StackNames)
    protect: bool = True
    last_drill: date | None = None
    """When the app's failover was last drilled (``drkit:lastDrill``): readiness level 4
    counts a drill within 90 days."""

    @property
    def declared(self) -> bool:
        """False for a stack without any ``drkit:`` key."""
        return self != Intent()

    @property
    def region(self) -> str | None:
        """This stack's own region; None for the global stack or when unknown."""
        if self.regions is None or self.role not in REGION_ROLES:
            return None
        return self.regions.of(self.role)

    @property
    def peer_region(self) -> str | None:
        """The other region of the pair (the secondary's for the primary and global stacks)."""
        if self.regions is None:
            return None
        return self.regions.primary if self.role is Role.SECONDARY else self.regions.secondary

    @property
    def is_active(self) -> bool:
        """True when this stack's region holds the writer now (``drkit:active``)."""
        return self.role is self.active

    @property
    def passive(self) -> Role:
        """The region role that does not hold the writer now: it runs a replica of the active
        region's data and its tier per ``drkit:tier``."""
        return Role.SECONDARY if self.active is Role.PRIMARY else Role.PRIMARY

    def stack_of(self, role: Role) -> str | None:
        """The stack name of a region role (``drkit:stacks``), for a StackReference."""
        return self.stacks.primary if role is Role.PRIMARY else self.stacks.secondary

    def tier_above(self, tier: Tier) -> bool | None:
        """Whether the declared tier is above ``tier``; None when no tier is declared."""
        return None if self.tier is None else self.tier.above(tier)

    @classmethod
    def from_config(cls, values: Mapping[str, Any]) -> Intent:
        """Validate the keys a stack declares (keys without the ``drkit:`` prefix); object
        values may be JSON strings, as Pulumi passes them to programs."""
        return _Validator(values, complete=False).intent(cls)


@dataclass(frozen=True, kw_only=True)
class DrIntent(Intent):
    """The complete intent of a stack built on drkit's components: every required key set."""

    app: str
    cloud: Cloud
    role: Role
    tier: Tier
    rpo_seconds: int
    rto_seconds: int
    residency: frozenset[str]
    regions: Regions

    @property
    def peer_region(self) -> str:
        return self.regions.primary if self.role is Role.SECONDARY else self.regions.secondary

    @classmethod
    def from_config(cls, values: Mapping[str, Any]) -> DrIntent:
        """Validate a complete intent: every key of :data:`REQUIRED_KEYS` must be set."""
        intent = _Validator(values, complete=True).intent(cls)
        assert isinstance(intent, DrIntent)
        return intent


def namespace_values(config: Mapping[str, Any], namespace: str = NAMESPACE) -> dict[str, Any]:
    """The ``namespace:key`` entries of a stack's whole config, without the prefix."""
    prefix = namespace + ":"
    return {key[len(prefix):]: value for key, value in config.items()
            if isinstance(key, str) and key.startswith(prefix)}


_HELP = {
    "app": "the application's name, e.g. shop",
    "role": "allowed: primary, secondary, global",
    "tier": "allowed: " + ", ".join(t.value for t in Tier),
    "rpo": "the recovery point objective, e.g. 15m",
    "rto": "the recovery time objective, e.g. 1h",
    "residency": "a jurisdiction such as eu, us, uk, de, or any",
    "regions": "an object {primary: REGION, secondary: REGION}",
}


class _Validator:
    """Collects every problem in one pass so a person fixes them all at once."""

    def __init__(self, values: Mapping[str, Any], complete: bool) -> None:
        self.values = values
        self.complete = complete
        self.problems: list[str] = []

    def fail(self, key: str, value: Any, allowed: str) -> None:
        self.problems.append(invalid(f"{NAMESPACE}:{key}", value, allowed))

    def given(self, key: str) -> bool:
        return key in self.values and self.values[key] != ""

    def intent(self, cls: type[Intent]) -> Intent:
        for key in sorted(set(self.values) - set(KNOWN_KEYS), key=str):
            self.problems.append(
                f"{NAMESPACE}:{key}: unknown key; allowed keys: {', '.join(KNOWN_KEYS)}")
        if self.complete:
            for key in REQUIRED_KEYS:
                if not self.given(key):
                    self.problems.append(f"{NAMESPACE}:{key}: missing; {_HELP[key]}")
        role = self.choice("role", Role)
        pair = self.region_pair()
        residency = self.residency()
        cloud = self.cloud(pair)
        found: dict[str, Any] = dict(
            app=self.app(), cloud=cloud, role=role, tier=self.choice("tier", Tier),
            active=self.active(), rpo_seconds=self.duration("rpo"),
            rto_seconds=self.duration("rto"), residency=residency, regions=pair,
            stacks=self.stacks(role), protect=self.boolean("protect", default=True),
            last_drill=self.day("lastDrill"))
        if pair and residency:
            self.check_residency(pair, residency)
        if self.problems:
            raise ConfigError(self.problems)
        return cls(**found)

    def app(self) -> str | None:
        if not self.given("app"):
            return None
        value = self.values["app"]
        if not isinstance(value, str) or not _APP_NAME.fullmatch(value):
            self.fail("app", value, "allowed: 3-32 lower-case letters, digits and dashes, "
                      "starting with a letter (it prefixes resource names)")
            return None
        return value

    def choice(self, key: str, enum: type[Role] | type[Tier]) -> Any:
        if not self.given(key):
            return None
        value = self.values[key]
        try:
            return enum(value)
        except ValueError:
            self.fail(key, value, f"allowed: {', '.join(m.value for m in enum)}")
            return None

    def active(self) -> Role:
        if not self.given("active"):
            return Role.PRIMARY
        value = self.values["active"]
        if value not in [r.value for r in REGION_ROLES]:
            self.fail("active", value, "allowed: primary, secondary (the region that holds the "
                      "writer now; set the same value in every stack of the app)")
            return Role.PRIMARY
        return Role(value)

    def duration(self, key: str) -> int | None:
        if not self.given(key):
            return None
        value = self.values[key]
        try:
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ValueError(value)
            return parse_duration(str(value))
        except ValueError:
            self.fail(key, value, "allowed: a positive duration such as 30s, 15m, 4h, 1d, 1h30m")
            return None

    def day(self, key: str) -> date | None:
        if not self.given(key):
            return None
        value = self.values[key]
        try:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, value, "allowed: a date YYYY-MM-DD (quote it in YAML)")
            return None

    def boolean(self, key: str, default: bool) -> bool:
        if not self.given(key):
            return default
        value = self.values[key]
        parsed = parse_bool(value)
        if parsed is None:
            self.fail(key, value, "allowed: true or false")
            return default
        return parsed

    def obj(self, key: str) -> Any:
        value = self.values.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def residency(self) -> frozenset[str] | None:
        if not self.given("residency"):
            return None
        value = self.obj("residency")
        items = [value] if isinstance(value, str) else value
        known = regions.known_jurisdictions()
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            self.fail("residency", value, "allowed: a jurisdiction or a list of them")
            return None
        bad = [i for i in items if i not in known]
        if bad:
            self.fail("residency", value, f"unknown jurisdiction {', '.join(bad)}; allowed: "
                      f"{', '.join(sorted(known))}")
            return None
        if regions.ANY in items and len(items) > 1:
            self.fail("residency", value, '"any" cannot be combined with other jurisdictions')
            return None
        return frozenset(items)

    def region_pair(self) -> Regions | None:
        if not self.given("regions"):
            return None
        value = self.obj("regions")
        if not isinstance(value, dict):
            self.fail("regions", value, "allowed: an object with keys primary and secondary")
            return None
        ok = True
        for role in REGION_ROLES:
            name = value.get(role.value)
            location = regions.lookup(name) if isinstance(name, str) else None
            if location is None or location.kind != "region":
                self.fail(f"regions.{role}", name, "allowed: an AWS or GCP region name such as "
                          "eu-west-1 or europe-west1")
                ok = False
        extra = sorted(set(value) - {"primary", "secondary"}, key=str)
        if extra:
            self.fail("regions", value, f"unknown keys {', '.join(map(str, extra))}; "
                      "allowed: primary, secondary")
            ok = False
        if not ok:
            return None
        if value["primary"] == value["secondary"]:
            self.fail("regions.secondary", value["secondary"],
                      "it must differ from regions.primary: a disaster takes out a whole region")
            return None
        return Regions(primary=value["primary"], secondary=value["secondary"])

    def cloud(self, pair: Regions | None) -> Cloud | None:
        declared = self.values.get("cloud")
        if declared not in (None, "", "aws", "gcp"):
            self.fail("cloud", declared, "allowed: aws, gcp")
            return None
        if pair is None:
            return declared or None
        clouds = {role: regions.cloud_of(pair.of(role)) for role in REGION_ROLES}
        expected = declared or clouds[Role.PRIMARY]
        for role, cloud in clouds.items():
            if cloud != expected:
                self.fail(f"regions.{role}", pair.of(role),
                          f"allowed: a region of {expected} (the stack's cloud)")
                return None
        return expected

    def stacks(self, role: Role | None) -> StackNames:
        value = self.obj("stacks") if self.given("stacks") else {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail("stacks", value, "allowed: an object mapping primary / secondary to stack "
                      "names such as org/project/primary")
            return StackNames()
        extra = sorted(set(value) - {"primary", "secondary"}, key=str)
        if extra:
            self.fail("stacks", value, f"unknown keys {', '.join(map(str, extra))}; "
                      "allowed: primary, secondary")
        # Each region's stack reads the other's outputs while it is passive (drkit:active names
        # the other); the global stack reads both.
        needed = {Role.PRIMARY: ("secondary",), Role.SECONDARY: ("primary",),
                  Role.GLOBAL: ("primary", "secondary")}
        for other in needed.get(role, ()) if role and self.complete else ():
            if not value.get(other):
                self.problems.append(
                    f"{NAMESPACE}:stacks.{other}: missing; a {role} stack reads the {other} "
                    f"stack's outputs through a StackReference, so name that stack "
                    f"(for example {other} or org/project/{other})")
        return StackNames(primary=value.get("primary"), secondary=value.get("secondary"))

    def check_residency(self, pair: Regions, residency: frozenset[str]) -> None:
        if regions.ANY in residency:
            return
        for role in REGION_ROLES:
            name = pair.of(role)
            if not regions.within(name, residency):
                location = regions.lookup(name)
                held = ", ".join(sorted(location.jurisdictions)) if location else "unknown"
                self.fail(f"regions.{role}", name,
                          f"it lies in {held}, outside drkit:residency "
                          f"({', '.join(sorted(residency))})")
