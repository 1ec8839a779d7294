"""Network: one custom-mode VPC for the app, with a subnet, Cloud Router and NAT per region.

A GCP VPC is global, so the app has one: the primary stack creates it with what belongs to the
whole network (the firewall rule admitting the load balancer, and private service access for
Cloud SQL private IP); each region's stack, the secondary included, adds its own subnet and a
Cloud Router with NAT (instances have no public IP). The secondary names the VPC by its id
(:func:`network_id`), so it needs nothing of the primary stack while that stack's region is
down. One network is required, not just convenient: a Cloud SQL cross-region replica with
private IP sits on the same VPC as its primary. A regional outage does not take the VPC down
(it is a global resource, in no region); the primary stack owns it whichever region is active,
and nothing about it changes when ``drkit:active`` does.

Every subnet records VPC flow logs (:class:`FlowLogs`): after an incident they show which
flows reached what, from where, and which were blocked on the way.

Subnets are carved from one app-wide range so both stacks agree without coordination: the
primary takes the first /(n+4) of ``cidr_block``, the secondary the second.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.args import Args, arg, between, instance_of, matches, one_of, satisfies
from components.base import DrSettings
from components.gcp.common import GcpComponent
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role

HEALTH_CHECK_RANGES = ("35.191.0.0/16", "130.211.0.0/22")
"""Google Front Ends and health checkers: where every request and probe of a global external
Application Load Balancer comes from (gcp.compute.getNetblockIpRanges "health-checkers")."""

SUBNET_INDEX = {Role.PRIMARY: 0, Role.SECONDARY: 1}

AGGREGATION_INTERVALS = ("INTERVAL_5_SEC", "INTERVAL_30_SEC", "INTERVAL_1_MIN",
                         "INTERVAL_5_MIN", "INTERVAL_10_MIN", "INTERVAL_15_MIN")
FLOW_LOG_METADATA = ("INCLUDE_ALL_METADATA", "EXCLUDE_ALL_METADATA")
_PORT = between(1, 65535)


def _private_network(min_prefix: int, max_prefix: int) -> Callable[[Any], bool]:
    def test(text: Any) -> bool:
        network = ipaddress.IPv4Network(text)
        return network.is_private and min_prefix <= network.prefixlen <= max_prefix
    return test


class FlowLogs(Args):
    """VPC flow logs of a subnet (checkov CKV_GCP_26). The defaults are Google's own for an
    enabled subnet; sample less or aggregate longer to cut Cloud Logging volume and cost."""

    aggregation_interval: str = arg(
        default="INTERVAL_5_SEC", doc="How long flows are aggregated into one record.",
        allowed=one_of(*AGGREGATION_INTERVALS))
    flow_sampling: float = arg(
        default=0.5, doc="Share of flows recorded.",
        allowed=satisfies(lambda v: isinstance(v, int | float) and not isinstance(v, bool)
                          and 0 < v <= 1, "more than 0, at most 1"))
    metadata: str = arg(
        default="INCLUDE_ALL_METADATA",
        doc="Add VM, VPC and location details to each record, or not.",
        allowed=one_of(*FLOW_LOG_METADATA))

    def args(self) -> gcp.compute.SubnetworkLogConfigArgs:
        return gcp.compute.SubnetworkLogConfigArgs(
            aggregation_interval=self.aggregation_interval,
            flow_sampling=float(self.flow_sampling), metadata=self.metadata)


class NetworkArgs(Args):
    """Inputs of :class:`Network`."""

    network: pulumi.Input[str] | None = arg(
        default=None,
        doc="Secondary stack only: the primary stack's VPC, by id (:func:`network_id`).")
    cidr_block: str = arg(
        default="10.10.0.0/16",
        doc="The app's range over both regions: each region's subnet is a /(n+4) of it.",
        allowed=satisfies(_private_network(16, 22), "a private IPv4 network from /16 to /22"))
    services_cidr: str = arg(
        default="10.20.0.0/20",
        doc="Private service access range (Cloud SQL private IPs), outside ``cidr_block``.",
        allowed=satisfies(_private_network(16, 24), "a private IPv4 network from /16 to /24"))
    serving_ports: tuple[int, ...] = arg(
        default=(8080,),
        doc="Ports the load balancer and its health checks reach on instances tagged "
            "``backend_tag``.",
        allowed=satisfies(lambda v: len(v) > 0 and all(_PORT.accepts(p) for p in v),
                          "one or more ports, 1-65535"))
    backend_tag: str | None = arg(
        default=None,
        doc="Network tag of the load balancer's backends; default ``<app>-backend``.",
        allowed=matches(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
                        "a network tag: lower-case letters, digits and dashes, 63 at most"))
    flow_logs: FlowLogs = arg(
        default=FlowLogs(),
        doc="VPC flow logs of this region's subnet: sampling, aggregation interval, metadata.",
        allowed=instance_of(FlowLogs, "a FlowLogs (flow logs stay on)"))

    def check(self) -> list[str]:
        if ipaddress.IPv4Network(self.services_cidr).overlaps(
                ipaddress.IPv4Network(self.cidr_block)):
            return [invalid(self.where("services_cidr"), self.services_cidr,
                            f"allowed: a range outside cidr_block ({self.cidr_block})")]
        return []

    def subnet_cidr(self, role: Role) -> str:
        network = ipaddress.IPv4Network(self.cidr_block)
        return str(list(network.subnets(new_prefix=network.prefixlen + 4))[SUBNET_INDEX[role]])


def network_id(project: str, name: str) -> str:
    """The id of the VPC a :class:`Network` named ``name`` creates in ``project``
    (``projects/<project>/global/networks/<name>``)."""
    return f"projects/{project}/global/networks/{name}"


class NetworkRefs(Args):
    """What other components need from a network; build it by hand to reuse an existing one."""

    network: pulumi.Input[str] = arg(
        doc="The VPC's id (``projects/<p>/global/networks/<name>``).")
    subnetwork: pulumi.Input[str] = arg(doc="This stack's subnet in its own region.")
    backend_tag: str = arg(
        doc="Tag instances with it to let the load balancer and its health checks in.")
    ready: Sequence[pulumi.Resource] = arg(
        default=(),
        doc="What a Cloud SQL instance with private IP must wait for (private service "
            "access).")


class Network(GcpComponent):
    """The VPC (primary), and this region's subnet, Cloud Router and NAT (both stacks)."""

    def __init__(self, name: str, settings: DrSettings, args: NetworkArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        region = self.intent.regions.of(self.intent.role)
        child = self.child()
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

    def check(self, name: str, intent: DrIntent, args: NetworkArgs) -> list[str]:
        """The secondary joins the primary's VPC; the primary creates it."""
        if intent.role is Role.SECONDARY and args.network is None:
            return [invalid("NetworkArgs.network", None, "required in the secondary stack: "
                            "the primary stack's VPC (its network output); the database "
                            "replica must share the primary's network")]
        if intent.role is Role.PRIMARY and args.network is not None:
            return [invalid("NetworkArgs.network", "<set>", "allowed: only in the secondary "
                            "stack (the primary creates the VPC)")]
        return []
