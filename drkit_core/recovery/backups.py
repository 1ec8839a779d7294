"""AWS Backup plans and selections: which stores they back up, how often, and where copies go."""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from drkit_core.recovery.view import Viewable, arn_region, block, get, identities, items, known

PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"

_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_UNIT = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class BackupRule:
    plan: str
    rule: str
    interval_seconds: int | None
    """Longest gap between two backups; None when the schedule cannot be read."""
    schedule: str
    continuous: bool
    retention_days: int | None
    copy_regions: tuple[str, ...]
    vault: str | None


def interval(schedule: str) -> int | None:
    """Longest gap between runs of an AWS cron or rate expression, in seconds."""
    text = schedule.strip()
    rate = _RATE.fullmatch(text)
    if rate:
        return int(rate[1]) * _UNIT[rate[2].rstrip("s")]
    if not (text.startswith("cron(") and text.endswith(")")):
        return None
    fields = text[5:-1].split()
    if len(fields) != 6:
        return None
    minute, hour, day, _month, weekday, _year = fields
    if day not in ("*", "?") or weekday not in ("*", "?"):
        return 7 * 86400 if day in ("*", "?") else 31 * 86400  # weekly or monthly at best
    hours = _field_gap(hour, 24)
    if hours is None:
        return None
    if hours == 1 and minute not in ("*",):
        minutes = _field_gap(minute, 60)
        return None if minutes is None else (minutes * 60 if minutes < 60 else 3600)
    return hours * 3600


def _field_gap(value: str, span: int) -> int | None:
    """Largest gap between the values a cron field selects (``*``: 1, ``0/4``: 4, ``3``: span)."""
    if value == "*":
        return 1
    if "/" in value:
        _start, step = value.split("/", 1)
        return int(step) if step.isdigit() and int(step) > 0 else None
    picked: list[int] = []
    for part in value.split(","):
        if part.isdigit():
            picked.append(int(part))
        elif "-" in part and all(p.isdigit() for p in part.split("-", 1)):
            low, high = map(int, part.split("-", 1))
            picked.extend(range(low, high + 1))
        else:
            return None
    picked = sorted(set(picked))
    gaps = [b - a for a, b in itertools.pairwise(picked)]
    return max([*gaps, span - picked[-1] + picked[0]])


def _rules(plan: Viewable) -> list[BackupRule]:
    found = []
    for rule in items(plan, "rules"):
        if not isinstance(rule, dict):
            continue
        schedule = str(known(rule.get("schedule")) or "cron(0 5 ? * * *)")  # AWS's default
        copies = tuple(region for copy in rule.get("copyActions") or []
                       if (region := arn_region(block(copy).get("destinationVaultArn"))))
        lifecycle = block(rule.get("lifecycle"))
        days = lifecycle.get("deleteAfter")
        found.append(BackupRule(
            plan=plan.name, rule=str(rule.get("ruleName") or "rule"),
            interval_seconds=interval(schedule), schedule=schedule,
            continuous=rule.get("enableContinuousBackup") in (True, "true"),
            retention_days=int(days) if isinstance(days, int | float) else None,
            copy_regions=copies, vault=known(rule.get("targetVaultName"))))
    return found


def _selects(selection: Viewable, store: Viewable) -> bool:
    names = identities(store)
    for pattern in items(selection, "resources"):
        if not isinstance(pattern, str):
            continue
        if pattern in names or any(fnmatch.fnmatchcase(n, pattern) for n in names):
            return True
        if ":db:" in pattern and pattern.rsplit(":db:", 1)[1] == store.props.get("identifier"):
            return True
    tags = store.props.get("tags")
    tags = tags if isinstance(tags, dict) else {}
    for condition in items(selection, "selectionTags"):
        if isinstance(condition, dict) and condition.get("type", "STRINGEQUALS") == \
                "STRINGEQUALS" and tags.get(condition.get("key")) == condition.get("value"):
            return True
    return False


def rules_for(store: Viewable, resources: Sequence[Viewable]) -> list[BackupRule]:
    """The backup rules of every plan whose selection picks ``store``."""
    plans = [r for r in resources if r.type == PLAN]
    found: list[BackupRule] = []
    for selection in (r for r in resources if r.type == SELECTION):
        if not _selects(selection, store):
            continue
        plan_id = get(selection, "planId")
        linked = set(selection.property_dependencies.get("planId", ()))
        for plan in plans:
            if plan.urn in linked or (plan_id and plan_id in identities(plan)):
                found.extend(_rules(plan))
    return found
