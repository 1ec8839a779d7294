"""What the model knows of an app before it estimates anything: its regions, data sets,
compute groups, traffic entry, automation and alarms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from drkit_core.intent import Intent, Role, Tier
from drkit_core.recovery import platform
from drkit_core.recovery.datasets import datasets
from drkit_core.recovery.figures import Figures
from drkit_core.recovery.platform import Entry, Group, Watch
from drkit_core.recovery.protection import DataSet
from drkit_core.recovery.view import Viewable


@dataclass(frozen=True)
class StackInput:
    """One stack of the app as the model reads it."""

    name: str
    role: Role | None
    resources: Sequence[Viewable]


@dataclass(frozen=True)
class AppInput:
    """An app: its stacks (one for a program without ``drkit:app``) and its declared intent
    (``rpo_seconds``/``rto_seconds`` are the targets; None when not declared)."""

    app: str
    project: str
    intent: Intent
    stacks: Sequence[StackInput]


@dataclass(frozen=True)
class Facts:
    app: AppInput
    figures: Figures
    active: str | None
    """The region that holds the writer now: what region loss takes away."""
    standby: str | None
    """The region the app recovers into."""
    datasets: list[DataSet]
    groups: list[Group]
    entry: Entry | None
    automation: set[str]
    alarms: list[Watch]
    today: date

    @property
    def cloud(self) -> str | None:
        if self.app.intent.cloud:
            return self.app.intent.cloud
        packages = {v.type.split(":", 1)[0] for s in self.app.stacks for v in s.resources}
        clouds = packages & {"aws", "gcp"}
        return clouds.pop() if len(clouds) == 1 else None

    @property
    def tier(self) -> Tier | None:
        return self.app.intent.tier

    @property
    def switched(self) -> bool:
        """The app's stacks say which region is active (``drkit:active``): a failover is
        made in code by changing it."""
        return bool(self.app.stacks) and all(s.role is not None for s in self.app.stacks)

    def stack_of(self, role: Role) -> str | None:
        """The name of the app's stack with ``role``."""
        return next((s.name for s in self.app.stacks if s.role is role), None)


def _regions(app: AppInput, sets: list[DataSet], groups: list[Group],
             views: list[Viewable]) -> tuple[str | None, str | None]:
    intent = app.intent
    if intent.regions is not None:
        other = Role.SECONDARY if intent.active is Role.PRIMARY else Role.PRIMARY
        return intent.regions.of(intent.active), intent.regions.of(other)
    writers = [d.source.region for d in sets if d.source.region]
    counted = Counter(writers or [g.region for g in groups if g.region]
                      or [v.region for v in views if v.region])
    active = counted.most_common(1)[0][0] if counted else None
    others = Counter(r for r in [*(s.region for d in sets for s in d.replicas),
                                 *(p.region for d in sets for p in d.protections),
                                 *(g.region for g in groups)] if r and r != active)
    return active, (others.most_common(1)[0][0] if others else None)


def gather(app: AppInput, figures: Figures, today: date) -> Facts:
    stacks = [(s.name, list(s.resources)) for s in app.stacks]
    views = [v for _, vs in stacks for v in vs]
    provisional = datasets(stacks, figures, None)
    found_groups = platform.groups(stacks)
    active, standby = _regions(app, provisional, found_groups, views)
    return Facts(app=app, figures=figures, active=active, standby=standby,
                 datasets=datasets(stacks, figures, active), groups=found_groups,
                 entry=platform.entry(views), automation=platform.automation(views),
                 alarms=platform.alarms(views), today=today)
