"""The program of the AWS template (``stacks/aws-warm-standby``, also the repository root's
project).

One switch, ``drkit:active`` (the same in every stack), says which region holds the writer. The
two regional stacks run the same program; what differs is whether the stack's region is active:

active region  -> network, the writer database, its bucket, its vault and backup plan, the
                  compute tier at full capacity
passive region -> network, a read replica of the active writer, its bucket, its vault and backup
                  plan, the compute tier sized by drkit:tier
global         -> the app's DNS name: PRIMARY the active region, SECONDARY the passive one once
                  it was deployed for the current drkit:active

Each regional stack has providers of its own region only, and the passive one reads the active
one's outputs (components/peers.py), so the stacks updated during a failover (the passive
region's and the global one) make no call into the lost region. The global stack's provider is
in a third region (``globalRegion``): Route53 is global, but a provider validates its
credentials in its own region.

Template settings live in the project's namespace (``aws-warm-standby:minSize``...); their
defaults, descriptions and constraints are the fields of :class:`Settings`, read by the shared
loader (components/template.py).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components import peers
from components.args import allowed_of, arg, satisfies
from components.aws.backup import BackupArgs, BackupPlan
from components.aws.bucket import BucketArgs, ReplicatedBucket
from components.aws.database import DatabaseArgs, ReplicatedDatabase
from components.aws.failover import FailoverArgs, FailoverEntry, RegionalEndpoint
from components.aws.network import Network, NetworkArgs
from components.aws.standby import StandbyArgs, StandbyTier
from components.base import ConfigError, DrSettings, load_intent
from components.sizing import ORDERED, Capacity
from components.template import TemplateSettings, load_settings
from drkit_core import regions
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role, Tier

DEFAULT_CIDRS = {Role.PRIMARY: "10.0.0.0/16", Role.SECONDARY: "10.1.0.0/16"}
"""Each region's VPC range unless ``cidrBlock`` says otherwise: two ranges, so the regions can
be peered or reached over one VPN without renumbering."""


class Settings(TemplateSettings):
    """The AWS template's settings: ``<project>:<camelCaseName>`` in a stack's config."""

    domain: str = arg(default="shop.example.com",
                      doc="The name clients use; a record in ``zoneName`` (global stack).")
    zone_name: str = arg(default="example.com",
                         doc="Public Route53 hosted zone holding the domain (global stack).")
    global_region: str | None = arg(
        default=None,
        doc="Global stack: the region of its AWS provider, neither app region, so that stack "
            "never calls into a lost region (Route53 is global; the provider still validates "
            "its credentials in its region). Required there.",
        allowed=satisfies(lambda v: regions.cloud_of(v) == "aws", "an AWS region"))
    instance_type: str = arg(default="t3.medium", doc="EC2 instance type of the compute tier.",
                             allowed=allowed_of(StandbyArgs, "instance_type"))
    db_instance_class: str = arg(
        default="db.m6g.large",
        doc="RDS instance class (the replica's too: it must carry the load once promoted).",
        allowed=allowed_of(DatabaseArgs, "instance_class"))
    min_size: int = arg(
        default=2, doc="Full capacity (the active region's); the passive region runs a share "
                       "of it, per tier.",
        allowed=allowed_of(Capacity, "min"))
    desired_size: int = arg(default=3, doc="Instances to run at full capacity.",
                            allowed=allowed_of(Capacity, "desired"))
    max_size: int = arg(default=6, doc="Most instances at full capacity.",
                        allowed=allowed_of(Capacity, "max"))
    az_count: int = arg(default=3, doc="Availability zones each region's network spans.",
                        allowed=allowed_of(NetworkArgs, "az_count"))
    cidr_block: str | None = arg(
        default=None,
        doc="Region stacks: the VPC range; default 10.0.0.0/16 (primary) and 10.1.0.0/16 "
            "(secondary). The two regions must differ.",
        allowed=allowed_of(NetworkArgs, "cidr_block"))
    health_check_path: str = arg(
        default="/healthz", doc="Liveness, probed by the load balancers.",
        allowed=allowed_of(StandbyArgs, "health_check_path"))
    serving_path: str = arg(
        default="/healthz/serving",
        doc="Probed by Route53: answered only while the region takes writes.",
        allowed=allowed_of(StandbyArgs, "serving_path"))
    certificate_arn: str | None = arg(
        default=None,
        doc="Region stacks: ACM certificate of the stack's region; adds HTTPS to its load "
            "balancer (and Route53 then probes it over HTTPS).",
        allowed=allowed_of(StandbyArgs, "certificate_arn"))
    user_data: str | None = arg(
        default=None,
        doc="Region stacks: the instances' boot script (the app); default drkit's app that "
            "answers the health and serving paths.")

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
        if intent.role is not Role.GLOBAL:
            if self.global_region is not None:
                return [invalid(self.where("global_region"), self.global_region,
                                "allowed: only in the global stack")]
            return []
        app_regions = (intent.regions.primary, intent.regions.secondary)
        if self.global_region is None:
            return [f"{self.where('global_region')}: missing; the global stack's provider "
                    f"needs a region other than {' and '.join(app_regions)} (for example "
                    "eu-west-3 for an app in the EU)"]
        if self.global_region in app_regions:
            return [invalid(self.where("global_region"), self.global_region,
                            f"allowed: a region other than the app's ({', '.join(app_regions)}):"
                            " the global stack is updated while one of them is lost")]
        if not regions.within(self.global_region, intent.residency):
            return [invalid(self.where("global_region"), self.global_region,
                            f"allowed: a region inside drkit:residency "
                            f"({', '.join(sorted(intent.residency))})")]
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


def _provider(region: str, settings: DrSettings) -> aws.Provider:
    return aws.Provider(f"aws-{region}", region=region,
                        default_tags=aws.ProviderDefaultTagsArgs(tags=settings.all_tags))


def _active_peer(intent: DrIntent, cidr: str) -> peers.Peer | None:
    """The active region's stack, read by the passive one; None in the active region. Checks
    that the two networks do not overlap."""
    if intent.is_active:
        return None
    peer = peers.read(str(intent.stack_of(intent.active)))
    if not peer.deployed:
        pulumi.log.warn(f"the active stack {peer.stack} has not been deployed: this stack "
                        "creates its network, bucket, vault and compute now, and the database "
                        "replica, replication and backup copies once you run it again after "
                        f"`pulumi up --stack {peer.stack}`")
    elif peer.outputs.get("cidrBlock") == cidr:
        raise ConfigError([invalid(Settings.where("cidr_block"), cidr,
                                   f"allowed: a range other than the {intent.active} stack's "
                                   f"({cidr}): the two regions' networks must differ")])
    return peer


def _regional(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    app, region = intent.app, str(intent.region)
    cidr = template.cidr_block or DEFAULT_CIDRS[intent.role]
    peer = _active_peer(intent, cidr)
    ready = peer is None or peer.deployed  # the other region's bucket, vault, writer exist
    home = pulumi.ResourceOptions(provider=_provider(region, settings))
    network = Network(f"{app}-network", settings,
                      NetworkArgs(cidr_block=cidr, az_count=template.az_count), opts=home)
    database = None
    if intent.tier is not Tier.BACKUP_RESTORE and ready:
        database = ReplicatedDatabase(f"{app}-db", settings, DatabaseArgs(
            network=network.refs, instance_class=template.db_instance_class,
            random_provider=random.Provider(f"random-{region}"),
            source_db_arn=peer.output("dbArn") if peer else None,
            source_password=peer.output("dbPassword") if peer else None), opts=home)
    bucket = ReplicatedBucket(f"{app}-data", settings, BucketArgs(replicate=ready), opts=home)
    writer = [database.arn] if database is not None and database.active else []
    BackupPlan(f"{app}-backup", settings, BackupArgs(
        resource_arns=[*writer, bucket.bucket_arn], copy=ready), opts=home)
    statements = bucket.client_statements() + (
        database.client_statements() if database is not None else [])
    tier = StandbyTier(f"{app}-web", settings, StandbyArgs(
        network=network.refs, full_capacity=template.full_capacity,
        instance_type=template.instance_type, health_check_path=template.health_check_path,
        serving_path=template.serving_path, certificate_arn=template.certificate_arn,
        user_data=template.user_data,
        database_identifier=f"{app}-db-{region}" if database is not None else None,
        instance_policy=pulumi.Output.json_dumps(
            {"Version": "2012-10-17", "Statement": statements})), opts=home)

    pulumi.export("region", region)
    pulumi.export("active", intent.active.value)
    pulumi.export("cidrBlock", cidr)
    pulumi.export("albDnsName", tier.dns_name)
    pulumi.export("albZoneId", tier.zone_id)
    pulumi.export("albArn", tier.arn)
    pulumi.export("albProtocol", tier.protocol)
    pulumi.export("bucketName", bucket.bucket_name)
    pulumi.export("bucketArn", bucket.bucket_arn)
    if database is not None:
        pulumi.export("dbArn", database.arn)
        pulumi.export("dbEndpoint", database.endpoint)
        pulumi.export("dbIdentifier", database.identifier)
        pulumi.export("dbSecretArn", database.secret.arn)
        # The writer's master password, for the passive region's secret (a secret output).
        pulumi.export("dbPassword", pulumi.Output.secret(database.password.result))


def _global(intent: DrIntent, template: Settings, settings: DrSettings) -> None:
    home = _provider(str(template.global_region), settings)
    active = peers.read(str(intent.stack_of(intent.active)))
    standby = peers.read(str(intent.stack_of(intent.passive)))
    if not active.deployed:
        raise ConfigError([f"drkit:active: the active stack {active.stack} has not been "
                           "deployed: `pulumi up` it before the global stack"])

    def endpoint(peer: peers.Peer, role: Role) -> RegionalEndpoint:
        return RegionalEndpoint(region=intent.regions.of(role),
                                dns_name=peer.output("albDnsName"),
                                zone_id=peer.output("albZoneId"),
                                protocol=str(peer.outputs.get("albProtocol", "HTTP")))

    # The passive region gets its record once its stack was deployed for the current switch:
    # until then it may hold a diverged old writer (or be down).
    ready = standby.active is intent.active
    path = template.health_check_path if intent.tier is Tier.ACTIVE_ACTIVE \
        else template.serving_path
    entry = FailoverEntry(f"{intent.app}-entry", settings, FailoverArgs(
        domain=template.domain, zone_name=template.zone_name,
        active=endpoint(active, intent.active),
        standby=endpoint(standby, intent.passive) if ready else None,
        resource_path=path),
        opts=pulumi.ResourceOptions(provider=home))
    pulumi.export("fqdn", entry.fqdn)
    pulumi.export("activeRegion", intent.regions.of(intent.active))
    pulumi.export("standbyRegion", intent.regions.of(intent.passive) if ready else None)
    pulumi.export("healthCheckIds", {region: check.id
                                     for region, check in entry.health_checks.items()})
