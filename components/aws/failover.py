"""Failover entry point: one DNS name that follows the healthy region (global stack).

Each region's load balancer gets a Route53 health check and an alias record under the same
name. Failover tiers (backup-restore, pilot-light, warm-standby) use failover routing: the
PRIMARY record answers while its health check passes, then the SECONDARY (which has its own
health check, so Route53 never sends traffic to a dead secondary either). Active-active uses
latency routing with health checks on both. Time to fail over is roughly
``request_interval x failure_threshold + ttl`` (alias records take the target's TTL of 60s).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.args import Args, arg, between, matches, one_of
from components.aws.common import AwsComponent, invoke_opts
from components.base import DrSettings
from drkit_core.errors import invalid
from drkit_core.intent import Role, Tier


class RegionalEndpoint(Args):
    """A region's load balancer, as exported by its stack."""

    region: str = arg(doc="The load balancer's region (latency routing's region too).")
    dns_name: pulumi.Input[str] = arg(doc="The load balancer's DNS name: the alias target.")
    zone_id: pulumi.Input[str] = arg(
        doc="The load balancer's canonical hosted zone (not the DNS zone of the record).")


class FailoverArgs(Args):
    """Inputs of :class:`FailoverEntry`."""

    domain: str = arg(doc="The name clients use, e.g. shop.example.com.")
    primary: RegionalEndpoint = arg(doc="The primary region's load balancer.")
    secondary: RegionalEndpoint = arg(
        doc="The secondary region's load balancer (another region than the primary's).")
    zone_name: str | None = arg(
        default=None,
        doc="Public hosted zone to look up by name (e.g. example.com); or give ``zone_id``.")
    zone_id: pulumi.Input[str] | None = arg(
        default=None, doc="The hosted zone's id; or give ``zone_name``.")
    protocol: str = arg(
        default="HTTPS",
        doc="Health check protocol. Route53 does not validate certificates, so HTTPS works on "
            "ALB names.",
        allowed=one_of("HTTPS", "HTTP"))
    port: int | None = arg(
        default=None, doc="Health check port; defaults to 443 for HTTPS, 80 for HTTP.",
        allowed=between(1, 65535))
    resource_path: str = arg(
        default="/healthz", doc="The path the health checks request.",
        allowed=matches("/", "a path starting with /"))
    request_interval: int = arg(
        default=30, doc="Seconds between probes: 10 (fast, costs more) or 30.",
        allowed=one_of(10, 30, text="10 or 30", why="seconds; Route53's only values"))
    failure_threshold: int = arg(
        default=3,
        doc="Failed probes before a region counts as down. 3 x 30s: about 90s to fail over.",
        allowed=between(1, 10))

    def check(self) -> list[str]:
        problems = []
        if (self.zone_name is None) == (self.zone_id is None):
            problems.append(invalid(self.where("zone_name/zone_id"),
                                    (self.zone_name, self.zone_id), "allowed: exactly one"))
        if self.zone_name is not None and not (
                self.domain == self.zone_name or self.domain.endswith("." + self.zone_name)):
            problems.append(invalid(self.where("domain"), self.domain,
                                    f"allowed: a name inside the zone {self.zone_name}"))
        if self.primary.region == self.secondary.region:
            problems.append(invalid(self.where("secondary.region"), self.secondary.region,
                                    "allowed: a region other than the primary's"))
        return problems


class FailoverEntry(AwsComponent):
    """Health checks and routed alias records for the app's DNS name."""

    ROLES = (Role.GLOBAL,)
    WHY_THERE = "it routes between the two regions' stacks"

    def __init__(self, name: str, settings: DrSettings, args: FailoverArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        zone_id = args.zone_id if args.zone_id is not None else aws.route53.get_zone_output(
            name=args.zone_name, private_zone=False, opts=invoke_opts(self.provider)).zone_id
        latency = settings.intent.tier is Tier.ACTIVE_ACTIVE
        self.health_checks: dict[str, aws.route53.HealthCheck] = {}
        self.records: dict[str, aws.route53.Record] = {}
        for role, endpoint in (("primary", args.primary), ("secondary", args.secondary)):
            health = aws.route53.HealthCheck(
                f"{name}-{role}", type=args.protocol, fqdn=endpoint.dns_name,
                port=args.port or (443 if args.protocol == "HTTPS" else 80),
                resource_path=args.resource_path, request_interval=args.request_interval,
                failure_threshold=args.failure_threshold,
                enable_sni=args.protocol == "HTTPS", measure_latency=True,
                tags={**self.tags, "Name": f"{args.domain} {endpoint.region}"},
                opts=self.child())
            self.records[role] = aws.route53.Record(
                f"{name}-{role}", zone_id=zone_id, name=args.domain, type="A",
                set_identifier=f"{settings.intent.app}-{endpoint.region}",
                health_check_id=health.id,
                aliases=[aws.route53.RecordAliasArgs(
                    name=endpoint.dns_name, zone_id=endpoint.zone_id,
                    evaluate_target_health=True)],
                latency_routing_policies=[aws.route53.RecordLatencyRoutingPolicyArgs(
                    region=endpoint.region)] if latency else None,
                failover_routing_policies=None if latency else [
                    aws.route53.RecordFailoverRoutingPolicyArgs(type=role.upper())],
                opts=self.child())
            self.health_checks[role] = health

        self.fqdn = self.records["primary"].fqdn
        self.register_outputs({
            "fqdn": self.fqdn,
            "primary_health_check_id": self.health_checks["primary"].id,
            "secondary_health_check_id": self.health_checks["secondary"].id,
        })
