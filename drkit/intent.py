"""DR intent: what a stack promises, read from the ``drkit:`` namespace of its config.

Every drkit component and rule reads the same :class:`DrIntent`. It is validated as a whole
before any resource is registered, and every problem names the key, the value and what is
allowed.

Example stack config (``Pulumi.primary.yaml``)::

    config:
      drkit:app: shop
      drkit:role: primary                 # primary | secondary | global
      drkit:tier: warm-standby            # backup-restore | pilot-light | warm-standby |
                                          # active-active
      drkit:rpo: 15m
      drkit:rto: 1h
      drkit:residency: eu                 # a jurisdiction, a list of them, or "any"
      drkit:regions: {primary: eu-west-1, secondary: eu-central-1}
      drkit:stacks: {primary: primary, secondary: secondary}   # needed by secondary and global
      drkit:protect: true                 # protect stateful resources (default true)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from drkit import regions
from drkit.errors import ConfigError
from drkit.regions import Cloud

NAMESPACE = "drkit"


class Role(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    GLOBAL = "global"


class Tier(StrEnum):
    """AWS Well-Architected REL13 disaster-recovery strategies, cheapest first."""

    BACKUP_RESTORE = "backup-restore"
    PILOT_LIGHT = "pilot-light"
    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"


KNOWN_KEYS = ("app", "cloud", "role", "tier", "rpo", "rto", "residency", "regions", "stacks",
              "protect")
REQUIRED_KEYS = ("app", "role", "tier", "rpo", "rto", "residency", "regions")

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_APP_NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
_UNITS = (86400, 3600, 60, 1)


def parse_duration(text: str) -> int:
    """Seconds in a duration such as ``30s``, ``15m``, ``4h``, ``1d`` or ``1h30m``.

    Raises ValueError for anything else, including zero.
    """
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise ValueError(text)
    seconds = sum(int(g) * unit for g, unit in zip(match.groups(), _UNITS, strict=True) if g)
    if seconds <= 0:
        raise ValueError(text)
    return seconds


def format_duration(seconds: int) -> str:
    """The shortest ``1h30m``-style text for a number of seconds."""
    parts = []
    for unit, suffix in zip(_UNITS, "dhms", strict=True):
        count, seconds = divmod(seconds, unit)
        if count:
            parts.append(f"{count}{suffix}")
    return "".join(parts) or "0s"


@dataclass(frozen=True)
class Regions:
    primary: str
    secondary: str


@dataclass(frozen=True)
class StackNames:
    """Names of the app's other stacks, as given to ``pulumi.StackReference``."""

    primary: str | None = None
    secondary: str | None = None


@dataclass(frozen=True)
class DrIntent:
    """The validated ``drkit:`` config of one stack."""

    app: str
    cloud: Cloud
    role: Role
    tier: Tier
    rpo_seconds: int
    rto_seconds: int
    residency: frozenset[str]
    regions: Regions
    stacks: StackNames = field(default_factory=StackNames)
    protect: bool = True

    @property
    def region(self) -> str | None:
        """This stack's own region; None for the global stack."""
        if self.role is Role.PRIMARY:
            return self.regions.primary
        if self.role is Role.SECONDARY:
            return self.regions.secondary
        return None

    @property
    def peer_region(self) -> str:
        """The other region of the pair (the secondary's for the primary and global stacks)."""
        return self.regions.primary if self.role is Role.SECONDARY else self.regions.secondary

    @classmethod
    def from_config(cls, values: Mapping[str, Any]) -> DrIntent:
        """Validate raw config values (keys without the ``drkit:`` prefix).

        Object values may be JSON strings, as Pulumi passes them to programs.
        """
        return _Validator(values).intent()

    @classmethod
    def load(cls) -> DrIntent:
        """Read and validate the current stack's ``drkit:`` config."""
        return cls.from_config(read_namespace())


def read_namespace(namespace: str = NAMESPACE) -> dict[str, str]:
    """Every ``namespace:key`` value of the running program's config, without the prefix."""
    from pulumi.runtime import config as runtime_config

    prefix = namespace + ":"
    # The language host (and set_all_config under mocks) fills CONFIG; PULUMI_CONFIG is the
    # environment fallback that pulumi.Config also reads.
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return {key[len(prefix):]: value for key, value in merged.items() if key.startswith(prefix)}


class _Validator:
    """Collects every problem in one pass so a person fixes them all at once."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.problems: list[str] = []

    def fail(self, key: str, value: Any, allowed: str) -> None:
        shown = json.dumps(value) if not isinstance(value, str) else f'"{value}"'
        self.problems.append(f"{NAMESPACE}:{key}: {shown} is not valid; {allowed}")

    def intent(self) -> DrIntent:
        for key in sorted(set(self.values) - set(KNOWN_KEYS)):
            self.problems.append(
                f"{NAMESPACE}:{key}: unknown key; allowed keys: {', '.join(KNOWN_KEYS)}")
        for key in REQUIRED_KEYS:
            if key not in self.values or self.values[key] in ("", None):
                self.problems.append(f"{NAMESPACE}:{key}: missing; {_HELP[key]}")
        app = self.app()
        role = self.choice("role", Role)
        tier = self.choice("tier", Tier)
        rpo = self.duration("rpo")
        rto = self.duration("rto")
        residency = self.residency()
        pair = self.region_pair()
        cloud = self.cloud(pair)
        stacks = self.stacks(role)
        protect = self.boolean("protect", default=True)
        if pair and residency and cloud:
            self.check_residency(pair, residency)
        if self.problems:
            raise ConfigError(self.problems)
        assert app and role and tier and rpo and rto and residency and pair and cloud
        return DrIntent(app=app, cloud=cloud, role=role, tier=tier, rpo_seconds=rpo,
                        rto_seconds=rto, residency=residency, regions=pair, stacks=stacks,
                        protect=protect)

    def app(self) -> str | None:
        value = self.values.get("app")
        if value in ("", None):
            return None
        if not isinstance(value, str) or not _APP_NAME.match(value):
            self.fail("app", value, "allowed: 3-32 lower-case letters, digits and dashes, "
                      "starting with a letter (it prefixes resource names)")
            return None
        return value

    def choice(self, key: str, enum: type[Role] | type[Tier]) -> Any:
        value = self.values.get(key)
        if value in ("", None):
            return None
        try:
            return enum(value)
        except ValueError:
            self.fail(key, value, f"allowed: {', '.join(m.value for m in enum)}")
            return None

    def duration(self, key: str) -> int | None:
        value = self.values.get(key)
        if value in ("", None):
            return None
        try:
            return parse_duration(str(value))
        except ValueError:
            self.fail(key, value, "allowed: a positive duration such as 30s, 15m, 4h, 1d, 1h30m")
            return None

    def boolean(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        self.fail(key, value, "allowed: true or false")
        return default

    def obj(self, key: str) -> Any:
        value = self.values.get(key)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return value
        return value

    def residency(self) -> frozenset[str] | None:
        value = self.obj("residency")
        if value in ("", None):
            return None
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
        if "any" in items and len(items) > 1:
            self.fail("residency", value, '"any" cannot be combined with other jurisdictions')
            return None
        return frozenset(items)

    def region_pair(self) -> Regions | None:
        value = self.obj("regions")
        if value in ("", None):
            return None
        if not isinstance(value, dict):
            self.fail("regions", value, "allowed: an object with keys primary and secondary")
            return None
        ok = True
        for role in ("primary", "secondary"):
            name = value.get(role)
            location = regions.lookup(name) if isinstance(name, str) else None
            if location is None or location.kind != "region":
                self.fail(f"regions.{role}", name, "allowed: an AWS or GCP region name such as "
                          "eu-west-1 or europe-west1")
                ok = False
        extra = sorted(set(value) - {"primary", "secondary"})
        if extra:
            self.fail("regions", value, f"unknown keys {', '.join(extra)}; "
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
        clouds = {role: regions.cloud_of(getattr(pair, role)) for role in ("primary", "secondary")}
        expected = declared or clouds["primary"]
        for role, cloud in clouds.items():
            if cloud != expected:
                self.fail(f"regions.{role}", getattr(pair, role),
                          f"allowed: a region of {expected} (the stack's cloud)")
                return None
        return expected

    def stacks(self, role: Role | None) -> StackNames:
        value = self.obj("stacks")
        if value in ("", None):
            value = {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail("stacks", value, "allowed: an object mapping primary / secondary to stack "
                      "names such as org/project/primary")
            return StackNames()
        extra = sorted(set(value) - {"primary", "secondary"})
        if extra:
            self.fail("stacks", value, f"unknown keys {', '.join(extra)}; "
                      "allowed: primary, secondary")
        needed = {Role.SECONDARY: ("primary",), Role.GLOBAL: ("primary", "secondary")}
        for other in needed.get(role, ()) if role else ():
            if not value.get(other):
                self.problems.append(
                    f"{NAMESPACE}:stacks.{other}: missing; a {role} stack reads the {other} "
                    f"stack's outputs through a StackReference, so name that stack "
                    f"(for example {other} or org/project/{other})")
        return StackNames(primary=value.get("primary"), secondary=value.get("secondary"))

    def check_residency(self, pair: Regions, residency: frozenset[str]) -> None:
        if "any" in residency:
            return
        for role in ("primary", "secondary"):
            name = getattr(pair, role)
            if not regions.within(name, residency):
                location = regions.lookup(name)
                held = ", ".join(sorted(location.jurisdictions)) if location else "unknown"
                self.fail(f"regions.{role}", name,
                          f"it lies in {held}, outside drkit:residency "
                          f"({', '.join(sorted(residency))})")


_HELP = {
    "app": "the application's name, e.g. shop",
    "role": "allowed: primary, secondary, global",
    "tier": "allowed: " + ", ".join(t.value for t in Tier),
    "rpo": "the recovery point objective, e.g. 15m",
    "rto": "the recovery time objective, e.g. 1h",
    "residency": "a jurisdiction such as eu, us, uk, de, or any",
    "regions": "an object {primary: REGION, secondary: REGION}",
}
