"""Standby compute tier: a regional managed instance group behind the global load balancer.

The same component runs in both regions; only its size differs, by the rule in
:func:`components.base.standby_capacity` (primary full; secondary by tier). The group spreads
its instances evenly over the region's zones, replaces instances that fail their health check
(autohealing), and exposes a named port the global backend service sends traffic to. Instances
are shielded VMs without public IPs (they reach out through the region's Cloud NAT) and run as
a service account of their own that can only write logs and metrics.

Sizes: a :class:`~gcp.compute.RegionAutoscaler` owns the group's size, between the capacity's
``min`` and ``max`` (``desired`` is an AWS notion; the autoscaler decides). GCP accepts
``min_replicas=0`` (the API's lower bound), which is what a pilot-light or backup-restore
secondary gets: the group exists, configured and wired into the load balancer, with no
instances. A CPU- or load-balancing-based autoscaler gets no signal from an empty group, so it
will not scale out from zero by itself: failing over raises the minimum (``failed_over=True``,
the template's ``failover`` setting), the same step as the AWS tier's 0/0 Auto Scaling group.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.base import (
    Capacity,
    ConfigError,
    DrSettings,
    invalid,
    raise_problems,
    standby_capacity,
)
from components.gcp.common import home_provider, invoke_opts, labels, project_id
from components.gcp.network import NetworkRefs
from drkit_core.intent import Role

AUTOHEAL_DELAY_SECONDS = 300
"""Time a new instance gets to boot before failed health checks make the group replace it."""

INSTANCE_ROLES = ("roles/logging.logWriter", "roles/monitoring.metricWriter")
"""All the instances' service account may do."""

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,18}[a-z0-9]$")
_IMAGE = re.compile(r"^[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class StandbyArgs:
    """Inputs of :class:`StandbyTier`."""

    network: NetworkRefs
    """Instances go in this stack's subnet, tagged so the load balancer may reach them."""
    full_capacity: Capacity = field(default_factory=lambda: Capacity(min=2, desired=3, max=6))
    """Capacity at full load; the secondary runs a share of it, per tier."""
    machine_type: str = "e2-medium"
    image: str = "debian-cloud/debian-12"
    """``<project>/<family>``: the family's newest image when the template is created."""
    app_port: int = 8080
    port_name: str = "http"
    """Named port of the group; the global backend service sends traffic to it."""
    health_check_path: str = "/healthz"
    """Answered with 200 by a healthy instance; autohealing and the load balancer probe it."""
    startup_script: str | None = None
    disk_size_gb: int = 20
    zone_count: int = 3
    """Zones to spread over: 3 so a zone failure leaves two; at least 2."""
    cpu_target: float = 0.6
    """Average CPU utilization the autoscaler aims for."""
    failed_over: bool = False
    """Secondary only: run full capacity (failover), whatever the tier."""

    def __post_init__(self) -> None:
        problems = self.full_capacity.problems("StandbyArgs.full_capacity")
        if not self.health_check_path.startswith("/"):
            problems.append(invalid("StandbyArgs.health_check_path", self.health_check_path,
                                    "allowed: a path starting with /, such as /healthz"))
        if not 1 <= self.app_port <= 65535:
            problems.append(invalid("StandbyArgs.app_port", self.app_port, "allowed: 1-65535"))
        if not _IMAGE.match(self.image):
            problems.append(invalid("StandbyArgs.image", self.image,
                                    "allowed: <project>/<family>, e.g. debian-cloud/debian-12"))
        if not 2 <= self.zone_count <= 4:
            problems.append(invalid("StandbyArgs.zone_count", self.zone_count,
                                    "allowed: 2 to 4 (a DR region needs at least 2 zones)"))
        if not 0.1 <= self.cpu_target <= 0.9:
            problems.append(invalid("StandbyArgs.cpu_target", self.cpu_target,
                                    "allowed: 0.1 to 0.9"))
        if not 10 <= self.disk_size_gb <= 65536:
            problems.append(invalid("StandbyArgs.disk_size_gb", self.disk_size_gb,
                                    "allowed: 10 to 65536"))
        raise_problems(problems)


class StandbyTier(pulumi.ComponentResource):
    """Service account, instance template, regional MIG with autohealing, and its autoscaler."""

    def __init__(self, name: str, settings: DrSettings, args: StandbyArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        provider = home_provider("StandbyTier", opts)
        region = _check(name, settings, args)
        self.capacity = (args.full_capacity if args.failed_over
                         else standby_capacity(settings.intent, args.full_capacity))
        super().__init__("drkit:gcp:StandbyTier", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = settings.intent.role.value

        account = gcp.serviceaccount.Account(
            f"{name}-sa", account_id=f"{name}-{role}",
            display_name=f"{name} instances ({region})", opts=child)
        project = project_id(provider)
        for grant in INSTANCE_ROLES:
            gcp.projects.IAMMember(f"{name}-{grant.rsplit('.', 1)[-1]}", project=project,
                                   role=grant, member=account.member, opts=child)

        self.health_check = gcp.compute.HealthCheck(
            f"{name}-autoheal", name=f"{name}-{region}-autoheal",
            check_interval_sec=10, timeout_sec=5, healthy_threshold=2, unhealthy_threshold=3,
            http_health_check=gcp.compute.HealthCheckHttpHealthCheckArgs(
                port=args.app_port, request_path=args.health_check_path),
            opts=child)
        template = self._template(name, settings, args, region, account, provider)
        zones = gcp.compute.get_zones_output(region=region, status="UP",
                                             opts=invoke_opts(provider))
        self.group = gcp.compute.RegionInstanceGroupManager(
            f"{name}-mig", name=f"{name}-{region}", base_instance_name=name, region=region,
            versions=[gcp.compute.RegionInstanceGroupManagerVersionArgs(
                name="primary", instance_template=template.self_link_unique)],
            distribution_policy_zones=zones.names.apply(
                functools.partial(_zones, count=args.zone_count)),
            distribution_policy_target_shape="EVEN",
            named_ports=[gcp.compute.RegionInstanceGroupManagerNamedPortArgs(
                name=args.port_name, port=args.app_port)],
            auto_healing_policies=gcp.compute.RegionInstanceGroupManagerAutoHealingPoliciesArgs(
                health_check=self.health_check.id, initial_delay_sec=AUTOHEAL_DELAY_SECONDS),
            update_policy=gcp.compute.RegionInstanceGroupManagerUpdatePolicyArgs(
                type="PROACTIVE", minimal_action="REPLACE",
                instance_redistribution_type="PROACTIVE", replacement_method="SUBSTITUTE",
                # A regional group surges and drains by at least one instance per zone.
                max_surge_fixed=args.zone_count, max_unavailable_fixed=0),
            wait_for_instances=False,
            opts=child)
        self.autoscaler = gcp.compute.RegionAutoscaler(
            f"{name}-autoscaler", name=f"{name}-{region}", region=region,
            target=self.group.id,
            autoscaling_policy=gcp.compute.RegionAutoscalerAutoscalingPolicyArgs(
                min_replicas=self.capacity.min, max_replicas=self.capacity.max,
                cooldown_period=120, mode="ON",
                cpu_utilization=gcp.compute.RegionAutoscalerAutoscalingPolicyCpuUtilizationArgs(
                    target=args.cpu_target)),
            opts=child)

        self.instance_group = self.group.instance_group
        self.register_outputs({"instance_group": self.instance_group,
                               "group_manager": self.group.self_link,
                               "min_replicas": self.capacity.min,
                               "max_replicas": self.capacity.max})

    def _template(self, name: str, settings: DrSettings, args: StandbyArgs, region: str,
                  account: gcp.serviceaccount.Account,
                  provider: gcp.Provider) -> gcp.compute.InstanceTemplate:
        project, family = args.image.split("/")
        image = gcp.compute.get_image_output(project=project, family=family,
                                             opts=invoke_opts(provider))
        return gcp.compute.InstanceTemplate(
            f"{name}-template", name_prefix=f"{name}-{region}-"[:37],
            description=f"{name} ({region})", region=region,
            machine_type=args.machine_type, tags=[args.network.backend_tag],
            labels=labels(settings),
            disks=[gcp.compute.InstanceTemplateDiskArgs(
                source_image=image.self_link, boot=True, auto_delete=True,
                disk_type="pd-balanced", disk_size_gb=args.disk_size_gb)],
            network_interfaces=[gcp.compute.InstanceTemplateNetworkInterfaceArgs(
                subnetwork=args.network.subnetwork)],  # no access_configs: no public IP
            shielded_instance_config=gcp.compute.InstanceTemplateShieldedInstanceConfigArgs(
                enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True),
            service_account=gcp.compute.InstanceTemplateServiceAccountArgs(
                email=account.email, scopes=["cloud-platform"]),
            metadata={"enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE"},
            metadata_startup_script=args.startup_script,
            # Templates are immutable: a change creates a new one (name_prefix keeps names
            # unique) before the group rolls over to it and the old one is deleted.
            opts=pulumi.ResourceOptions(parent=self))


def _check(name: str, settings: DrSettings, args: StandbyArgs) -> str:
    """Validate what depends on the stack's role; returns the tier's region."""
    intent = settings.intent
    if intent.region is None:
        raise ConfigError([invalid("drkit:role", intent.role.value, "a StandbyTier belongs in "
                                   "the primary or the secondary stack")])
    problems = []
    if not _NAME.match(name):
        problems.append(invalid("StandbyTier name", name, "allowed: 2-20 lower-case letters, "
                                "digits and dashes, starting with a letter (it names the "
                                "service account with the stack's role, 30 characters at most)"))
    if args.failed_over and intent.role is not Role.SECONDARY:
        problems.append(invalid("StandbyArgs.failed_over", True,
                                "allowed: only in the secondary stack"))
    raise_problems(problems)
    return intent.region


def _zones(names: list[str], count: int) -> list[str]:
    if len(names) < count:
        raise ValueError(f"StandbyArgs.zone_count: the region has only {len(names)} zones up "
                         f"({', '.join(names)}); lower zone_count")
    return names[:count]
