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
defaults are the fields of :class:`TemplateSettings`. The GCP project is ``gcp:project``, given
to every (explicit) provider.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.base import (
    Capacity,
    ConfigError,
    DrSettings,
    config_values,
    invalid,
    load_intent,
    raise_problems,
)
from components.gcp.bucket import BucketArgs, ReplicatedBucket
from components.gcp.common import labels
from components.gcp.database import DatabaseArgs, ReplicatedDatabase
from components.gcp.entry import EntryArgs, FailoverEntry, RegionalBackend
from components.gcp.network import Network, NetworkArgs
from components.gcp.standby import StandbyArgs, StandbyTier
from drkit_core.intent import DrIntent, Role


@dataclass(frozen=True)
class TemplateSettings:
    """The template's settings, read from ``<project>:<camelCaseName>`` in a stack's config."""

    domain: str | None = None
    """Global stack: the name clients use; adds HTTPS with a Google-managed certificate."""
    machine_type: str = "e2-medium"
    db_tier: str = "db-custom-2-7680"
    min_size: int = 2
    """Full capacity (the primary's); the secondary runs a share of it, per tier."""
    desired_size: int = 3
    max_size: int = 6
    app_port: int = 8080
    health_check_path: str = "/healthz"
    cidr_block: str = "10.10.0.0/16"
    """The app's range over both regions; each region's stack takes its own subnet of it."""
    db_kms_key_name: str | None = None
    """Customer-managed key for this stack's database (in the stack's region)."""
    bucket_kms_key_name: str | None = None
    bucket_location: str | None = None
    """A predefined dual-region (EUR4...); default a dual-region of the app's two regions."""
    failover: bool = False
    """Secondary and global stacks: promote the replica, run full capacity, move traffic."""

    @classmethod
    def load(cls, role: Role) -> TemplateSettings:
        """The running stack's settings; a typo or a misplaced key fails before any resource."""
        given = config_values(pulumi.get_project())
        known = {_camel(f.name): f for f in fields(cls)}
        problems = [f"{pulumi.get_project()}:{key}: unknown key; allowed keys: "
                    f"{', '.join(sorted(known))}" for key in sorted(set(given) - set(known))]
        values: dict[str, Any] = {}
        for key, value in given.items():
            if key in known:
                values[known[key].name] = _parse(key, value, known[key].type, problems)
        raise_problems(problems)
        loaded = cls(**values)
        if loaded.failover and role is Role.PRIMARY:
            raise ConfigError([invalid(f"{pulumi.get_project()}:failover", True, "set it in "
                                       "the secondary and global stacks, which take over")])
        return loaded

    @property
    def full_capacity(self) -> Capacity:
        return Capacity(min=self.min_size, desired=self.desired_size, max=self.max_size)


def deploy() -> None:
    """Build the running stack: validate all config first, then register resources."""
    intent = load_intent()
    template = TemplateSettings.load(intent.role)
    settings = DrSettings(intent)
    builders = {Role.PRIMARY: _primary, Role.SECONDARY: _secondary, Role.GLOBAL: _global}
    builders[intent.role](intent, template, settings)


def _provider(region: str, settings: DrSettings) -> pulumi.ResourceOptions:
    project = pulumi.Config("gcp").require("project")
    return pulumi.ResourceOptions(provider=gcp.Provider(
        f"gcp-{region}", project=project, region=region, default_labels=labels(settings)))


def _regional(intent: DrIntent, template: TemplateSettings, settings: DrSettings,
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


def _primary(intent: DrIntent, template: TemplateSettings, settings: DrSettings) -> None:
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


def _secondary(intent: DrIntent, template: TemplateSettings, settings: DrSettings) -> None:
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


def _global(intent: DrIntent, template: TemplateSettings, settings: DrSettings) -> None:
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


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _parse(key: str, value: str, kind: Any, problems: list[str]) -> Any:
    """A config string as the field's type (``str | None``, ``int`` or ``bool``)."""
    text = str(value)
    if kind in (int, "int"):
        if text.lstrip("-").isdigit():
            return int(text)
        problems.append(invalid(f"{pulumi.get_project()}:{key}", value, "allowed: an integer"))
        return None
    if kind in (bool, "bool"):
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        problems.append(invalid(f"{pulumi.get_project()}:{key}", value,
                                "allowed: true or false"))
        return None
    return text
