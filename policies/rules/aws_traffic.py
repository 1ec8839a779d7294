"""AWS traffic and compute: health-checked target groups and failover records, Auto Scaling
groups spread over zones, replacing unhealthy instances, sized for their role and tier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drkit_core.findings import Severity
from drkit_core.intent import Role, Tier
from drkit_core.wire import is_true
from policies.model import Context, ResourceView, Rule, Scope, Unknown, Violation
from policies.rules.refs import resolve

TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
RECORD = "aws:route53/record:Record"
ASG = "aws:autoscaling/group:Group"
SUBNET = "aws:ec2/subnet:Subnet"
_HTTP = ("HTTP", "HTTPS")


def target_group_health_check(view: ResourceView, ctx: Context) -> Iterator[str]:
    if view.get("targetType") == "lambda":
        return
    check = view.get("healthCheck")
    if not check:
        yield (f"{view.label} declares no healthCheck: configure one (for HTTP, a path that "
               "answers 200 only when the instance can serve)")
        return
    if view.get("healthCheck.enabled") is False or view.get("healthCheck.enabled") == "false":
        yield f"{view.label} disables its health check: set healthCheck.enabled: true"
        return
    protocol = view.get("healthCheck.protocol") or view.get("protocol")
    if protocol in _HTTP and not view.get("healthCheck.path"):
        yield f"{view.label} health check has no path: set healthCheck.path (e.g. /healthz)"


def _evaluates_target_health(view: ResourceView) -> bool:
    return any(isinstance(alias, dict) and is_true(alias.get("evaluateTargetHealth"))
               for alias in view.items("aliases"))


def failover_health_check(view: ResourceView, ctx: Context) -> Iterator[str]:
    roles = {r.upper() for r in ctx.config["roles"]}
    for policy in view.items("failoverRoutingPolicies"):
        role = str(policy.get("type", "")).upper() if isinstance(policy, dict) else ""
        if role not in roles or view.get("healthCheckId"):
            continue
        if _evaluates_target_health(view):
            continue  # an alias record inherits the health of its target (e.g. the ALB's)
        yield (f"{view.label} is the {role} failover record but has no healthCheckId and "
               "does not evaluate its alias target's health: Route53 would never fail over; "
               "attach a Route53 health check or set evaluate_target_health on the alias")


def _zones(ctx: Context, group: ResourceView) -> tuple[set[str], int]:
    """(availability zones known, subnets whose zone is unknown) of a group."""
    zones = {z for z in group.items("availabilityZones") if isinstance(z, str)}
    unresolved = 0
    for subnet_id in group.items("vpcZoneIdentifiers"):
        subnet = resolve(ctx, group, "vpcZoneIdentifiers", subnet_id, (SUBNET,))
        zone = None
        if subnet is not None:
            zone = subnet.get("availabilityZone") or subnet.get("availabilityZoneId")
        if isinstance(zone, str) and zone:
            zones.add(zone)
        else:
            unresolved += 1
    return zones, unresolved


def asg_multi_az(ctx: Context) -> Iterator[Violation]:
    minimum = int(ctx.config["minZones"])
    for group in (r for r in ctx.resources if r.type == ASG):
        try:
            zones, unresolved = _zones(ctx, group)
        except Unknown as unknown:
            yield Violation(str(unknown), group.urn, unknown=True)
            continue
        if len(zones) >= minimum:
            continue
        if len(zones) + unresolved >= minimum:
            yield Violation(f"{group.label} uses subnets this stack does not declare: their "
                            "zones cannot be checked", group.urn, unknown=True)
            continue
        shown = ", ".join(sorted(zones)) or "no known zone"
        yield Violation(f"{group.label} spans {len(zones)} availability zone(s) ({shown}): "
                        f"spread it over at least {minimum} zones (subnets of different zones "
                        "in vpcZoneIdentifiers)", group.urn)


def asg_elb_health(view: ResourceView, ctx: Context) -> Iterator[str]:
    if view.get("healthCheckType") != "ELB":
        yield (f"{view.label} replaces instances only when EC2 reports them down: set "
               "healthCheckType: ELB so instances the load balancer finds unhealthy are replaced")


def required_min(ctx: Context) -> tuple[int, str]:
    """Fewest instances a group of this stack must keep running, with the reason: the active
    region (``drkit:active``; a stack without a role counts as one) serves traffic."""
    intent, config = ctx.intent, ctx.config
    tier = intent.tier
    active = intent.role is None or intent.is_active
    if active or tier == "active-active":
        what = "an active-active region" if tier == "active-active" else "the active region"
        return int(config["minPrimary"]), f"{what} serves traffic"
    if tier == "warm-standby":
        return int(config["minWarmStandby"]), "a warm standby must take traffic at once"
    return 0, f"a {tier or 'cold'} secondary may scale to zero"


def asg_min_capacity(view: ResourceView, ctx: Context) -> Iterator[str]:
    needed, reason = required_min(ctx)
    size = view.get("minSize")
    if needed and (size is None or int(size) < needed):
        yield (f"{view.label} keeps minSize {size if size is not None else 0}: {reason}, so "
               f"keep at least {needed} instances (in different zones)")


_INTENT_CONFIG: dict[str, dict[str, Any]] = {
    "role": {"type": "string", "enum": [r.value for r in Role],
             "description": "Role when the stack has no drkit:role (default primary)"},
    "tier": {"type": "string", "enum": [t.value for t in Tier],
             "description": "Tier when the stack has no drkit:tier"},
}

RULES = (
    Rule("DR-AWS-009", "lb-target-group-health-check",
         "Ensure load balancer target groups have a health check", Severity.HIGH,
         TARGET_GROUPS, "Set health_check={'enabled': True, 'path': '/healthz', 'matcher': "
         "'200'} on the target group.", target_group_health_check),
    Rule("DR-AWS-010", "route53-failover-health-check",
         "Ensure the PRIMARY Route53 failover record has a health check or evaluates its "
         "target's health", Severity.CRITICAL,
         (RECORD,), "Create an aws.route53.HealthCheck for the primary endpoint and set "
         "health_check_id on the PRIMARY failover record, or alias it with "
         "evaluate_target_health=True (Route 53 Developer Guide, 'Evaluate target health': "
         "https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html).",
         failover_health_check,
         config={"roles": {"type": "array", "items": {"type": "string"},
                           "default": ["PRIMARY"],
                           "description": "Failover record types that need a health check"}}),
    Rule("DR-AWS-011", "asg-multi-az", "Ensure Auto Scaling groups span several availability "
         "zones", Severity.HIGH, (ASG, SUBNET),
         "List subnets of at least two zones in vpc_zone_identifiers.", asg_multi_az,
         scope=Scope.STACK,
         config={"minZones": {"type": "integer", "minimum": 2, "default": 2,
                              "description": "Fewest availability zones"}}),
    Rule("DR-AWS-012", "asg-elb-health-check",
         "Ensure Auto Scaling groups replace instances the load balancer finds unhealthy",
         Severity.MEDIUM, (ASG,), "Set health_check_type='ELB' (and a grace period).",
         asg_elb_health),
    Rule("DR-AWS-013", "asg-min-capacity",
         "Ensure Auto Scaling groups keep the minimum capacity their role and tier need",
         Severity.HIGH, (ASG,),
         "Raise min_size: the active region (drkit:active) and active-active regions keep "
         "minPrimary (2), a warm standby minWarmStandby (1); pilot-light and backup-restore "
         "passive regions may keep 0.",
         asg_min_capacity,
         config={"minPrimary": {"type": "integer", "minimum": 1, "default": 2,
                                "description": "Fewest instances of the active region or an "
                                               "active-active region"},
                 "minWarmStandby": {"type": "integer", "minimum": 0, "default": 1,
                                    "description": "Fewest instances of a warm standby"},
                 **_INTENT_CONFIG}),
)
