"""Failover entry point: one DNS name that follows ``drkit:active`` (global stack).

Failover tiers (backup-restore, pilot-light, warm-standby) use failover routing: the PRIMARY
record is the active region's load balancer, the SECONDARY record the standby region's, and
only once the standby's stack reports it was rebuilt for the current ``drkit:active`` (so DNS
never points at a region whose database is a diverged old writer). Each record has a Route53
health check on the region's *serving* path, answered only while the region's database takes
writes: Route53 fails over to the standby only if the standby is writable (someone promoted
it), and never fails back on its own to an old writer or a replica. A region's health check
uses HTTPS when its load balancer has a certificate: its HTTP listener then redirects, and
Route53 counts 3xx as healthy (Route 53 Developer Guide, "How Amazon Route 53 determines
whether a health check is healthy"). Active-active uses latency routing over both regions'
load balancers, with health checks on each.

The records are named by their place (active, standby), not by region, and keep their set
identifiers: switching ``drkit:active`` updates the PRIMARY record in place (new alias target,
new health check) instead of creating a second PRIMARY next to the old one, which Route53
refuses. Time to fail over with automation is roughly
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
    protocol: str = arg(
        default="HTTP",
        doc="What its health check speaks: HTTPS when the load balancer has a certificate "
            "(its HTTP listener then only redirects).",
        allowed=one_of("HTTPS", "HTTP"))


class FailoverArgs(Args):
    """Inputs of :class:`FailoverEntry`."""

    domain: str = arg(doc="The name clients use, e.g. shop.example.com.")
    active: RegionalEndpoint = arg(
        doc="The active region's load balancer (``drkit:active``): the PRIMARY record.")
    standby: RegionalEndpoint | None = arg(
        default=None,
        doc="The other region's load balancer: the SECONDARY record (latency: the second "
            "region). None while that region is not ready to take over.")
    zone_name: str | None = arg(
        default=None,
        doc="Public hosted zone to look up by name (e.g. example.com); or give ``zone_id``.")
    zone_id: pulumi.Input[str] | None = arg(
        default=None, doc="The hosted zone's id; or give ``zone_name``.")
    port: int | None = arg(
        default=None, doc="Health check port; defaults to 443 for HTTPS, 80 for HTTP.",
        allowed=between(1, 65535))
    resource_path: str = arg(
        default="/healthz/serving",
        doc="The path the health checks request: one that answers 200 only while the region "
            "takes writes (its database is the writer).",
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
        if self.standby is not None and self.standby.region == self.active.region:
            problems.append(invalid(self.where("standby.region"), self.standby.region,
                                    "allowed: a region other than the active one's"))
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
        places = [("active", "PRIMARY", args.active), ("standby", "SECONDARY", args.standby)]
        for place, failover, endpoint in places:
            if endpoint is None:
                continue
            health = aws.route53.HealthCheck(
                f"{name}-{endpoint.region}", type=endpoint.protocol, fqdn=endpoint.dns_name,
                port=args.port or (443 if endpoint.protocol == "HTTPS" else 80),
                resource_path=args.resource_path, request_interval=args.request_interval,
                failure_threshold=args.failure_threshold,
                enable_sni=endpoint.protocol == "HTTPS", measure_latency=True,
                tags={**self.tags, "Name": f"{args.domain} {endpoint.region}"},
                opts=self.child())
            self.records[place] = aws.route53.Record(
                f"{name}-{place}", zone_id=zone_id, name=args.domain, type="A",
                set_identifier=f"{settings.intent.app}-{place}",
                health_check_id=health.id,
                aliases=[aws.route53.RecordAliasArgs(
                    name=endpoint.dns_name, zone_id=endpoint.zone_id,
                    evaluate_target_health=True)],
                latency_routing_policies=[aws.route53.RecordLatencyRoutingPolicyArgs(
                    region=endpoint.region)] if latency else None,
                failover_routing_policies=None if latency else [
                    aws.route53.RecordFailoverRoutingPolicyArgs(type=failover)],
                opts=self.child())
            self.health_checks[endpoint.region] = health

        self.fqdn = self.records["active"].fqdn
        self.register_outputs({
            "fqdn": self.fqdn,
            "health_check_ids": {region: check.id
                                 for region, check in self.health_checks.items()},
        })
