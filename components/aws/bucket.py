"""Replicated bucket: this region's S3 bucket, replicating to the bucket of the same component in
the other region's stack, in both directions, with Replication Time Control (99.99% of objects
within 15 minutes).

Each regional stack owns its own bucket, its key (with an alias) and its replication rule, all in
its own region: a stack needs nothing of the other region to change them, so either region can
be updated while the other is down. The rule points at the peer's bucket and key by names both
stacks derive (``<name>-<region>-<account>``, ``alias/<name>-<region>``), so it reads the same
whichever region is active: switching ``drkit:active`` changes no rule, and no update ever asks
S3 to check a destination in a lost region (PutBucketReplication checks that the destination
exists and is versioned). Both directions run all the time: in steady state the active region's
writes reach the peer; after a failover the new active region's writes flow back once the old
region returns. S3 retries replication while the destination region is down; objects that end
``FAILED`` are replicated with S3 Batch Replication.

Objects are encrypted with SSE-KMS (the bucket key of each region), so the rule selects
SSE-KMS objects (``source_selection_criteria``), re-encrypts replicas with the destination's key
(``replica_kms_key_id``, an alias ARN, which S3 accepts), and the role may decrypt with this
region's key and encrypt with the peer's (named through ``kms:ResourceAliases``: an alias cannot
be the Resource of a key permission), as the S3 User Guide's "Replicating objects created with
server-side encryption (SSE-KMS)" requires. Replica modification sync keeps metadata changes
of replicas flowing both ways.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_aws as aws

from components.args import Args, arg, between
from components.aws.common import Account, AwsComponent
from components.base import DrSettings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
_ACCOUNT_ID_LENGTH = 12
RTC_MINUTES = 15
"""Replication Time Control offers 15 minutes only."""


class BucketArgs(Args):
    """Inputs of :class:`ReplicatedBucket`."""

    replicate: bool = arg(
        default=True,
        doc="Replicate to the other region's bucket. False only while that bucket does not "
            "exist yet (a passive stack deployed before its active peer): S3 refuses a rule "
            "whose destination is missing or unversioned.")
    noncurrent_version_days: int = arg(
        default=90,
        doc="Keep overwritten and deleted versions this long: the window to undo a bad write.",
        allowed=between(1, 3650, unit="days"))
    abort_multipart_days: int = arg(
        default=7,
        doc="Abort unfinished multipart uploads after this many days (they cost storage).",
        allowed=between(1, 365, unit="days"))


def bucket_name(name: str, region: str, account_id: str) -> str:
    """The bucket of component ``name`` in ``region``: both regions' stacks derive it."""
    return f"{name}-{region}-{account_id}"


def key_alias(name: str, region: str) -> str:
    """The alias of the bucket key of component ``name`` in ``region``."""
    return f"alias/{name}-{region}"


class ReplicatedBucket(AwsComponent):
    """This region's bucket (versioned, SSE-KMS, private, TLS only), replicated to the other
    region's."""

    def __init__(self, name: str, settings: DrSettings, args: BucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = self.intent
        self.region, self.peer_region = intent.regions.of(intent.role), intent.peer_region
        self.account = Account(self.provider)
        child = self.child()
        self.key = self.customer_key(f"{name}-key", f"{name} bucket ({self.region})",
                                     services=["s3"])
        aws.kms.Alias(f"{name}-key", name=key_alias(name, self.region),
                      target_key_id=self.key.key_id, opts=child)
        self.bucket = aws.s3.Bucket(
            name, bucket=self.account.id.apply(lambda a: bucket_name(name, self.region, a)),
            tags=self.tags, opts=self.stateful())
        self.versioning = aws.s3.BucketVersioning(
            name, bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"),
            opts=child)
        self._safety(name, args)
        self.peer_bucket_arn = pulumi.Output.all(self.account.partition, self.account.id).apply(
            lambda v: f"arn:{v[0]}:s3:::{bucket_name(name, self.peer_region, v[1])}")
        self.peer_key_alias_arn = self.account.arn("kms", key_alias(name, self.peer_region),
                                                   region=self.peer_region)
        self.replication: aws.s3.BucketReplicationConfig | None = None
        if args.replicate:
            self._replication(name)

        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn,
                               "key_arn": self.key.arn, "peer_bucket_arn": self.peer_bucket_arn,
                               "replicates": args.replicate})

    def _safety(self, name: str, args: BucketArgs) -> None:
        """SSE-KMS with the bucket key, no public access, TLS only, old versions expire."""
        child = self.child()
        aws.s3.BucketServerSideEncryptionConfiguration(
            name, bucket=self.bucket.id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                bucket_key_enabled=True,
                apply_server_side_encryption_by_default=aws.s3.
                BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="aws:kms", kms_master_key_id=self.key.arn))],
            opts=child)
        aws.s3.BucketPublicAccessBlock(
            name, bucket=self.bucket.id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketPolicy(name, bucket=self.bucket.id,
                            policy=_tls_only(self.bucket.arn), opts=child)
        aws.s3.BucketLifecycleConfiguration(
            name, bucket=self.bucket.id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-noncurrent-and-abort-uploads", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                noncurrent_version_expiration=aws.s3.
                BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=args.noncurrent_version_days),
                abort_incomplete_multipart_upload=aws.s3.
                BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=args.abort_multipart_days))],
            opts=self.child(depends_on=[self.versioning]))

    def _replication(self, name: str) -> None:
        role = aws.iam.Role(
            f"{name}-replication",
            description=f"S3 replication of {name} from {self.region} to {self.peer_region}",
            assume_role_policy=_assume_role("s3.amazonaws.com"), tags=self.tags,
            opts=self.child())
        aws.iam.RolePolicy(f"{name}-replication", role=role.id,
                           policy=self._replication_policy(name), opts=self.child())
        self.replication = aws.s3.BucketReplicationConfig(
            f"{name}-replication", bucket=self.bucket.id, role=role.arn,
            rules=[_replication_rule(self.peer_bucket_arn, self.peer_key_alias_arn)],
            # S3 rejects the configuration until this bucket is versioned (the peer's is by
            # the time this runs: see BucketArgs.replicate).
            opts=self.child(depends_on=[self.versioning]))

    def _replication_policy(self, name: str) -> pulumi.Output[str]:
        """Least privilege, as in the S3 User Guide ("Setting up permissions for live
        replication", with SSE-KMS)."""
        own, peer = self.bucket.arn, self.peer_bucket_arn
        keys = self.account.arn("kms", "key/*", region=self.peer_region)
        return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadSourceConfiguration", "Effect": "Allow",
             "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": [own]},
            {"Sid": "ReadSourceVersions", "Effect": "Allow",
             "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging"],
             "Resource": [pulumi.Output.concat(own, "/*")]},
            {"Sid": "WriteTheOtherRegion", "Effect": "Allow",
             "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
             "Resource": [pulumi.Output.concat(peer, "/*")]},
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": ["kms:Decrypt"],
             "Resource": [self.key.arn], "Condition": _kms_condition(own, self.region)},
            {"Sid": "EncryptReplica", "Effect": "Allow", "Action": ["kms:Encrypt"],
             "Resource": [keys],
             "Condition": {**_kms_condition(peer, self.peer_region),
                           "ForAnyValue:StringEquals": {
                               "kms:ResourceAliases": [key_alias(name, self.peer_region)]}}},
        ]})

    def client_statements(self) -> list[dict[str, Any]]:
        """IAM statements an app instance of this region needs: read and write objects of
        this bucket, through this region's key only."""
        arn = self.bucket.arn
        return [
            {"Sid": "ListTheBucket", "Effect": "Allow", "Action": ["s3:ListBucket"],
             "Resource": [arn]},
            {"Sid": "UseTheObjects", "Effect": "Allow",
             "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
             "Resource": [pulumi.Output.concat(arn, "/*")]},
            {"Sid": "UseTheBucketKey", "Effect": "Allow",
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": [self.key.arn],
             "Condition": {"StringEquals": {
                 "kms:ViaService": f"s3.{self.region}.amazonaws.com"}}},
        ]

    def check(self, name: str, intent: DrIntent, args: BucketArgs) -> list[str]:
        """Both regions' bucket names (with region and account id) fit S3's 63 characters."""
        for region in (intent.regions.primary, intent.regions.secondary):
            longest = bucket_name(name, region, "0" * _ACCOUNT_ID_LENGTH)
            if not _BUCKET_NAME.match(longest):
                return [invalid("ReplicatedBucket name", name, "allowed: lower-case letters, "
                                f"digits and dashes; bucket names such as {longest} must fit "
                                "in 63 characters")]
        return []


def _replication_rule(peer_bucket_arn: pulumi.Input[str],
                      peer_key: pulumi.Input[str]) -> aws.s3.BucketReplicationConfigRuleArgs:
    s3 = aws.s3
    return s3.BucketReplicationConfigRuleArgs(
        id="replicate-everything", status="Enabled",
        filter=s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
        delete_marker_replication=s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
            status="Enabled"),
        source_selection_criteria=s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
            sse_kms_encrypted_objects=s3.
            BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                status="Enabled"),
            replica_modifications=s3.
            BucketReplicationConfigRuleSourceSelectionCriteriaReplicaModificationsArgs(
                status="Enabled")),
        destination=s3.BucketReplicationConfigRuleDestinationArgs(
            bucket=peer_bucket_arn,
            storage_class="STANDARD",
            encryption_configuration=s3.
            BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                replica_kms_key_id=peer_key),
            replication_time=s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                status="Enabled",
                time=s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(
                    minutes=RTC_MINUTES)),
            # Replication Time Control needs replication metrics (S3 User Guide, RTC).
            metrics=s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                status="Enabled",
                event_threshold=s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(
                    minutes=RTC_MINUTES))))


def _assume_role(service: str) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]})


def _tls_only(bucket_arn: pulumi.Output[str]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _kms_condition(bucket_arn: pulumi.Input[str], region: str) -> dict[str, Any]:
    """S3 uses the key only on behalf of this bucket (the bucket ARN is the encryption context
    with S3 Bucket Keys; the object ARN without)."""
    return {
        "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [
            bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]},
    }
