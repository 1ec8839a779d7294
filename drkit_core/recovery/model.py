"""The recovery model of an app: estimates per scenario, compared with the targets, and its
readiness level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drkit_core.recovery.facts import AppInput, Facts, gather
from drkit_core.recovery.figures import Figures
from drkit_core.recovery.protection import Scenario
from drkit_core.recovery.readiness import Readiness, readiness
from drkit_core.recovery.scenarios import Estimate, estimate


@dataclass(frozen=True)
class ScenarioResult:
    estimate: Estimate
    meets_rpo: bool | None
    """None when no RPO target is declared."""
    meets_rto: bool | None


@dataclass(frozen=True)
class Assessment:
    facts: Facts
    scenarios: dict[Scenario, ScenarioResult]
    readiness: Readiness

    @property
    def rpo_target(self) -> int | None:
        return self.facts.app.intent.rpo_seconds

    @property
    def rto_target(self) -> int | None:
        return self.facts.app.intent.rto_seconds

    def __getitem__(self, scenario: Scenario) -> ScenarioResult:
        return self.scenarios[scenario]


def meets(value: int | None, target: int | None) -> bool | None:
    """Whether an estimate meets a target: unbounded never does; no target, no answer."""
    if target is None:
        return None
    return value is not None and value <= target


def assess(app: AppInput, figures: Figures, today: date | None = None) -> Assessment:
    facts = gather(app, figures, today or date.today())
    estimates = {s: estimate(facts, s) for s in Scenario}
    results = {s: ScenarioResult(e, meets(e.rpo_seconds, app.intent.rpo_seconds),
                                 meets(e.rto_seconds, app.intent.rto_seconds))
               for s, e in estimates.items()}
    return Assessment(facts, results, readiness(facts, estimates))
