"""Failover entry point: one DNS name that follows the healthy region (global stack).

Each region's load balancer gets a Route53 health check and an alias record under the same
name. Failover tiers (backup-restore, pilot-light, warm-standby) use failover routing: the
PRIMARY record answers while its health check passes, then the SECONDARY (which has its own
health check, so Route53 never sends traffic to a dead secondary either). Active-active uses
latency routing with health checks on both. Time to fail over is roughly
``request_interval x failure_threshold + ttl`` (alias records take the target's TTL of 60s).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.common import home_provider, invoke_opts
from components.base import DrSettings, invalid, raise_problems
from drkit_core.intent import Tier


@dataclass(frozen=True)
class RegionalEndpoint:
    """A region's load balancer, as exported by its stack."""

    region: str
    dns_name: pulumi.Input[str]
    zone_id: pulumi.Input[str]
    """The load balancer's canonical hosted zone (not the DNS zone of the record)."""


@dataclass(frozen=True)
class FailoverArgs:
    """Inputs of :class:`FailoverEntry`."""

    domain: str
    """The name clients use, e.g. shop.example.com."""
    primary: RegionalEndpoint
    secondary: RegionalEndpoint
    zone_name: str | None = None
    """Public hosted zone to look up by name (e.g. example.com); or give ``zone_id``."""
    zone_id: pulumi.Input[str] | None = None
    protocol: str = "HTTPS"
    """HTTPS or HTTP. Route53 does not validate certificates, so HTTPS works on ALB names."""
    port: int | None = None
    """Defaults to 443 for HTTPS, 80 for HTTP."""
    resource_path: str = "/healthz"
    request_interval: int = 30
    """Seconds between probes: 10 (fast, costs more) or 30, the only values Route53 accepts."""
    failure_threshold: int = 3
    """Failed probes before a region counts as down: 1-10. 3 x 30s: about 90s to fail over."""

    def __post_init__(self) -> None:
        problems = []
        if (self.zone_name is None) == (self.zone_id is None):
            problems.append(invalid("FailoverArgs.zone_name/zone_id",
                                    (self.zone_name, self.zone_id), "allowed: exactly one"))
        if self.zone_name is not None and not (
                self.domain == self.zone_name or self.domain.endswith("." + self.zone_name)):
            problems.append(invalid("FailoverArgs.domain", self.domain,
                                    f"allowed: a name inside the zone {self.zone_name}"))
        if self.protocol not in ("HTTPS", "HTTP"):
            problems.append(invalid("FailoverArgs.protocol", self.protocol,
                                    "allowed: HTTPS, HTTP"))
        if self.request_interval not in (10, 30):
            problems.append(invalid("FailoverArgs.request_interval", self.request_interval,
                                    "allowed: 10 or 30 (seconds; Route53's only values)"))
        if not 1 <= self.failure_threshold <= 10:
            problems.append(invalid("FailoverArgs.failure_threshold", self.failure_threshold,
                                    "allowed: 1 to 10"))
        if not self.resource_path.startswith("/"):
            problems.append(invalid("FailoverArgs.resource_path", self.resource_path,
                                    "allowed: a path starting with /"))
        if self.primary.region == self.secondary.region:
            problems.append(invalid("FailoverArgs.secondary.region", self.secondary.region,
                                    "allowed: a region other than the primary's"))
        raise_problems(problems)


class FailoverEntry(pulumi.ComponentResource):
    """Health checks and routed alias records for the app's DNS name."""

    def __init__(self, name: str, settings: DrSettings, args: FailoverArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        provider = home_provider("FailoverEntry", opts)
        super().__init__("drkit:aws:FailoverEntry", name, None, opts)
        zone_id = args.zone_id if args.zone_id is not None else aws.route53.get_zone_output(
            name=args.zone_name, private_zone=False, opts=invoke_opts(provider)).zone_id
        latency = settings.intent.tier is Tier.ACTIVE_ACTIVE
        self.health_checks: dict[str, aws.route53.HealthCheck] = {}
        self.records: dict[str, aws.route53.Record] = {}
        for role, endpoint in (("primary", args.primary), ("secondary", args.secondary)):
            check = aws.route53.HealthCheck(
                f"{name}-{role}", type=args.protocol, fqdn=endpoint.dns_name,
                port=args.port or (443 if args.protocol == "HTTPS" else 80),
                resource_path=args.resource_path, request_interval=args.request_interval,
                failure_threshold=args.failure_threshold,
                enable_sni=args.protocol == "HTTPS", measure_latency=True,
                tags={**settings.all_tags, "Name": f"{args.domain} {endpoint.region}"},
                opts=pulumi.ResourceOptions(parent=self))
            self.records[role] = aws.route53.Record(
                f"{name}-{role}", zone_id=zone_id, name=args.domain, type="A",
                set_identifier=f"{settings.intent.app}-{endpoint.region}",
                health_check_id=check.id,
                aliases=[aws.route53.RecordAliasArgs(
                    name=endpoint.dns_name, zone_id=endpoint.zone_id,
                    evaluate_target_health=True)],
                latency_routing_policies=[aws.route53.RecordLatencyRoutingPolicyArgs(
                    region=endpoint.region)] if latency else None,
                failover_routing_policies=None if latency else [
                    aws.route53.RecordFailoverRoutingPolicyArgs(type=role.upper())],
                opts=pulumi.ResourceOptions(parent=self))
            self.health_checks[role] = check

        self.fqdn = self.records["primary"].fqdn
        self.register_outputs({
            "fqdn": self.fqdn,
            "primary_health_check_id": self.health_checks["primary"].id,
            "secondary_health_check_id": self.health_checks["secondary"].id,
        })
