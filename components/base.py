"""Inputs shared by every drkit component, on any cloud, and the rules every tier follows.

Every component takes ``(name, settings: DrSettings, args: <Component>Args, opts)``. The
settings carry the stack's :class:`~drkit_core.intent.DrIntent`, the tags and the protection flag,
so those look the same everywhere. The two rules that turn an intent into sizes also live here,
once: :func:`standby_capacity` (how much compute a region runs) and
:func:`backup_interval_hours` (how often to back up to meet the RPO).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from drkit_core import errors
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role, Tier, namespace_values

WARM_STANDBY_FRACTION = 0.5
"""Share of full capacity a warm standby runs. Half keeps the standby able to take real traffic
at once (REL13: RTO minutes) while it scales out, for half the steady cost."""


__all__ = ["ConfigError", "invalid"]


class ConfigError(errors.ConfigError, pulumi.RunError):
    """Invalid stack config or component input. A ``pulumi.RunError`` too, so a real
    ``pulumi up`` prints the message without a traceback, as drkit does."""


def config_values(namespace: str) -> dict[str, str]:
    """Every ``namespace:key`` value of the running program's stack config, without the
    prefix (the language host's config, else ``PULUMI_CONFIG``, as ``pulumi.Config`` reads)."""
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return namespace_values(merged, namespace)


def load_intent() -> DrIntent:
    """The running stack's complete ``drkit:`` intent; call it first, so a config mistake
    fails before any resource exists."""
    try:
        return DrIntent.from_config(config_values("drkit"))
    except errors.ConfigError as error:
        raise ConfigError(error.problems) from None


def raise_problems(problems: list[str]) -> None:
    """Raise one :class:`ConfigError` listing every problem, if there are any."""
    if problems:
        raise ConfigError(problems)


@dataclass(frozen=True)
class DrSettings:
    """What every component of one stack shares."""

    intent: DrIntent
    """The stack's validated ``drkit:`` config: app, role, tier, RPO/RTO, regions."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags, merged over the default ``drkit:*`` tags."""
    protect: bool | None = None
    """Protect stateful resources (databases, buckets, keys, vaults) against deletion.
    None means the intent's ``drkit:protect`` (true unless the stack opts out)."""

    @property
    def protected(self) -> bool:
        return self.intent.protect if self.protect is None else self.protect

    @property
    def all_tags(self) -> dict[str, str]:
        defaults = {"drkit:app": self.intent.app, "drkit:role": self.intent.role.value,
                    "drkit:tier": self.intent.tier.value}
        return {**defaults, **self.tags}

    def stateful(self, parent: pulumi.Resource, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child that holds data: protected unless the stack opts out."""
        return pulumi.ResourceOptions(parent=parent, protect=self.protected, **options)


@dataclass(frozen=True)
class Capacity:
    """Instance counts of a compute tier."""

    min: int
    desired: int
    max: int

    def problems(self, where: str) -> list[str]:
        if not 0 <= self.min <= self.desired <= self.max or self.max < 1:
            return [invalid(where, (self.min, self.desired, self.max),
                            "allowed: 0 <= min <= desired <= max and max >= 1")]
        return []


def standby_capacity(intent: DrIntent, full: Capacity) -> Capacity:
    """The capacity one region runs: the primary runs ``full``; the secondary, by tier.

    backup-restore and pilot-light run no compute (0/0) until failover; warm-standby runs
    :data:`WARM_STANDBY_FRACTION` of full, at least 1; active-active runs full. ``max`` stays
    full everywhere so a failover only has to raise ``min``/``desired``.
    """
    if intent.role is Role.GLOBAL:
        raise ConfigError(["drkit:role: a global stack runs no compute tier"])
    if intent.role is Role.PRIMARY or intent.tier is Tier.ACTIVE_ACTIVE:
        return full
    if intent.tier is Tier.WARM_STANDBY:
        reduced = max(1, math.ceil(full.min * WARM_STANDBY_FRACTION))
        desired = max(reduced, math.ceil(full.desired * WARM_STANDBY_FRACTION))
        return Capacity(min=reduced, desired=min(desired, full.max), max=full.max)
    return Capacity(min=0, desired=0, max=full.max)


def backup_interval_hours(rpo_seconds: int) -> int:
    """Hours between scheduled backups that meet an RPO: the longest divisor of 24 not above
    the RPO, at least 1 (hourly is the shortest schedule backup services offer).

    An RPO under an hour cannot be met by schedules; see :func:`needs_continuous_backup`.
    """
    hours = rpo_seconds // 3600
    return max(d for d in (1, 2, 3, 4, 6, 8, 12, 24) if d <= max(hours, 1))


def needs_continuous_backup(rpo_seconds: int) -> bool:
    """True when the RPO is shorter than the hourly schedule: point-in-time recovery needed."""
    return rpo_seconds < 3600
