"""The program both GCP templates run (``stacks/gcp-warm-standby``, ``stacks/gcp-active-active``).

One switch, ``drkit:active`` (the same in every stack), says which region holds the writable
Cloud SQL primary. The two regional stacks run the same program; what differs is whether the
stack's region is active, and the few global pieces the primary stack owns whichever region
is active:

primary stack   -> the VPC (private service access, firewall) and the dual-region bucket
                   (global resources, in no region); then what every region has:
every region    -> its subnet and NAT, the Cloud SQL primary (active region) or a replica of it
                   (passive region), the compute tier (full in the active region, by tier in
                   the passive one)
global          -> the global external Application Load Balancer over both regions' groups,
                   serving from the active region (and from both in active-active)

The passive region's stack reads the active one's outputs (components/peers.py); the active
one reads none, and names the VPC and the bucket it needs by their ids. So the stacks updated
during a failover (the passive region's and the global one) make no call into the lost
region. The global stack's provider has no region at all: every piece of the load balancer is
global.

Template settings live in the project's namespace (``gcp-warm-standby:minSize``...); their
defaults, descriptions and constraints are the fields of :class:`Settings`, read by the shared
loader (components/template.py). The GCP project is ``gcp:project``, given to every (explicit)
provider.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from components import peers
from components.args import allowed_of, arg
from components.base import ConfigError, DrSettings, load_intent
from components.gcp.bucket import BucketArgs, ReplicatedBucket
from components.gcp.common import labels
from components.gcp.database import DatabaseArgs, ReplicatedDatabase
from components.gcp.entry import EntryArgs, FailoverEntry, RegionalBackend
from components.gcp.network import Network, NetworkArgs, network_id
from components.gcp.standby import StandbyArgs, StandbyTier
from components.sizing import ORDERED, Capacity
from components.template import TemplateSettings, load_settings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role, Tier


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
        default=2, doc="Full capacity (the active region's); the passive region runs a share "
                       "of it, per tier.",
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
    startup_script: str | None = arg(
        default=None,
        doc="Region stacks: the instances' boot script (the app); default drkit's app that "
            "answers the health path.")
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

    @property
    def full_capacity(self) -> Capacity:
        return Capacity(min=self.min_size, desired=self.desired_size, max=self.max_size)

    def check(self) -> list[str]:
        if not self.full_capacity.ordered():
            return [invalid(f"{self.where('min_size')}/desiredSize/maxSize",
                            (self.min_size, self.desired_size, self.max_size),
                            ORDERED.allowed())]
        return []


def deploy() -> None:
    """Build the running stack: validate all config first, then register resources."""
    intent = load_intent()
    template = load_settings(Settings, intent)
    settings = DrSettings(intent)
    if intent.role is Role.GLOBAL:
        _global(intent, template, settings)
    else:
        _regional(intent, template, settings)


def _project() -> str:
    return pulumi.Config("gcp").require("project")


def _provider(region: str | None, settings: DrSettings) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(provider=gcp.Provider(
        f"gcp-{region or 'global'}", project=_project(), region=region,
        default_labels=labels(settings)))


def _regional(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    app, region = intent.app, str(intent.region)
    home = _provider(region, settings)
    network_name = f"{app}-net"
    network = Network(network_name, settings, NetworkArgs(
        network=None if intent.role is Role.PRIMARY else network_id(_project(), network_name),
        cidr_block=template.cidr_block, serving_ports=(template.app_port,)), opts=home)
    bucket_name = pulumi.Output.concat(f"{app}-data-", _project())
    if intent.role is Role.PRIMARY:
        # A dual-region bucket serves both regions under one name: nothing to fail over.
        bucket = ReplicatedBucket(f"{app}-data", settings, BucketArgs(
            location=template.bucket_location, kms_key_name=template.bucket_kms_key_name),
            opts=home)
        bucket_name = bucket.bucket_name
        pulumi.export("bucketName", bucket.bucket_name)
        pulumi.export("bucketUrl", bucket.url)

    active = None if intent.is_active else peers.read(str(intent.stack_of(intent.active)))
    if active is not None and not active.deployed:
        raise ConfigError([f"drkit:active: the active stack {active.stack} has not been "
                           f"deployed: `pulumi up --stack {active.stack}` first (this stack's "
                           "database replicates its primary)"])
    database = None
    if intent.tier is not Tier.BACKUP_RESTORE or intent.is_active:
        database = ReplicatedDatabase(f"{app}-db", settings, DatabaseArgs(
            network=network.refs, tier=template.db_tier, kms_key_name=template.db_kms_key_name,
            master_instance_name=active.output("dbInstanceName") if active else None),
            opts=home)
    writer = database.connection_name if database is not None and database.active else (
        active.output("dbConnectionName") if active is not None else None)
    web = StandbyTier(f"{app}-web", settings, StandbyArgs(
        network=network.refs, full_capacity=template.full_capacity,
        machine_type=template.machine_type, app_port=template.app_port,
        health_check_path=template.health_check_path, startup_script=template.startup_script,
        bucket_name=bucket_name, database_connection=writer), opts=home)

    pulumi.export("region", region)
    pulumi.export("active", intent.active.value)
    pulumi.export("network", network.refs.network)
    pulumi.export("subnetwork", network.refs.subnetwork)
    pulumi.export("instanceGroup", web.instance_group)
    pulumi.export("minReplicas", web.capacity.min)
    if database is not None:
        pulumi.export("dbInstanceName", database.instance_name)
        pulumi.export("dbConnectionName", database.connection_name)
        pulumi.export("dbPrivateIp", database.private_ip)


def _global(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    # Every piece of the load balancer is global: the provider needs no region.
    home = _provider(None, settings)
    active = peers.read(str(intent.stack_of(intent.active)))
    standby = peers.read(str(intent.stack_of(intent.passive)))
    for peer in (active, standby):
        if not peer.deployed:
            raise ConfigError([f"drkit:stacks: the stack {peer.stack} has not been deployed: "
                               "`pulumi up` both regions' stacks before the global one"])

    def backend(peer: peers.Peer, role: Role) -> RegionalBackend:
        return RegionalBackend(region=intent.regions.of(role),
                               instance_group=peer.output("instanceGroup"))

    # The passive region's group serves (active-active) once its stack was deployed for the
    # current switch: until then it may run against a diverged old primary (or be down).
    ready = standby.active is intent.active
    entry = FailoverEntry(f"{intent.app}-lb", settings, EntryArgs(
        active=backend(active, intent.active), standby=backend(standby, intent.passive),
        standby_rebuilt=ready,
        domain=template.domain, health_check_path=template.health_check_path), opts=home)
    pulumi.export("ipAddress", entry.ip_address)
    pulumi.export("url", entry.url)
    pulumi.export("activeRegion", intent.regions.of(intent.active))
    pulumi.export("standbyRegion", intent.regions.of(intent.passive) if ready else None)
