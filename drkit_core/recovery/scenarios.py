"""Each scenario's estimate: the data every data set can lose, and the recovery steps."""

from __future__ import annotations

from dataclasses import dataclass

from drkit_core.recovery.facts import Facts
from drkit_core.recovery.platform import Group
from drkit_core.recovery.protection import UNDO_KINDS, DataSet, Protection, Scenario
from drkit_core.recovery.steps import Step, critical_path

_PROMOTE = {"rds": "rds.replica_promotion", "aurora": "aurora.global_failover",
            "cloudsql": "cloudsql.replica_promotion"}
_ARC_PROMOTE = {"rds": "RdsPromoteReadReplica", "aurora": "AuroraGlobalDatabase"}
_FAILOVER = {"rds": "rds.multi_az_failover", "aurora": "rds.cluster_failover",
             "cloudsql": "cloudsql.ha_failover"}
_RESTORE = {"rds": "rds.restore", "aurora": "rds.restore", "dynamodb": "dynamodb.restore",
            "cloudsql": "cloudsql.restore", "s3": "s3.version_restore",
            "gcs": "gcs.version_restore"}
_LAUNCH = {"asg": "ec2.launch", "mig": "gce.launch"}


@dataclass(frozen=True)
class DataEstimate:
    """What one data set can lose in a scenario, and by which mechanism."""

    dataset: DataSet
    rpo_seconds: int | None
    mechanism: str
    protection: Protection | None


@dataclass(frozen=True)
class Estimate:
    scenario: Scenario
    data: list[DataEstimate]
    steps: list[Step]
    rpo_seconds: int | None
    rto_seconds: int | None
    critical_path: tuple[str, ...]

    @property
    def worst(self) -> DataEstimate | None:
        """The data set that sets the RPO."""
        return max(self.data, key=_loss, default=None)

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)


def _loss(estimate: DataEstimate) -> float:
    return float("inf") if estimate.rpo_seconds is None else estimate.rpo_seconds


def _best(dataset: DataSet, usable: list[Protection], nothing: str) -> DataEstimate:
    if not usable:
        return DataEstimate(dataset, None, nothing, None)
    best = min(usable, key=lambda p: float("inf") if p.rpo_seconds is None else p.rpo_seconds)
    return DataEstimate(dataset, best.rpo_seconds, best.mechanism, best)


def affected(facts: Facts, dataset: DataSet) -> bool:
    """Whether losing the active region (or a zone of it) touches the data set's writer."""
    return dataset.source.region in (None, facts.active)


def data_estimate(facts: Facts, dataset: DataSet, scenario: Scenario) -> DataEstimate:
    source = dataset.source
    if scenario is Scenario.DATA_CORRUPTION:
        return _best(dataset, [p for p in dataset.protections if p.kind in UNDO_KINDS],
                     f"nothing undoes a bad write to {source.name}: no backups, point-in-time "
                     "recovery or object versions (replicas copy the bad write)")
    if not affected(facts, dataset):
        return DataEstimate(dataset, 0, f"{source.name} is outside {facts.active}", None)
    if scenario is Scenario.ZONE_LOSS:
        if source.zone_redundant:
            return DataEstimate(dataset, 0, f"{source.zone_redundant} of {source.name}", None)
        return _best(dataset, [p for p in dataset.protections if p.zone_safe],
                     f"{source.name} lives in one zone and has no copy outside it")
    usable = [p for p in dataset.protections if p.region and p.region != facts.active]
    return _best(dataset, usable, f"no copy of {source.name} outside {facts.active}")


class _Plan:
    """Steps being put together for one scenario."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.steps: dict[str, Step] = {}

    def figure(self, key: str) -> tuple[int | None, str]:
        return self.facts.figures.seconds(key), self.facts.figures[key].cited

    def add(self, step: Step) -> None:
        self.steps[step.name] = step

    def manual(self, name: str, seconds: int | None, source: str, after: tuple[str, ...],
               detail: str, resources: tuple[str, ...] = ()) -> None:
        own, cited = self.figure("operator.step")
        total = None if seconds is None or own is None else own + seconds
        self.add(Step(name, total, False, after, f"{cited} + {source}" if source else cited,
                      detail, resources))

    def slowest(self, keys: list[str] | set[str]) -> tuple[int | None, str]:
        """The longest of several figures (operations that run side by side)."""
        return self.figure(max(sorted(keys), key=lambda k: self.figure(k)[0] or 0))

    def has(self, name: str) -> bool:
        return name in self.steps

    def names(self, *wanted: str) -> tuple[str, ...]:
        return tuple(n for n in wanted if n in self.steps)

    def verify(self, health_seconds: int | None, health_source: str) -> None:
        after = tuple(n for n, s in self.steps.items() if s.counts)
        if all(s.automatic for s in self.steps.values()) and health_seconds is not None:
            self.add(Step("verify", health_seconds, True, after, health_source,
                          "the health checks report the app healthy again"))
        else:
            self.manual("verify", 0, "", after, "a person checks that the app serves reads and "
                        "writes")


def _launch(plan: _Plan, group: Group) -> tuple[int | None, str]:
    launch, cited = plan.figure(_LAUNCH[group.service])
    if launch is None or group.health is None:
        return launch, cited
    return launch + group.health.up_seconds, (
        f"{cited} + health check {group.health.name}: {group.health.healthy} x "
        f"{group.health.interval} s")


def zone_loss(facts: Facts) -> list[Step]:
    plan = _Plan(facts)
    active_groups = [g for g in facts.groups if g.region == facts.active]
    health = next((g.health for g in active_groups if g.health), None)
    if health is not None:
        plan.add(Step("detect", health.down_seconds, True, (),
                      f"health check {health.name}: {health.unhealthy} x {health.interval} s",
                      "the load balancer stops sending requests to the lost zone"))
    else:
        seconds, cited = plan.figure("operator.response")
        plan.add(Step("detect", seconds, False, (), cited,
                      "nothing checks the instances' health: a person notices"))
    hit = [d for d in facts.datasets if affected(facts, d)]
    standby = [d for d in hit if d.source.zone_redundant and d.source.service in _FAILOVER]
    if standby:
        seconds, cited = plan.slowest({_FAILOVER[d.source.service] for d in standby})
        plan.add(Step("promote", seconds, True, (), cited,
                      "the standby in another zone takes over (automatic failover)",
                      tuple(d.source.name for d in standby)))
    zonal = [d for d in hit if not d.source.zone_redundant]
    single = [g for g in active_groups if g.zones < 2]
    if zonal or single:
        seconds, cited = plan.figure("operator.response")
        plan.add(Step("decide", seconds, False, ("detect",), cited,
                      "a person decides how to bring back what lived only in the lost zone"))
    if zonal:
        lost = [d.source.name for d in zonal if not any(p.zone_safe for p in d.protections)]
        seconds, cited = (None, "no copy of " + ", ".join(lost) + " outside its zone") if lost \
            else plan.slowest([_RESTORE[d.source.service] for d in zonal])
        plan.manual("restore", seconds, cited, ("decide",),
                    "restore what lived only in the lost zone into another zone",
                    tuple(d.source.name for d in zonal))
    for group in active_groups:
        seconds, cited = _launch(plan, group)
        if group.zones >= 2:
            plan.add(Step("scale", seconds, True, ("detect",), cited,
                          "the group replaces the lost zone's instances in the other zones",
                          (group.view.name,)))
        else:
            plan.manual("scale", seconds, cited, ("decide",),
                        "launch instances in another zone (the group spans one zone)",
                        (group.view.name,))
    plan.verify(health.up_seconds if health else None,
                f"health check {health.name}: {health.healthy} x {health.interval} s"
                if health else "")
    return list(plan.steps.values())


def region_loss(facts: Facts) -> list[Step]:
    plan = _Plan(facts)
    entry = facts.entry
    if entry is not None and entry.health is not None:
        plan.add(Step("detect", entry.health.down_seconds, True, (),
                      f"health check {entry.health.name}: {entry.health.unhealthy} x "
                      f"{entry.health.interval} s", f"the health checks mark {facts.active} down"))
    else:
        seconds, cited = plan.figure("operator.response")
        plan.add(Step("detect", seconds, False, (), cited,
                      "no health check watches the region: a person notices"))
    manual = _region_data(plan) | _region_capacity(plan) | _region_traffic(plan)
    needs_person = bool(manual) or plan.has("promote") or plan.has("restore")
    if needs_person:
        seconds, cited = plan.figure("operator.response")
        what = ("approves the Region switch plan" if facts.automation else
                "decides to fail over")
        plan.add(Step("decide", seconds, False, ("detect",), cited,
                      f"a person confirms {facts.active} is lost and {what}"))
    if manual:
        plan.manual("adopt", 0, "", ("decide",), _adopt_before(facts))
    first = ("adopt",) if manual else (("decide",) if needs_person else ("detect",))
    for name, step in list(plan.steps.items()):
        if name in ("detect", "decide", "adopt"):
            continue
        waits = tuple(a for a in step.after if a in plan.steps) or first
        if name in manual:
            waits = tuple(dict.fromkeys((*first, *(a for a in step.after if a in plan.steps
                                                    and a not in ("decide", "adopt")))))
        plan.add(Step(name, step.seconds, step.automatic, waits, step.source, step.detail,
                      step.resources))
    up = entry.health.up_seconds if entry is not None and entry.health else None
    plan.verify(None if needs_person else up,
                f"health check {entry.health.name}: {entry.health.healthy} x "
                f"{entry.health.interval} s" if entry is not None and entry.health else "")
    if not manual:
        plan.manual("adopt", 0, "", ("verify",), _adopt_after(facts))
        adopt = plan.steps["adopt"]
        plan.add(Step(adopt.name, adopt.seconds, False, adopt.after, adopt.source,
                      adopt.detail, counts=False))
    return list(plan.steps.values())


def _adopt_before(facts: Facts) -> str:
    if facts.switched:
        return (f"set drkit:active to {_target(facts)} ({facts.standby}) in every stack, so the "
                "`pulumi up` runs that follow make the failover")
    return (f"change the program to declare the failed-over state ({facts.standby} writable and "
            "serving), so the `pulumi up` that follows makes it and keeps it")


def _adopt_after(facts: Facts) -> str:
    if facts.switched:
        return (f"set drkit:active to {_target(facts)} ({facts.standby}) in every stack and "
                "`pulumi up`, so the code matches what the automation did")
    return ("change the program to declare what the automation did and `pulumi up`, so the next "
            "update does not undo the failover")


def _target(facts: Facts) -> str:
    """The ``drkit:active`` value of a failover: the role that is not active now."""
    return "secondary" if facts.app.intent.active == "primary" else "primary"


def _region_data(plan: _Plan) -> set[str]:
    """Promote or restore each data set of the lost region; the manual step names."""
    facts = plan.facts
    promote: list[tuple[DataSet, str, bool]] = []
    restore: list[tuple[DataSet, str | None]] = []
    for dataset in (d for d in facts.datasets if affected(facts, d)):
        outside = [p for p in dataset.protections if p.region and p.region != facts.active]
        replica = next((r for r in dataset.replicas if r.needs_promotion and r.region and
                        r.region != facts.active), None)
        if replica is not None:
            service = replica.service
            promote.append((dataset, _PROMOTE[service],
                            _ARC_PROMOTE.get(service, "-") in facts.automation))
        elif any(p.kind.name in ("REPLICATED_STORAGE", "REPLICA") for p in outside):
            continue  # replicated storage: the copy takes reads and writes as it is
        elif outside:
            restore.append((dataset, _RESTORE[dataset.source.service]))
        else:
            restore.append((dataset, None))
    manual: set[str] = set()
    if promote:
        seconds, cited = plan.slowest([k for _, k, _ in promote])
        names = tuple(r.name for d, _, _ in promote for r in d.replicas if r.needs_promotion)
        detail = f"promote the replicas in {facts.standby} to writable primaries"
        if all(auto for _, _, auto in promote):
            plan.add(Step("promote", seconds, True, (), f"ARC Region switch plan + {cited}",
                          detail, names))
        else:
            plan.manual("promote", seconds, cited, (), detail, names)
            manual.add("promote")
    if restore:
        known = [k for _, k in restore if k]
        seconds, cited = (None, "no copy outside the lost region") if len(known) < len(
            restore) else plan.slowest(known)
        plan.manual("restore", seconds, cited, (),
                    f"restore the data sets without a replica from their copies into "
                    f"{facts.standby}", tuple(d.source.name for d, _ in restore))
        manual.add("restore")
    return manual


def _region_capacity(plan: _Plan) -> set[str]:
    facts = plan.facts
    active = [g for g in facts.groups if g.region == facts.active]
    if not active:
        return set()
    full = sum(g.capacity for g in active)
    standby = [g for g in facts.groups if g.region == facts.standby]
    if standby and sum(g.capacity for g in standby) >= full:
        return set()
    names = tuple(g.view.name for g in standby)
    if not standby:
        plan.manual("scale", None, f"no instances declared in {facts.standby or 'another region'}",
                    (), "deploy the app's instances in the standby region", names)
        return {"scale"}
    seconds, cited = _launch(plan, standby[0])
    detail = f"scale {', '.join(names)} to full capacity ({full})"
    if standby[0].service == "asg" and "EC2AutoScaling" in facts.automation:
        plan.add(Step("scale", seconds, True, (), f"ARC Region switch plan + {cited}", detail,
                      names))
    elif all(g.autoscaled for g in standby):
        plan.add(Step("scale", seconds, True, ("switch-traffic",), f"autoscaling + {cited}",
                      detail + " as the load arrives (autoscaling)", names))
    else:
        plan.manual("scale", seconds, cited, (), detail, names)
        return {"scale"}
    return set()


def _region_traffic(plan: _Plan) -> set[str]:
    facts = plan.facts
    entry = facts.entry
    if entry is None:
        plan.manual("switch-traffic", 0, "", ("promote", "restore", "scale"),
                    f"no traffic entry in these stacks: point clients at {facts.standby}")
        return {"switch-traffic"}
    names = tuple(v.name for v in entry.views)
    ttl_key = "route53.alias_ttl"
    ttl, ttl_source = (plan.figure(ttl_key) if entry.ttl is None else
                       (entry.ttl, f"record TTL {entry.ttl} s"))
    if entry.kind == "gcp-lb":
        ttl, ttl_source = 0, "the load balancer's anycast address does not change"
    arc = {"Route53HealthCheck", "ARCRoutingControl"} & facts.automation
    if entry.automatic_to(facts.standby) or arc:
        plan.add(Step("switch-traffic", ttl, True, ("detect",), ttl_source,
                      f"the traffic entry sends clients to {facts.standby} on its own", names))
        return set()
    if entry.kind == "gcp-lb":
        seconds, cited = plan.figure("gcp.lb_update")
    else:
        seconds, cited = ttl, ttl_source
    scale = plan.steps.get("scale")
    # Traffic moves once the data is writable and, when people scale, the capacity is there;
    # autoscaling waits for the traffic instead.
    waits = ("promote", "restore") + (("scale",) if scale and not scale.automatic else ())
    plan.manual("switch-traffic", seconds, cited, waits,
                f"move the traffic entry to {facts.standby}", names)
    return {"switch-traffic"}


def data_corruption(facts: Facts) -> list[Step]:
    plan = _Plan(facts)
    seconds, cited = plan.figure("operator.response")
    plan.add(Step("decide", seconds, False, (), cited,
                  "a person confirms the bad write (the clock starts when it is reported) and "
                  "picks the restore point"))
    databases = [d for d in facts.datasets if d.source.service not in ("s3", "gcs")]
    if databases:
        plan.manual("adopt", 0, "", ("decide",),
                    "declare the restore in code (restore to a point in time / clone), so "
                    "`pulumi up` makes it and the stacks keep it")
    undo = {id(d): [p for p in d.protections if p.kind in UNDO_KINDS] for d in facts.datasets}
    if facts.datasets:
        missing = [d for d in facts.datasets if not undo[id(d)]]
        keys = [_RESTORE[d.source.service] for d in facts.datasets if undo[id(d)]]
        if missing:
            seconds, cited = None, "no backup, point-in-time recovery or version of " + \
                ", ".join(d.source.name for d in missing)
        else:
            seconds, cited = plan.slowest(keys)
        plan.manual("restore", seconds, cited, plan.names("adopt") or ("decide",),
                    "restore each data set to just before the bad write",
                    tuple(d.source.name for d in facts.datasets))
    plan.verify(None, "")
    return list(plan.steps.values())


BUILD = {Scenario.ZONE_LOSS: zone_loss, Scenario.REGION_LOSS: region_loss,
         Scenario.DATA_CORRUPTION: data_corruption}


def estimate(facts: Facts, scenario: Scenario) -> Estimate:
    data = [data_estimate(facts, d, scenario) for d in facts.datasets]
    steps = BUILD[scenario](facts)
    path = critical_path(steps)
    worst = max(data, key=_loss, default=None)
    rpo = worst.rpo_seconds if worst is not None else None
    return Estimate(scenario, data, steps, rpo, path.seconds, path.steps)
