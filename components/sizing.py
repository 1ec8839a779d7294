"""The rules that turn a stack's DR intent into sizes, written once for every cloud:
:func:`standby_capacity` (how much compute a region runs) and :func:`backup_interval_hours`
(how often to back up to meet the RPO)."""

from __future__ import annotations

import math

from components.args import Args, arg, between, satisfies
from components.base import ConfigError
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role, Tier

WARM_STANDBY_FRACTION = 0.5
"""Share of full capacity a warm standby runs. Half keeps the standby able to take real traffic
at once (REL13: RTO minutes) while it scales out, for half the steady cost."""


class Capacity(Args):
    """Instance counts of a compute tier."""

    min: int = arg(doc="Instances always running.", allowed=between(0))
    desired: int = arg(doc="Instances to run now (AWS; GCP's autoscaler decides itself).",
                       allowed=between(0))
    max: int = arg(doc="Most instances the tier may scale out to.", allowed=between(1))

    def ordered(self) -> bool:
        return self.min <= self.desired <= self.max


ORDERED = satisfies(lambda v: isinstance(v, Capacity) and v.ordered(),
                    "0 <= min <= desired <= max and max >= 1")
"""What a full capacity input allows."""


def standby_capacity(intent: DrIntent, full: Capacity) -> Capacity:
    """The capacity one region runs: the active region (``drkit:active``) runs ``full``; the
    passive one, by tier.

    backup-restore and pilot-light run no compute (0/0) while passive; warm-standby runs
    :data:`WARM_STANDBY_FRACTION` of full, at least 1; active-active runs full. ``max`` stays
    full everywhere, and switching ``drkit:active`` gives the region that takes over full
    capacity in the same ``pulumi up`` that promotes its database.
    """
    if intent.role is Role.GLOBAL:
        raise ConfigError([invalid("drkit:role", intent.role.value,
                                   "a global stack runs no compute tier")])
    if intent.is_active or intent.tier is Tier.ACTIVE_ACTIVE:
        return full
    if intent.tier is Tier.WARM_STANDBY:
        reduced = max(1, math.ceil(full.min * WARM_STANDBY_FRACTION))
        desired = max(reduced, math.ceil(full.desired * WARM_STANDBY_FRACTION))
        return Capacity(min=reduced, desired=min(desired, full.max), max=full.max)
    return Capacity(min=0, desired=0, max=full.max)


def backup_interval_hours(rpo_seconds: int) -> int:
    """Hours between scheduled backups that meet an RPO: the longest divisor of 24 not above
    the RPO, at least 1 (hourly is the shortest schedule backup services offer).

    An RPO under an hour cannot be met by schedules: the stores' own point-in-time recovery
    (RDS automated backups, object versions) covers it.
    """
    hours = rpo_seconds // 3600
    return max(d for d in (1, 2, 3, 4, 6, 8, 12, 24) if d <= max(hours, 1))
