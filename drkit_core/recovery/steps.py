"""Recovery steps and the critical path through them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One step of a recovery: how long it takes, whether a person runs it, what it waits for."""

    name: str
    seconds: int | None
    """None: unknown or impossible (no figure, nothing to recover from)."""
    automatic: bool
    after: tuple[str, ...]
    source: str
    """How ``seconds`` is made: figures, health-check settings, schedules."""
    detail: str
    """What happens, for people."""
    resources: tuple[str, ...] = ()
    counts: bool = True
    """False for follow-up work after service is back (adopting an automated failover in
    code): listed, but not part of the RTO."""


@dataclass(frozen=True)
class Path:
    seconds: int | None
    steps: tuple[str, ...]


def critical_path(steps: Sequence[Step]) -> Path:
    """The longest chain of counted steps (parallel steps overlap): the RTO. A chain through a
    step of unknown length is unknown (None) and wins."""
    counted = {s.name: s for s in steps if s.counts}
    finish: dict[str, float] = {}
    previous: dict[str, str | None] = {}

    visiting: set[str] = set()

    def end(name: str) -> float:
        if name in visiting:
            raise ValueError(f"recovery steps wait for each other in a cycle through {name}")
        if name not in finish:
            visiting.add(name)
            step = counted[name]
            before = [(end(a), a) for a in step.after if a in counted]
            start, prior = max(before, default=(0.0, None))
            own = float("inf") if step.seconds is None else step.seconds
            finish[name], previous[name] = start + own, prior
            visiting.discard(name)
        return finish[name]

    if not counted:
        return Path(0, ())
    last = max(counted, key=lambda n: (end(n), -list(counted).index(n)))
    chain = []
    cursor: str | None = last
    while cursor is not None:
        chain.append(cursor)
        cursor = previous[cursor]
    total = finish[last]
    return Path(None if total == float("inf") else int(total), tuple(reversed(chain)))
