"""Standby compute tier: a regional managed instance group behind the global load balancer.

The same component runs in both regions; only its size differs, by the rule in
:func:`components.sizing.standby_capacity` (the active region full; the passive one by tier).
The group spreads its instances evenly over the region's zones, replaces instances that fail
their health check (autohealing, on the liveness path, in both regions), and exposes a named
port the global backend service sends traffic to. Instances are shielded VMs without public
IPs (they reach out through the region's Cloud NAT). Without ``startup_script`` they run
drkit's small default app (components/app.py), which answers the health path.

Each region's instances run as a service account of their own with least privilege: write
logs and metrics, connect to Cloud SQL through the Auth Proxy or a connector and log in with
IAM database authentication (``roles/cloudsql.client``, ``roles/cloudsql.instanceUser``), and
use the objects of the app's bucket (``roles/storage.objectUser`` on that bucket only). The
instance metadata ``drkit-db-connection`` names the writable primary's connection name (this
region's while it is active, the active region's otherwise), so the app in either region
writes to the one primary.

Sizes: a :class:`~gcp.compute.RegionAutoscaler` owns the group's size, between the capacity's
``min`` and ``max`` (``desired`` is an AWS notion; the autoscaler decides). GCP accepts
``min_replicas=0`` (the API's lower bound), which is what a pilot-light or backup-restore
passive region gets: the group exists, configured and wired into the load balancer, with no
instances. A CPU- or load-balancing-based autoscaler gets no signal from an empty group, so it
will not scale out from zero by itself: switching ``drkit:active`` raises the minimum, in the
same ``pulumi up`` that promotes the region's database.
"""

from __future__ import annotations

import functools
import re

import pulumi
import pulumi_gcp as gcp

from components.app import boot_script
from components.args import Args, arg, between, instance_of, matches
from components.base import DrSettings
from components.gcp.common import PORT_NAME, GcpComponent, invoke_opts, project_id
from components.gcp.network import NetworkRefs
from components.sizing import ORDERED, Capacity, standby_capacity
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent

AUTOHEAL_DELAY_SECONDS = 300
"""Time a new instance gets to boot before failed health checks make the group replace it."""

INSTANCE_ROLES = ("roles/logging.logWriter", "roles/monitoring.metricWriter",
                  "roles/cloudsql.client", "roles/cloudsql.instanceUser")
"""What the instances' service account may do in the project: logs and metrics, and connect to
Cloud SQL with IAM database authentication (Cloud SQL docs, "IAM authentication": the Auth
Proxy and connectors need ``cloudsql.client``, an IAM login ``cloudsql.instanceUser``)."""
BUCKET_ROLE = "roles/storage.objectUser"
"""What it may do on the app's bucket only: read, write and delete objects."""

_NAME = re.compile(r"^[a-z][a-z0-9-]{0,18}[a-z0-9]$")


class StandbyArgs(Args):
    """Inputs of :class:`StandbyTier`."""

    network: NetworkRefs = arg(
        doc="Instances go in this stack's subnet, tagged so the load balancer may reach them.",
        allowed=instance_of(NetworkRefs, "a NetworkRefs (a Network's refs)"))
    full_capacity: Capacity = arg(
        default=Capacity(min=2, desired=3, max=6),
        doc="Capacity at full load, run by the active region; the passive one runs a share of "
            "it, per tier.",
        allowed=ORDERED)
    machine_type: str = arg(
        default="e2-medium", doc="Compute Engine machine type of the instances.",
        allowed=matches(r"[a-z][a-z0-9]*-[a-z0-9-]+$", "a machine type such as e2-medium"))
    image: str = arg(
        default="debian-cloud/debian-12",
        doc="Boot image family: the family's newest image when the template is created.",
        allowed=matches(r"[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$",
                        "<project>/<family>, e.g. debian-cloud/debian-12"))
    app_port: int = arg(
        default=8080, doc="The port instances serve on.", allowed=between(1, 65535))
    port_name: str = arg(
        default="http",
        doc="Named port of the group; the global backend service sends traffic to it.",
        allowed=PORT_NAME)
    health_check_path: str = arg(
        default="/healthz",
        doc="Answered with 200 by a healthy instance; autohealing and the load balancer "
            "probe it.",
        allowed=matches("/", "a path starting with /, such as /healthz"))
    startup_script: str | None = arg(
        default=None,
        doc="Boot script of the app. None runs drkit's default app, which answers the health "
            "path (components/app.py).")
    bucket_name: pulumi.Input[str] | None = arg(
        default=None,
        doc="The app's bucket: the instances may read, write and delete its objects.")
    database_connection: pulumi.Input[str] | None = arg(
        default=None,
        doc="Connection name of the writable Cloud SQL primary, given to the app as instance "
            "metadata ``drkit-db-connection``.")
    disk_size_gb: int = arg(
        default=20, doc="Boot disk (pd-balanced) of each instance.",
        allowed=between(10, 65536))
    zone_count: int = arg(
        default=3, doc="Zones to spread over: 3 so a zone failure leaves two.",
        allowed=between(2, 4, why="a DR region needs at least 2 zones"))
    cpu_target: float = arg(
        default=0.6, doc="Average CPU utilization the autoscaler aims for.",
        allowed=between(0.1, 0.9))


class StandbyTier(GcpComponent):
    """Service account, instance template, regional MIG with autohealing, and its autoscaler."""

    def __init__(self, name: str, settings: DrSettings, args: StandbyArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        provider = self.provider
        region = self.intent.regions.of(self.intent.role)
        self.capacity = standby_capacity(settings.intent, args.full_capacity)
        child = self.child()
        role = settings.intent.role.value

        account = gcp.serviceaccount.Account(
            f"{name}-sa", account_id=f"{name}-{role}",
            display_name=f"{name} instances ({region})", opts=child)
        project = project_id(provider)
        for grant in INSTANCE_ROLES:
            gcp.projects.IAMMember(f"{name}-{grant.rsplit('.', 1)[-1]}", project=project,
                                   role=grant, member=account.member, opts=child)
        if args.bucket_name is not None:
            gcp.storage.BucketIAMMember(f"{name}-objects", bucket=args.bucket_name,
                                        role=BUCKET_ROLE, member=account.member, opts=child)

        self.health_check = gcp.compute.HealthCheck(
            f"{name}-autoheal", name=f"{name}-{region}-autoheal",
            check_interval_sec=10, timeout_sec=5, healthy_threshold=2, unhealthy_threshold=3,
            http_health_check=gcp.compute.HealthCheckHttpHealthCheckArgs(
                port=args.app_port, request_path=args.health_check_path),
            opts=child)
        template = self._template(name, args, region, account)
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

    def check(self, name: str, intent: DrIntent, args: StandbyArgs) -> list[str]:
        """The name fits the service account's."""
        if not _NAME.match(name):
            return [invalid("StandbyTier name", name, "allowed: 2-20 lower-case letters, "
                            "digits and dashes, starting with a letter (it names the service "
                            "account with the stack's role, 30 characters at most)")]
        return []

    def _template(self, name: str, args: StandbyArgs, region: str,
                  account: gcp.serviceaccount.Account) -> gcp.compute.InstanceTemplate:
        project, family = args.image.split("/")
        image = gcp.compute.get_image_output(project=project, family=family,
                                             opts=invoke_opts(self.provider))
        return gcp.compute.InstanceTemplate(
            f"{name}-template", name_prefix=f"{name}-{region}-"[:37],
            description=f"{name} ({region})", region=region,
            machine_type=args.machine_type, tags=[args.network.backend_tag],
            labels=self.labels,
            disks=[gcp.compute.InstanceTemplateDiskArgs(
                source_image=image.self_link, boot=True, auto_delete=True,
                disk_type="pd-balanced", disk_size_gb=args.disk_size_gb)],
            network_interfaces=[gcp.compute.InstanceTemplateNetworkInterfaceArgs(
                subnetwork=args.network.subnetwork)],  # no access_configs: no public IP
            shielded_instance_config=gcp.compute.InstanceTemplateShieldedInstanceConfigArgs(
                enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True),
            service_account=gcp.compute.InstanceTemplateServiceAccountArgs(
                email=account.email, scopes=["cloud-platform"]),
            metadata={"enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE",
                      **({"drkit-db-connection": args.database_connection}
                         if args.database_connection is not None else {})},
            metadata_startup_script=args.startup_script if args.startup_script is not None
            else boot_script({"APP_PORT": args.app_port, "HEALTH_PATH": args.health_check_path,
                              "REGION": region}),
            # Templates are immutable: a change creates a new one (name_prefix keeps names
            # unique) before the group rolls over to it and the old one is deleted.
            opts=self.child())


def _zones(names: list[str], count: int) -> list[str]:
    if len(names) < count:
        raise ValueError(f"StandbyArgs.zone_count: the region has only {len(names)} zones up "
                         f"({', '.join(names)}); lower zone_count")
    return names[:count]
