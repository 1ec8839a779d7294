"""Replicated bucket: one Cloud Storage bucket stored in two regions (a dual-region).

Unlike S3, GCS replicates inside one bucket: a dual-region bucket keeps every object in both
regions and stays readable and writable when one of them is lost, with the same name. So the
primary stack creates a single bucket, placed either

- in a *configurable* dual-region of two regions (default: the app's primary and secondary
  regions; ``location`` is then the multi-region around them, e.g. ``EU``, and
  ``custom_placement_config.data_locations`` names the two), or
- in a *predefined* dual-region such as ``EUR4`` (europe-north1 + europe-west4).

Either way every region the data lands in must lie inside ``drkit:residency``: that is checked
here, before anything is registered. Multi-regions (``EU``) are refused: Google picks the
second region and turbo replication is not offered.

Replication speed follows the RPO: ``rpo="ASYNC_TURBO"`` (objects in both regions within 15
minutes) when the RPO is 15 minutes or less, else ``DEFAULT`` (most objects within an hour, all
within 12). Versioning plus a soft-delete window keep overwritten and deleted objects; a
lifecycle rule expires old versions. A retention policy is not used: GCS does not allow one on
a versioned bucket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.base import ConfigError, DrSettings, invalid, raise_problems
from components.gcp.common import home_provider, invoke_opts, labels, project_id
from drkit_core import regions
from drkit_core.intent import DrIntent, Role

TURBO_RPO_SECONDS = 15 * 60
"""Turbo replication's promise: objects written to a dual-region reach both within 15 min."""

MULTI_REGIONS = ("EU", "US", "ASIA")
_BUCKET_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
_DAY = 86400


@dataclass(frozen=True)
class BucketArgs:
    """Inputs of :class:`ReplicatedBucket`."""

    location: str | None = None
    """A predefined dual-region (EUR4, NAM4, ...); or None for a configurable one."""
    data_locations: tuple[str, str] | None = None
    """The two regions of a configurable dual-region; default the app's two regions."""
    noncurrent_version_days: int = 90
    """Keep overwritten and deleted versions this long: the window to undo a bad write."""
    soft_delete_days: int = 14
    """Deleted objects (and buckets' versions) stay restorable this long: 7 to 90 days."""
    abort_multipart_days: int = 7
    """Abort unfinished multipart uploads after this many days (they cost storage)."""
    kms_key_name: pulumi.Input[str] | None = None
    """Customer-managed key for new objects (in a key ring matching the bucket's location);
    the project's Cloud Storage service agent is granted its use."""

    def __post_init__(self) -> None:
        problems = []
        if self.location is not None and self.data_locations is not None:
            problems.append(invalid("BucketArgs.location/data_locations",
                                    (self.location, self.data_locations),
                                    "allowed: at most one of them"))
        if not 1 <= self.noncurrent_version_days <= 3650:
            problems.append(invalid("BucketArgs.noncurrent_version_days",
                                    self.noncurrent_version_days, "allowed: 1 to 3650 days"))
        if not 7 <= self.soft_delete_days <= 90:
            problems.append(invalid("BucketArgs.soft_delete_days", self.soft_delete_days,
                                    "allowed: 7 to 90 days (GCS's soft-delete range)"))
        if not 1 <= self.abort_multipart_days <= 365:
            problems.append(invalid("BucketArgs.abort_multipart_days", self.abort_multipart_days,
                                    "allowed: 1 to 365 days"))
        raise_problems(problems)


@dataclass(frozen=True)
class Placement:
    """Where a bucket's data lives: ``location`` plus, for a configurable dual-region, its two
    regions (upper case, as GCS reports them)."""

    location: str
    data_locations: tuple[str, ...] = ()


def replication_rpo(rpo_seconds: int) -> str:
    """``ASYNC_TURBO`` when the RPO needs it (15 minutes or less), else ``DEFAULT``."""
    return "ASYNC_TURBO" if rpo_seconds <= TURBO_RPO_SECONDS else "DEFAULT"


def placement(intent: DrIntent, args: BucketArgs) -> Placement:
    """The bucket's placement, validated against the catalog and ``drkit:residency``."""
    allowed = ", ".join(sorted(intent.residency))
    if args.location is not None:
        found = regions.lookup(args.location, "gcp")
        if found is None or found.kind != "dual-region":
            raise ConfigError([invalid("BucketArgs.location", args.location, "allowed: a "
                                       "predefined dual-region such as EUR4 or NAM4 (for a "
                                       "configurable one, give data_locations)")])
        if not regions.within(found.name, intent.residency):
            raise ConfigError([invalid("BucketArgs.location", args.location,
                                       f"it stores data in {', '.join(found.members)}, "
                                       f"outside drkit:residency ({allowed})")])
        return Placement(found.name)
    pair = args.data_locations or (intent.regions.primary, intent.regions.secondary)
    where = "BucketArgs.data_locations" if args.data_locations else "drkit:regions"
    members = [regions.lookup(r, "gcp") for r in pair]
    if any(m is None or m.kind != "region" for m in members) or len(set(pair)) != 2:
        raise ConfigError([invalid(where, pair, "allowed: two different GCP regions")])
    outside = [r for r in pair if not regions.within(r, intent.residency)]
    if outside:
        raise ConfigError([invalid(where, pair, f"{', '.join(outside)} lies outside "
                                   f"drkit:residency ({allowed})")])
    for name in MULTI_REGIONS:
        around = regions.lookup(name, "gcp")
        if around is not None and all(r.lower() in around.members for r in pair):
            return Placement(name, tuple(r.upper() for r in pair))
    raise ConfigError([invalid(where, pair, "a configurable dual-region needs two regions of "
                               f"one continent ({', '.join(MULTI_REGIONS)}); pick such a pair "
                               "or a predefined dual-region (location)")])


class ReplicatedBucket(pulumi.ComponentResource):
    """A versioned, private, dual-region bucket replicating at the speed the RPO needs."""

    def __init__(self, name: str, settings: DrSettings, args: BucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        provider = home_provider("ReplicatedBucket", opts)
        intent = settings.intent
        if intent.role is not Role.PRIMARY:
            raise ConfigError([invalid("drkit:role", intent.role.value, "ReplicatedBucket "
                                       "belongs in the primary stack: one dual-region bucket "
                                       "serves both regions")])
        if not _BUCKET_PREFIX.match(name):
            raise_problems([invalid("ReplicatedBucket name", name, "allowed: 2-32 lower-case "
                                    "letters, digits and dashes (the bucket is <name>-<project>, "
                                    "63 characters at most)")])
        where = placement(intent, args)
        super().__init__("drkit:gcp:ReplicatedBucket", name, None, opts)

        depends_on: list[pulumi.Resource] = []
        encryption = None
        if args.kms_key_name is not None:
            agent = gcp.storage.get_project_service_account_output(opts=invoke_opts(provider))
            depends_on.append(gcp.kms.CryptoKeyIAMMember(
                f"{name}-kms", crypto_key_id=args.kms_key_name,
                role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member=agent.email_address.apply(lambda email: f"serviceAccount:{email}"),
                opts=pulumi.ResourceOptions(parent=self)))
            encryption = gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.kms_key_name)

        self.bucket = gcp.storage.Bucket(
            name, name=pulumi.Output.concat(name, "-", project_id(provider)),
            location=where.location,
            custom_placement_config=gcp.storage.BucketCustomPlacementConfigArgs(
                data_locations=list(where.data_locations)) if where.data_locations else None,
            rpo=replication_rpo(intent.rpo_seconds),
            storage_class="STANDARD",
            versioning=gcp.storage.BucketVersioningArgs(enabled=True),
            soft_delete_policy=gcp.storage.BucketSoftDeletePolicyArgs(
                retention_duration_seconds=args.soft_delete_days * _DAY),
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            force_destroy=False,
            encryption=encryption,
            lifecycle_rules=_lifecycle(args),
            labels=labels(settings),
            opts=settings.stateful(self, depends_on=depends_on))

        self.bucket_name = self.bucket.name
        self.url = self.bucket.url
        self.register_outputs({"bucket_name": self.bucket_name, "url": self.url,
                               "location": where.location,
                               "data_locations": list(where.data_locations)})


def _lifecycle(args: BucketArgs) -> list[gcp.storage.BucketLifecycleRuleArgs]:
    rule, condition, action = (gcp.storage.BucketLifecycleRuleArgs,
                               gcp.storage.BucketLifecycleRuleConditionArgs,
                               gcp.storage.BucketLifecycleRuleActionArgs)
    return [
        rule(action=action(type="Delete"),
             condition=condition(days_since_noncurrent_time=args.noncurrent_version_days,
                                 with_state="ARCHIVED")),
        rule(action=action(type="AbortIncompleteMultipartUpload"),
             condition=condition(age=args.abort_multipart_days)),
    ]
