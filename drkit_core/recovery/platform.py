"""What serves the app and moves it: compute groups, the traffic entry, automation, alarms."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from drkit_core import regions
from drkit_core.recovery.view import Viewable, block, get, identities, items, known, number

ASG = "aws:autoscaling/group:Group"
ASG_POLICY = "aws:autoscaling/policy:Policy"
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
ROUTE53_RECORD = "aws:route53/record:Record"
ROUTE53_CHECK = "aws:route53/healthCheck:HealthCheck"
ARC_PLAN = "aws:arcregionswitch/plan:Plan"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_RULE = "aws:cloudwatch/eventRule:EventRule"
VAULT_NOTIFICATIONS = "aws:backup/vaultNotifications:VaultNotifications"
REGIONAL_MIG = "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager"
ZONAL_MIG = "gcp:compute/instanceGroupManager:InstanceGroupManager"
AUTOSCALERS = ("gcp:compute/regionAutoscaler:RegionAutoscaler",
               "gcp:compute/autoscaler:Autoscaler")
BACKEND_SERVICE = "gcp:compute/backendService:BackendService"
GCP_HEALTH_CHECK = "gcp:compute/healthCheck:HealthCheck"
ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"

_PLACE_IN_URL = re.compile(r"/(regions|zones)/([a-z0-9-]+)/")
_REPLICATION_METRICS = ("ReplicaLag", "AuroraGlobalDBReplicationLag", "ReplicationLatency",
                        "OperationsPendingReplication", "AuroraReplicaLag")


@dataclass(frozen=True)
class Health:
    """A health check: how fast it marks a target down and up again."""

    name: str
    interval: int
    unhealthy: int
    healthy: int
    path: str | None = None
    """The HTTP path it probes."""

    @property
    def down_seconds(self) -> int:
        return self.interval * self.unhealthy

    @property
    def up_seconds(self) -> int:
        return self.interval * self.healthy


@dataclass(frozen=True)
class Group:
    """Instances serving the app in one region."""

    view: Viewable
    stack: str
    service: str
    """asg or mig: picks the launch figure and the runbook commands."""
    region: str | None
    capacity: int
    zones: int
    autoscaled: bool
    health: Health | None


@dataclass(frozen=True)
class Entry:
    """Where clients come in, and whether it moves them to another region by itself."""

    kind: str
    """route53-failover, route53, gcp-lb."""
    views: tuple[Viewable, ...]
    health: Health | None
    ttl: int | None
    """DNS records: seconds resolvers cache the answer (None for an alias record)."""
    capacity: dict[str, float] = field(default_factory=dict)
    """gcp-lb: capacity scaler per region."""

    def automatic_to(self, region: str | None) -> bool:
        """Sends clients to ``region`` when the active region fails, with nobody's help."""
        if self.kind == "route53-failover":
            return self.health is not None
        if self.kind == "gcp-lb":
            return self.health is not None and self.capacity.get(region or "", 0) > 0
        return False


def _find(resources: Sequence[Viewable], types: Sequence[str], reference: Any,
          source: Viewable | None = None, input_name: str = "") -> Viewable | None:
    candidates = [r for r in resources if r.type in types]
    if isinstance(reference, str):
        for candidate in candidates:
            if reference in identities(candidate):
                return candidate
    linked = set(source.property_dependencies.get(input_name, ())) if source else set()
    return next((c for c in candidates if c.urn in linked), None)


def _target_health(asg: Viewable, resources: Sequence[Viewable]) -> Health | None:
    for arn in items(asg, "targetGroupArns"):
        group = _find(resources, TARGET_GROUPS, arn, asg, "targetGroupArns")
        if group is not None:
            check = get(group, "healthCheck") or {}
            return Health(group.name, number(block(check).get("interval")) or 30,
                          number(block(check).get("unhealthyThreshold")) or 2,
                          number(block(check).get("healthyThreshold")) or 5,
                          known(block(check).get("path")))
    return None


def _gcp_health(resources: Sequence[Viewable], reference: Any, source: Viewable,
                input_name: str) -> Health | None:
    check = _find(resources, (GCP_HEALTH_CHECK,), reference, source, input_name)
    if check is None:
        return None
    http = block(get(check, "httpHealthCheck") or get(check, "httpsHealthCheck"))
    return Health(check.name, number(get(check, "checkIntervalSec")) or 5,
                  number(get(check, "unhealthyThreshold")) or 2,
                  number(get(check, "healthyThreshold")) or 2, known(http.get("requestPath")))


def groups(stacks: Sequence[tuple[str, Sequence[Viewable]]]) -> list[Group]:
    everything = [v for _, views in stacks for v in views]
    found = []
    for stack, views in stacks:
        for view in views:
            if view.type == ASG:
                policy = any(r.type == ASG_POLICY and (
                    get(r, "autoscalingGroupName") in identities(view)
                    or view.urn in r.property_dependencies.get("autoscalingGroupName", ()))
                    for r in everything)
                zones = len(items(view, "vpcZoneIdentifiers")) or len(
                    items(view, "availabilityZones")) or 1
                found.append(Group(view, stack, "asg", view.region,
                                   number(get(view, "minSize")) or 0, zones, policy,
                                   _target_health(view, everything)))
            elif view.type in (REGIONAL_MIG, ZONAL_MIG):
                scaler = next((r for r in everything if r.type in AUTOSCALERS and (
                    get(r, "target") in identities(view)
                    or view.urn in r.property_dependencies.get("target", ()))), None)
                scaling = block(get(scaler, "autoscalingPolicy")) if scaler else {}
                capacity = number(scaling.get("minReplicas")) if scaler else number(
                    get(view, "targetSize"))
                zones = (len(items(view, "distributionPolicyZones")) or 3) \
                    if view.type == REGIONAL_MIG else 1
                heal = block(get(view, "autoHealingPolicies"))
                found.append(Group(view, stack, "mig", view.region, capacity or 0, zones,
                                   bool(scaler) and scaling.get("mode", "ON") != "OFF",
                                   _gcp_health(everything, heal.get("healthCheck"), view,
                                               "autoHealingPolicies")))
    return found


def _route53(records: list[Viewable], resources: Sequence[Viewable]) -> Entry | None:
    failover = [r for r in records if items(r, "failoverRoutingPolicies")]
    chosen = failover or [r for r in records if items(r, "aliases")]
    if not chosen:
        return None
    primary = next((r for r in failover if block(items(r, "failoverRoutingPolicies")[0])
                    .get("type") == "PRIMARY"), chosen[0])
    check = _find(resources, (ROUTE53_CHECK,), get(primary, "healthCheckId"), primary,
                  "healthCheckId")
    health = None
    if check is not None:
        health = Health(check.name, number(get(check, "requestInterval")) or 30,
                        number(get(check, "failureThreshold")) or 3,
                        number(get(check, "failureThreshold")) or 3,
                        get(check, "resourcePath"))
    elif failover and any(block(a).get("evaluateTargetHealth") in (True, "true")
                          for a in items(primary, "aliases")):
        health = Health(f"{primary.name} (target health)", 30, 3, 3)
    ttl = None if items(primary, "aliases") else number(get(primary, "ttl"))
    return Entry("route53-failover" if failover else "route53", tuple(chosen), health, ttl)


def _backend_region(group: Any, resources: Sequence[Viewable]) -> str | None:
    if isinstance(group, str):
        match = _PLACE_IN_URL.search(group)
        if match:
            place = regions.lookup(match[2], "gcp")
            return place.name if place else match[2]
    return None


def entry(resources: Sequence[Viewable]) -> Entry | None:
    """The app's traffic entry: a Route53 failover (or plain) record, or a global backend
    service of an external load balancer."""
    services = [r for r in resources if r.type == BACKEND_SERVICE]
    for service in services:
        capacity: dict[str, float] = {}
        for backend in items(service, "backends"):
            region = _backend_region(block(backend).get("group"), resources)
            scaler = block(backend).get("capacityScaler", 1)
            if region:
                capacity[region] = max(capacity.get(region, 0.0), float(scaler or 0))
        checks = items(service, "healthChecks")
        health = _gcp_health(resources, checks[0] if checks else None, service, "healthChecks")
        return Entry("gcp-lb", (service,), health, None, capacity)
    records = [r for r in resources if r.type == ROUTE53_RECORD and get(r, "type") in (
        "A", "AAAA", "CNAME")]
    return _route53(records, resources)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def automation(resources: Sequence[Viewable]) -> set[str]:
    """Execution blocks of AWS ARC Region switch plans (RdsPromoteReadReplica, ...)."""
    found: set[str] = set()
    for plan in (r for r in resources if r.type == ARC_PLAN):
        stack = [plan.props]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                kind = known(value.get("executionBlockType"))
                if isinstance(kind, str):
                    found.add(kind)
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
    return found


@dataclass(frozen=True)
class Watch:
    name: str
    what: str
    """replication or backups."""


def alarms(resources: Sequence[Viewable]) -> list[Watch]:
    """Alarms that watch the protection: replica lag and backup jobs."""
    found = []
    for view in resources:
        text = " ".join(_strings(view.props))
        if view.type == METRIC_ALARM:
            metrics = {get(view, "metricName"), *(block(q).get("metric", {}).get("metricName")
                                                   for q in items(view, "metricQueries")
                                                   if isinstance(block(q).get("metric"), dict))}
            if metrics & set(_REPLICATION_METRICS):
                found.append(Watch(view.name, "replication"))
            if get(view, "namespace") == "AWS/Backup" or "BackupJobs" in text:
                found.append(Watch(view.name, "backups"))
        elif (view.type == EVENT_RULE and "aws.backup" in _pattern(view)) or (
                view.type == VAULT_NOTIFICATIONS and items(view, "backupVaultEvents")):
            found.append(Watch(view.name, "backups"))
        elif view.type == ALERT_POLICY:
            if "replica_lag" in text or "replication/" in text:
                found.append(Watch(view.name, "replication"))
            if "backup" in text.lower():
                found.append(Watch(view.name, "backups"))
    return found


def _pattern(view: Viewable) -> str:
    value = get(view, "eventPattern")
    return value if isinstance(value, str) else json.dumps(value or {})
