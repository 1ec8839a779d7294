"""Failover entry point: one global external Application Load Balancer over both regions
(global stack).

One anycast IP address, a forwarding rule (``EXTERNAL_MANAGED``), a target proxy, a URL map and
one backend service whose backends are the two regions' managed instance groups (read from the
primary and secondary stacks' outputs), with a health check. Google's front ends send each
request to the closest healthy backend with capacity, so nothing like DNS failover (and its
TTLs) sits between a regional outage and the clients.

Capacity follows ``drkit:active`` (:func:`capacity_scalers`): the active region's group serves
(``capacity_scaler`` 1.0); in failover tiers (pilot light, warm standby, backup-restore) the
other region's is drained (``capacity_scaler=0``) so it takes no traffic, not even overflow;
active-active serves from both (writes still go to the active region's database). Until the
other region's stack is deployed for the current switch (``standby_rebuilt``, decided by the
template), its group is drained whatever the tier: after a failover the old region may come
back with a diverged primary, and gets no traffic until it is rebuilt as a replica. Switching
``drkit:active`` changes the numbers in one update of the backend service, a global resource:
nothing is asked of the lost region. GCP requires at least one backend with non-zero capacity,
and accepts 0 only when the service has more than one backend: both groups stay backends and
exactly one is ever drained.

With a ``domain``, HTTPS is served with a Google-managed certificate (point the domain's A
record at the address) and plain HTTP answers with a redirect to HTTPS.
"""

from __future__ import annotations

import re

import pulumi
import pulumi_gcp as gcp

from components.args import Args, arg, between, matches
from components.base import DrSettings
from components.gcp.common import PORT_NAME, GcpComponent
from drkit_core.errors import invalid
from drkit_core.intent import Role, Tier

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class RegionalBackend(Args):
    """A region's managed instance group, as exported by its stack."""

    region: str = arg(doc="The group's region.")
    instance_group: pulumi.Input[str] = arg(
        doc="The URL of the group (the manager's ``instance_group`` output).")


class EntryArgs(Args):
    """Inputs of :class:`FailoverEntry`."""

    active: RegionalBackend = arg(
        doc="The active region's instance group (``drkit:active``): it serves.")
    standby: RegionalBackend = arg(
        doc="The other region's instance group: drained, or serving too in active-active.")
    standby_rebuilt: bool = arg(
        default=True,
        doc="False until the other region's stack is deployed for the current "
            "``drkit:active``: until then its group is drained whatever the tier (after a "
            "failover it may come back running against a diverged old primary).")
    domain: str | None = arg(
        default=None,
        doc="The name clients use, e.g. shop.example.com: adds HTTPS with a managed "
            "certificate.",
        allowed=matches(_DOMAIN, "a lower-case DNS name such as shop.example.com"))
    port_name: str = arg(default="http", doc="The groups' named port.", allowed=PORT_NAME)
    health_check_path: str = arg(
        default="/healthz",
        doc="Probed on each group's named port; answered with 200 by a healthy instance.",
        allowed=matches("/", "a path starting with /"))
    check_interval_sec: int = arg(
        default=10, doc="Seconds between health probes.", allowed=between(1, 300))
    unhealthy_threshold: int = arg(
        default=3,
        doc="Failed probes before a backend instance counts as down (interval x threshold).",
        allowed=between(1, 10))
    timeout_sec: int = arg(
        default=30, doc="Backend response timeout (seconds).", allowed=between(1, 86400))

    def check(self) -> list[str]:
        if self.active.region == self.standby.region:
            return [invalid(self.where("standby.region"), self.standby.region,
                            "allowed: a region other than the active one's")]
        return []


def capacity_scalers(tier: Tier, standby_rebuilt: bool = True) -> tuple[float, float]:
    """(active, standby) capacity scalers: both serve in active-active once the standby was
    rebuilt for the current switch; otherwise only the active region does. A scaler of 0
    "means the group is completely drained, offering 0% of its available capacity" (Compute
    Engine API reference, backendServices, ``backends[].capacityScaler``:
    https://cloud.google.com/compute/docs/reference/rest/v1/backendServices)."""
    both = tier is Tier.ACTIVE_ACTIVE and standby_rebuilt
    return (1.0, 1.0) if both else (1.0, 0.0)


class FailoverEntry(GcpComponent):
    """Global address, forwarding rule(s), proxy, URL map, health-checked backend service."""

    ROLES = (Role.GLOBAL,)
    WHY_THERE = "it routes between the two regions' stacks"

    def __init__(self, name: str, settings: DrSettings, args: EntryArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        child = self.child()
        scalers = capacity_scalers(settings.intent.tier, args.standby_rebuilt)

        self.health_check = gcp.compute.HealthCheck(
            f"{name}-hc", name=f"{name}-hc", check_interval_sec=args.check_interval_sec,
            timeout_sec=min(5, args.check_interval_sec), healthy_threshold=2,
            unhealthy_threshold=args.unhealthy_threshold,
            http_health_check=gcp.compute.HealthCheckHttpHealthCheckArgs(
                port_specification="USE_SERVING_PORT", request_path=args.health_check_path),
            log_config=gcp.compute.HealthCheckLogConfigArgs(enable=True),
            opts=child)
        self.backend_service = gcp.compute.BackendService(
            f"{name}-backend", name=f"{name}-backend",
            load_balancing_scheme="EXTERNAL_MANAGED", protocol="HTTP",
            port_name=args.port_name, timeout_sec=args.timeout_sec,
            connection_draining_timeout_sec=30, health_checks=self.health_check.id,
            backends=[gcp.compute.BackendServiceBackendArgs(
                group=backend.instance_group, balancing_mode="UTILIZATION",
                max_utilization=0.8, capacity_scaler=scaler,
                description=backend.region)
                for backend, scaler in zip((args.active, args.standby), scalers,
                                           strict=True)],
            log_config=gcp.compute.BackendServiceLogConfigArgs(enable=True, sample_rate=1.0),
            opts=child)
        self.url_map = gcp.compute.URLMap(f"{name}-urls", name=f"{name}-urls",
                                          default_service=self.backend_service.id, opts=child)
        self.address = gcp.compute.GlobalAddress(
            f"{name}-ip", name=f"{name}-ip", ip_version="IPV4", address_type="EXTERNAL",
            labels=self.labels, opts=child)
        if args.domain is None:
            self._rule(name, "http", "80", gcp.compute.TargetHttpProxy(
                f"{name}-http", name=f"{name}-http", url_map=self.url_map.id, opts=child))
            self.url = pulumi.Output.concat("http://", self.address.address)
        else:
            self._https(name, args.domain)
            self.url = pulumi.Output.from_input(f"https://{args.domain}")

        self.ip_address = self.address.address
        self.register_outputs({"ip_address": self.ip_address, "url": self.url,
                               "backend_service": self.backend_service.id,
                               "capacity_scalers": list(scalers)})

    def _https(self, name: str, domain: str) -> None:
        child = self.child()
        certificate = gcp.compute.ManagedSslCertificate(
            f"{name}-cert", name=f"{name}-cert",
            managed=gcp.compute.ManagedSslCertificateManagedArgs(domains=[domain]), opts=child)
        policy = gcp.compute.SSLPolicy(f"{name}-tls", name=f"{name}-tls", profile="MODERN",
                                       min_tls_version="TLS_1_2", opts=child)
        self._rule(name, "https", "443", gcp.compute.TargetHttpsProxy(
            f"{name}-https", name=f"{name}-https", url_map=self.url_map.id,
            ssl_certificates=[certificate.id], ssl_policy=policy.id, opts=child))
        redirect = gcp.compute.URLMap(
            f"{name}-redirect", name=f"{name}-redirect",
            default_url_redirect=gcp.compute.URLMapDefaultUrlRedirectArgs(
                https_redirect=True, strip_query=False,
                redirect_response_code="MOVED_PERMANENTLY_DEFAULT"),
            opts=child)
        self._rule(name, "http", "80", gcp.compute.TargetHttpProxy(
            f"{name}-http", name=f"{name}-http", url_map=redirect.id, opts=child))

    def _rule(self, name: str, scheme: str, port: str,
              proxy: gcp.compute.TargetHttpProxy | gcp.compute.TargetHttpsProxy) -> None:
        gcp.compute.GlobalForwardingRule(
            f"{name}-{scheme}", name=f"{name}-{scheme}", target=proxy.id,
            ip_address=self.address.id, ip_protocol="TCP", port_range=port,
            load_balancing_scheme="EXTERNAL_MANAGED", labels=self.labels, opts=self.child())
