"""The program both GCP templates run (``stacks/gcp-warm-standby``, ``stacks/gcp-active-active``).

What a stack builds depends on ``drkit:role``; how much the secondary runs and whether it
takes traffic, on ``drkit:tier``. The two templates differ only in their stacks' config, so
they share this one program instead of two copies of it.

primary   -> the VPC (private service access, firewall), this region's subnet and NAT, the
             Cloud SQL primary, the dual-region bucket, the full compute tier
secondary -> its subnet and NAT in the primary's VPC, the Cloud SQL replica, a compute tier
             sized by tier
global    -> the global external Application Load Balancer over both regions' groups

Template settings live in the project's namespace (``gcp-warm-standby:minSize``...); their
defaults, descriptions and constraints are the fields of :class:`Settings`, read by the shared
loader (components/template.py). The GCP project is ``gcp:project``, given to every (explicit)
provider.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from components.args import allowed_of, arg
from components.base import DrSettings, load_intent
from components.gcp.bucket import BucketArgs, ReplicatedBucket
from components.gcp.common import labels
from components.gcp.database import DatabaseArgs, ReplicatedDatabase
from components.gcp.entry import EntryArgs, FailoverEntry, RegionalBackend
from components.gcp.network import Network, NetworkArgs
from components.gcp.standby import StandbyArgs, StandbyTier
from components.sizing import ORDERED, Capacity
from components.template import TemplateSettings, load_settings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role


class Settings(TemplateSettings):
    """The GCP templates' settings: ``<project>:<camelCaseName>`` in a stack's config."""

    domain: str | None = arg(
        default=None,
        doc="Global stack: the name clients use; adds HTTPS with a Google-managed "
            "certificate.",
        allowed=allowed_of(EntryArgs, "domain"))
    machine_type: str = arg(default="e2-medium", doc="Instance machine type.",
                            allowed=allowed_of(StandbyArgs, "machine_type"))
    db_tier: str = arg(
        default="db-custom-2-7680",
        doc="Cloud SQL machine tier (the replica's too: it must carry the load once "
            "promoted).",
        allowed=allowed_of(DatabaseArgs, "tier"))
    min_size: int = arg(
        default=2, doc="Full capacity (the primary's); the secondary runs a share of it, per "
                       "tier.",
        allowed=allowed_of(Capacity, "min"))
    desired_size: int = arg(default=3, doc="Instances to run at full capacity.",
                            allowed=allowed_of(Capacity, "desired"))
    max_size: int = arg(default=6, doc="Most instances at full capacity.",
                        allowed=allowed_of(Capacity, "max"))
    app_port: int = arg(default=8080, doc="The port instances serve on (named port ``http``).",
                        allowed=allowed_of(StandbyArgs, "app_port"))
    health_check_path: str = arg(
        default="/healthz", doc="Probed by autohealing and by the load balancer.",
        allowed=allowed_of(StandbyArgs, "health_check_path"))
    cidr_block: str = arg(
        default="10.10.0.0/16",
        doc="The app's range over both regions; each region's stack takes its own subnet of "
            "it.",
        allowed=allowed_of(NetworkArgs, "cidr_block"))
    db_kms_key_name: str | None = arg(
        default=None,
        doc="Customer-managed key for this stack's database (in the stack's region).")
    bucket_kms_key_name: str | None = arg(
        default=None,
        doc="Customer-managed key for the bucket (GCS's service agent is granted its use).")
    bucket_location: str | None = arg(
        default=None,
        doc="A predefined dual-region (EUR4...); default a dual-region of the app's two "
            "regions.")
    failover: bool = arg(
        default=False,
        doc="Secondary and global stacks: promote the replica, run full capacity, move "
            "traffic.")

    @property
    def full_capacity(self) -> Capacity:
        return Capacity(min=self.min_size, desired=self.desired_size, max=self.max_size)

    def check(self) -> list[str]:
        if not self.full_capacity.ordered():
            return [invalid(f"{self.where('min_size')}/desiredSize/maxSize",
                            (self.min_size, self.desired_size, self.max_size),
                            ORDERED.allowed())]
        return []

    def stack_problems(self, intent: DrIntent) -> list[str]:
        if self.failover and intent.role is Role.PRIMARY:
            return [invalid(self.where("failover"), True, "set it in the secondary and global "
                            "stacks, which take over")]
        return []


def deploy() -> None:
    """Build the running stack: validate all config first, then register resources."""
    intent = load_intent()
    template = load_settings(Settings, intent)
    settings = DrSettings(intent)
    builders = {Role.PRIMARY: _primary, Role.SECONDARY: _secondary, Role.GLOBAL: _global}
    builders[intent.role](intent, template, settings)


def _provider(region: str, settings: DrSettings) -> pulumi.ResourceOptions:
    project = pulumi.Config("gcp").require("project")
    return pulumi.ResourceOptions(provider=gcp.Provider(
        f"gcp-{region}", project=project, region=region, default_labels=labels(settings)))


def _regional(intent: DrIntent, template: Settings, settings: DrSettings,
              network_args: NetworkArgs, home: pulumi.ResourceOptions) -> Network:
    """What both regions run: the network's regional part and the compute tier."""
    app = intent.app
    network = Network(f"{app}-net", settings, network_args, opts=home)
    web = StandbyTier(f"{app}-web", settings, StandbyArgs(
        network=network.refs, full_capacity=template.full_capacity,
        machine_type=template.machine_type, app_port=template.app_port,
        health_check_path=template.health_check_path,
        failed_over=template.failover and intent.role is Role.SECONDARY), opts=home)
    pulumi.export("region", intent.region)
    pulumi.export("network", network.refs.network)
    pulumi.export("subnetwork", network.refs.subnetwork)
    pulumi.export("instanceGroup", web.instance_group)
    pulumi.export("minReplicas", web.capacity.min)
    return network


def _database_exports(database: ReplicatedDatabase) -> None:
    pulumi.export("dbInstanceName", database.instance_name)
    pulumi.export("dbConnectionName", database.connection_name)
    pulumi.export("dbPrivateIp", database.private_ip)


def _primary(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    assert intent.region is not None
    home = _provider(intent.region, settings)
    network = _regional(intent, template, settings, NetworkArgs(
        cidr_block=template.cidr_block, serving_ports=(template.app_port,)), home)
    database = ReplicatedDatabase(f"{intent.app}-db", settings, DatabaseArgs(
        network=network.refs, tier=template.db_tier, kms_key_name=template.db_kms_key_name),
        opts=home)
    bucket = ReplicatedBucket(f"{intent.app}-data", settings, BucketArgs(
        location=template.bucket_location, kms_key_name=template.bucket_kms_key_name),
        opts=home)
    _database_exports(database)
    pulumi.export("bucketName", bucket.bucket_name)
    pulumi.export("bucketUrl", bucket.url)


def _secondary(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    assert intent.region is not None
    home = _provider(intent.region, settings)
    source = pulumi.StackReference(str(intent.stacks.primary))
    network = _regional(intent, template, settings, NetworkArgs(
        network=source.require_output("network"), cidr_block=template.cidr_block,
        serving_ports=(template.app_port,)), home)
    database = ReplicatedDatabase(f"{intent.app}-db", settings, DatabaseArgs(
        network=network.refs, tier=template.db_tier, kms_key_name=template.db_kms_key_name,
        master_instance_name=source.require_output("dbInstanceName"),
        promote=template.failover), opts=home)
    _database_exports(database)


def _global(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    # Every resource of the load balancer is global; the region only sets the provider's.
    home = _provider(intent.regions.primary, settings)
    backends = {}
    for role, stack in (("primary", intent.stacks.primary),
                        ("secondary", intent.stacks.secondary)):
        reference = pulumi.StackReference(str(stack))
        backends[role] = RegionalBackend(region=getattr(intent.regions, role),
                                         instance_group=reference.require_output("instanceGroup"))
    entry = FailoverEntry(f"{intent.app}-lb", settings, EntryArgs(
        primary=backends["primary"], secondary=backends["secondary"], domain=template.domain,
        health_check_path=template.health_check_path, failed_over=template.failover),
        opts=home)
    pulumi.export("ipAddress", entry.ip_address)
    pulumi.export("url", entry.url)
