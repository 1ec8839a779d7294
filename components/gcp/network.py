"""Network: one custom-mode VPC for the app, with a subnet, Cloud Router and NAT per region.

A GCP VPC is global, so the app has one: the primary stack creates it with what belongs to the
whole network (the firewall rule admitting the load balancer, and private service access for
Cloud SQL private IP); each region's stack, the secondary included, adds its own subnet and a
Cloud Router with NAT (instances have no public IP). The secondary reads the VPC from the
primary stack's ``network`` output. One network is required, not just convenient: a Cloud SQL
cross-region replica with private IP sits on the same VPC as its primary. A regional outage
does not take the VPC down (it is a global resource); it only pauses the primary *stack*.

Every subnet records VPC flow logs (:class:`FlowLogs`): after an incident they show which
flows reached what, from where, and which were blocked on the way.

Subnets are carved from one app-wide range so both stacks agree without coordination: the
primary takes the first /(n+4) of ``cidr_block``, the secondary the second.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.base import ConfigError, DrSettings, invalid, raise_problems
from components.gcp.common import home_provider
from drkit_core.intent import Role

HEALTH_CHECK_RANGES = ("35.191.0.0/16", "130.211.0.0/22")
"""Google Front Ends and health checkers: where every request and probe of a global external
Application Load Balancer comes from (gcp.compute.getNetblockIpRanges "health-checkers")."""

SUBNET_INDEX = {Role.PRIMARY: 0, Role.SECONDARY: 1}

AGGREGATION_INTERVALS = ("INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN",
                         "INTERVAL_5_MIN", "INTERVAL_10_MIN", "INTERVAL_15_MIN")
FLOW_LOG_METADATA = ("INCLUDE_ALL_METADATA", "EXCLUDE_ALL_METADATA")


@dataclass(frozen=True)
class FlowLogs:
    """VPC flow logs of a subnet (checkov CKV_GCP_26). The defaults are Google's own for an
    enabled subnet; sample less or aggregate longer to cut Cloud Logging volume and cost."""

    aggregation_interval: str = "INTERVAL_5_SEC"
    """How long flows are aggregated into one record: one of :data:`AGGREGATION_INTERVALS`."""
    flow_sampling: float = 0.5
    """Share of flows recorded: more than 0, at most 1."""
    metadata: str = "INCLUDE_ALL_METADATA"
    """Add VM, VPC and location details to each record: one of :data:`FLOW_LOG_METADATA`."""

    def __post_init__(self) -> None:
        problems = []
        if self.aggregation_interval not in AGGREGATION_INTERVALS:
            problems.append(invalid("FlowLogs.aggregation_interval", self.aggregation_interval,
                                    f"allowed: {', '.join(AGGREGATION_INTERVALS)}"))
        if not (isinstance(self.flow_sampling, (int, float))
                and 0 < self.flow_sampling <= 1):
            problems.append(invalid("FlowLogs.flow_sampling", self.flow_sampling,
                                    "allowed: more than 0, at most 1"))
        if self.metadata not in FLOW_LOG_METADATA:
            problems.append(invalid("FlowLogs.metadata", self.metadata,
                                    f"allowed: {', '.join(FLOW_LOG_METADATA)}"))
        raise_problems(problems)

    def args(self) -> gcp.compute.SubnetworkLogConfigArgs:
        return gcp.compute.SubnetworkLogConfigArgs(
            aggregation_interval=self.aggregation_interval,
            flow_sampling=float(self.flow_sampling), metadata=self.metadata)


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of :class:`Network`."""

    network: pulumi.Input[str] | None = None
    """Secondary stack only: the primary stack's VPC (its ``network`` output, a network id)."""
    cidr_block: str = "10.10.0.0/16"
    """The app's range over both regions, /16 to /22: each region's subnet is a /(n+4) of it."""
    services_cidr: str = "10.20.0.0/20"
    """Private service access range (Cloud SQL private IPs), outside ``cidr_block``: /16-/24."""
    serving_ports: tuple[int, ...] = (8080,)
    """Ports the load balancer and its health checks reach on instances tagged ``backend_tag``."""
    backend_tag: str | None = None
    """Network tag of the load balancer's backends; default ``<app>-backend``."""
    flow_logs: FlowLogs = FlowLogs()
    """VPC flow logs of this region's subnet: sampling, aggregation interval, metadata."""

    def __post_init__(self) -> None:
        problems = []
        app_range = _network(self.cidr_block, 16, 22)
        if app_range is None:
            problems.append(invalid("NetworkArgs.cidr_block", self.cidr_block,
                                    "allowed: a private IPv4 network from /16 to /22"))
        services = _network(self.services_cidr, 16, 24)
        if services is None:
            problems.append(invalid("NetworkArgs.services_cidr", self.services_cidr,
                                    "allowed: a private IPv4 network from /16 to /24"))
        elif app_range is not None and services.overlaps(app_range):
            problems.append(invalid("NetworkArgs.services_cidr", self.services_cidr,
                                    f"allowed: a range outside cidr_block ({self.cidr_block})"))
        if not isinstance(self.flow_logs, FlowLogs):
            problems.append(invalid("NetworkArgs.flow_logs", self.flow_logs,
                                    "allowed: a FlowLogs (flow logs stay on)"))
        if not self.serving_ports or not all(1 <= p <= 65535 for p in self.serving_ports):
            problems.append(invalid("NetworkArgs.serving_ports", self.serving_ports,
                                    "allowed: one or more ports, 1-65535"))
        raise_problems(problems)

    def subnet_cidr(self, role: Role) -> str:
        network = ipaddress.IPv4Network(self.cidr_block)
        return str(list(network.subnets(new_prefix=network.prefixlen + 4))[SUBNET_INDEX[role]])


@dataclass(frozen=True)
class NetworkRefs:
    """What other components need from a network; build it by hand to reuse an existing one."""

    network: pulumi.Input[str]
    """The VPC's id (``projects/<p>/global/networks/<name>``)."""
    subnetwork: pulumi.Input[str]
    """This stack's subnet in its own region."""
    backend_tag: str
    """Tag instances with it to let the load balancer and its health checks in."""
    ready: Sequence[pulumi.Resource] = field(default_factory=tuple)
    """What a Cloud SQL instance with private IP must wait for (private service access)."""


class Network(pulumi.ComponentResource):
    """The VPC (primary), and this region's subnet, Cloud Router and NAT (both stacks)."""

    def __init__(self, name: str, settings: DrSettings, args: NetworkArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        home_provider("Network", opts)
        region = _check(settings, args)
        super().__init__("drkit:gcp:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tag = args.backend_tag or f"{settings.intent.app}-backend"
        ready: list[pulumi.Resource] = []

        if args.network is None:
            vpc = gcp.compute.Network(
                f"{name}-vpc", name=name, auto_create_subnetworks=False,
                routing_mode="GLOBAL", description=f"{settings.intent.app}: both DR regions",
                opts=child)
            network: pulumi.Input[str] = vpc.id
            gcp.compute.Firewall(
                f"{name}-allow-lb", name=f"{name}-allow-lb", network=vpc.id,
                description="Google Front Ends and health checks to the serving port(s)",
                direction="INGRESS", source_ranges=list(HEALTH_CHECK_RANGES),
                target_tags=[tag],
                allows=[gcp.compute.FirewallAllowArgs(
                    protocol="tcp", ports=[str(p) for p in args.serving_ports])],
                opts=child)
            services = ipaddress.IPv4Network(args.services_cidr)
            services_range = gcp.compute.GlobalAddress(
                f"{name}-services", name=f"{name}-services", network=vpc.id,
                purpose="VPC_PEERING", address_type="INTERNAL",
                address=str(services.network_address), prefix_length=services.prefixlen,
                description="Private service access (Cloud SQL private IP)", opts=child)
            self.services = gcp.servicenetworking.Connection(
                f"{name}-services", network=vpc.id, service="servicenetworking.googleapis.com",
                reserved_peering_ranges=[services_range.name],
                # Google removes the peering itself once no Cloud SQL instance uses it; deleting
                # it from here fails while any does.
                deletion_policy="ABANDON", opts=child)
            ready.append(self.services)
        else:
            network = args.network

        self.subnet = gcp.compute.Subnetwork(
            f"{name}-{region}", name=f"{name}-{region}", network=network, region=region,
            ip_cidr_range=args.subnet_cidr(settings.intent.role),
            private_ip_google_access=True, log_config=args.flow_logs.args(), opts=child)
        router = gcp.compute.Router(f"{name}-{region}", name=f"{name}-{region}",
                                    network=network, region=region, opts=child)
        gcp.compute.RouterNat(
            f"{name}-{region}", name=f"{name}-{region}", router=router.name, region=region,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetworks=[gcp.compute.RouterNatSubnetworkArgs(
                name=self.subnet.id, source_ip_ranges_to_nats=["ALL_IP_RANGES"])],
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=child)

        self.refs = NetworkRefs(network=network, subnetwork=self.subnet.id, backend_tag=tag,
                                ready=tuple(ready))
        self.register_outputs({"network": network, "subnetwork": self.subnet.id,
                               "backend_tag": tag})


def _check(settings: DrSettings, args: NetworkArgs) -> str:
    """Validate what depends on the stack's role; returns the network's region."""
    role = settings.intent.role
    if role is Role.GLOBAL or settings.intent.region is None:
        raise ConfigError([invalid("drkit:role", role.value, "a Network belongs in the primary "
                                   "or the secondary stack")])
    if role is Role.SECONDARY and args.network is None:
        raise_problems([invalid("NetworkArgs.network", None, "required in the secondary "
                                "stack: the primary stack's VPC (its network output); the "
                                "database replica must share the primary's network")])
    if role is Role.PRIMARY and args.network is not None:
        raise_problems([invalid("NetworkArgs.network", "<set>", "allowed: only in the "
                                "secondary stack (the primary creates the VPC)")])
    return settings.intent.region


def _network(text: str, min_prefix: int, max_prefix: int) -> ipaddress.IPv4Network | None:
    """The private network ``text`` when its prefix length is within the bounds; else None."""
    try:
        network = ipaddress.IPv4Network(text)
    except ValueError:
        return None
    if not (network.is_private and min_prefix <= network.prefixlen <= max_prefix):
        return None
    return network
