"""Readiness level 0-4 of an app, with the evidence for it and what the next level needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from drkit_core.recovery.facts import Facts
from drkit_core.recovery.protection import UNDO_KINDS, Scenario
from drkit_core.recovery.scenarios import Estimate

DRILL_DAYS = 90

LEVELS = {
    0: "some data has no way back from corruption, or no data store is declared",
    1: "every data store is backed up",
    2: "backed up, and restorable outside the active region",
    3: "restorable outside the active region, with automated and monitored recovery",
    4: "automated and monitored, and active-active or drilled within 90 days",
}


@dataclass(frozen=True)
class Readiness:
    level: int
    evidence: list[str]
    next: list[str]


_HOW = {"detect": "health checks on the traffic entry",
        "promote": "an AWS ARC Region switch plan (RDS promotion, Aurora global failover)",
        "restore": "a replica in the other region",
        "scale": "autoscaling or full capacity in the standby region",
        "switch-traffic": "health-checked failover records or capacity in both regions"}


def _backed_up(facts: Facts, evidence: list[str], missing: list[str]) -> None:
    if not facts.datasets:
        missing.append("declare the app's data stores (no database, table or bucket found)")
    for dataset in facts.datasets:
        undo = [p for p in dataset.protections if p.kind in UNDO_KINDS]
        if undo:
            evidence.append(f"{dataset.source.name}: {undo[0].mechanism}")
        else:
            missing.append(f"{dataset.source.name}: add backups, point-in-time recovery or "
                           "object versions (a replica copies a bad write)")


def _outside(facts: Facts, evidence: list[str], missing: list[str]) -> None:
    for dataset in facts.datasets:
        copies = [p for p in dataset.protections if p.region and p.region != facts.active]
        if dataset.source.region not in (None, facts.active):
            evidence.append(f"{dataset.source.name} lives outside {facts.active}")
        elif copies:
            evidence.append(f"{dataset.source.name}: {copies[0].mechanism}")
        else:
            missing.append(f"{dataset.source.name}: keep a replica or backup copies outside "
                           f"{facts.active or 'the active region'}")


def _automated(facts: Facts, region: Estimate, evidence: list[str], missing: list[str]) -> None:
    for step in region.steps:
        if not step.counts or step.name in ("decide", "adopt", "verify"):
            continue  # a person decides; adopting and verifying follow the steps before them
        if step.automatic:
            evidence.append(f"region loss: {step.name} runs by itself ({step.source})")
        else:
            missing.append(f"region loss: automate {step.name} ({step.detail}), e.g. with "
                           f"{_HOW.get(step.name, 'automation')}")
    watched = {w.what for w in facts.alarms}
    replicated = any(r.needs_promotion or r.service in ("rds", "cloudsql", "aurora")
                     for d in facts.datasets for r in d.replicas)
    backed = any(p.kind.name in ("BACKUP", "BACKUP_COPY") for d in facts.datasets
                 for p in d.protections)
    for what, needed, hint in (
            ("replication", replicated, "alarm on replica lag (CloudWatch ReplicaLag, Cloud "
                                        "Monitoring replica_lag)"),
            ("backups", backed, "alarm on failed backup jobs (AWS Backup events or vault "
                                "notifications, a Cloud Monitoring alert)")):
        if not needed:
            continue
        names = [w.name for w in facts.alarms if w.what == what]
        if what in watched:
            evidence.append(f"{what} watched by {', '.join(names)}")
        else:
            missing.append(f"add an {hint}")


def _level_four(facts: Facts, region: Estimate, evidence: list[str],
                missing: list[str]) -> None:
    promotes = [n for n in region.critical_path if n in ("promote", "restore")]
    if not promotes:
        evidence.append("active-active: no promotion or restore on the region-loss critical "
                        "path")
        return
    drill = facts.app.intent.last_drill
    if drill is not None and facts.today - drill <= timedelta(days=DRILL_DAYS):
        evidence.append(f"drill recorded on {drill.isoformat()} (drkit:lastDrill), within "
                        f"{DRILL_DAYS} days")
        return
    when = f"the last, {drill.isoformat()}, is older than {DRILL_DAYS} days" if drill else \
        "none recorded"
    missing.append(f"run a failover drill and record its date in drkit:lastDrill ({when}), or "
                   "go active-active (no promotion on the critical path)")


def readiness(facts: Facts, estimates: dict[Scenario, Estimate]) -> Readiness:
    evidence: list[str] = []
    checks = (
        lambda e, m: _backed_up(facts, e, m),
        lambda e, m: _outside(facts, e, m),
        lambda e, m: _automated(facts, estimates[Scenario.REGION_LOSS], e, m),
        lambda e, m: _level_four(facts, estimates[Scenario.REGION_LOSS], e, m),
    )
    level = 0
    for check in checks:
        found: list[str] = []
        missing: list[str] = []
        check(found, missing)
        if missing:
            return Readiness(level, evidence, missing)
        evidence.extend(found)
        level += 1
    return Readiness(level, evidence, [])

