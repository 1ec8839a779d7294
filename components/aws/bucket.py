"""Replicated bucket: an S3 bucket in the primary region replicated to a bucket in the secondary
region with Replication Time Control (99.99% of objects within 15 minutes).

Why both buckets live in the primary stack: S3 accepts a replication configuration only when
the destination bucket already exists and is versioned, and the secondary stack runs after the
primary (it needs the primary database's ARN). So this component takes two providers and
creates the source bucket (primary region) and the replica bucket (secondary region) together,
each with its own region's KMS key, then the replication role and configuration. The replica
survives the loss of the primary region: it is an ordinary bucket in the secondary region, and
only the stack that manages it is unavailable until the region returns.
"""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_aws as aws

from components.args import Args, arg, between, instance_of
from components.aws.common import AwsComponent, invoke_opts
from components.base import DrSettings
from drkit_core.errors import invalid
from drkit_core.intent import DrIntent, Role

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
_ACCOUNT_ID_LENGTH = 12


class BucketArgs(Args):
    """Inputs of :class:`ReplicatedBucket`."""

    replica_provider: aws.Provider = arg(
        doc="Provider of the secondary region, where the replica bucket is created.",
        allowed=instance_of(aws.Provider, "an aws.Provider of the secondary region"))
    noncurrent_version_days: int = arg(
        default=90,
        doc="Keep overwritten and deleted versions this long: the window to undo a bad write.",
        allowed=between(1, 3650, unit="days"))
    abort_multipart_days: int = arg(
        default=7,
        doc="Abort unfinished multipart uploads after this many days (they cost storage).",
        allowed=between(1, 365, unit="days"))


class _Side:
    """One bucket with its key and safety settings (versioned, SSE-KMS, private, TLS only)."""

    def __init__(self, name: str, bucket_name: pulumi.Input[str], region: str,
                 owner: ReplicatedBucket, args: BucketArgs, provider: aws.Provider) -> None:
        child = owner.child(provider=provider)
        self.region = region
        self.key = owner.customer_key(f"{name}-key", f"{name} bucket ({region})",
                                      services=["s3"], provider=provider)
        self.bucket = aws.s3.Bucket(name, bucket=bucket_name, tags=owner.tags,
                                    opts=owner.stateful(provider=provider))
        self.versioning = aws.s3.BucketVersioning(
            name, bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"),
            opts=child)
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
            opts=owner.child(provider=provider, depends_on=[self.versioning]))


class ReplicatedBucket(AwsComponent):
    """Source bucket (primary region) replicated to a replica bucket (secondary region)."""

    ROLES = (Role.PRIMARY,)
    WHY_THERE = "it creates the replica bucket too"

    def __init__(self, name: str, settings: DrSettings, args: BucketArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        account = aws.get_caller_identity_output(opts=invoke_opts(self.provider)).account_id

        def bucket_name(role: str, region: str) -> pulumi.Output[str]:
            return account.apply(lambda a: f"{name}-{role}-{region}-{a}")

        primary, secondary = self.intent.regions.primary, self.intent.regions.secondary
        self.source = _Side(f"{name}-source", bucket_name("source", primary), primary,
                            self, args, self.provider)
        self.replica = _Side(f"{name}-replica", bucket_name("replica", secondary), secondary,
                             self, args, args.replica_provider)
        self.role = aws.iam.Role(
            f"{name}-replication", description=f"S3 replication of {name} to {secondary}",
            assume_role_policy=_assume_role("s3.amazonaws.com"), tags=self.tags,
            opts=self.child())
        aws.iam.RolePolicy(f"{name}-replication", role=self.role.id,
                           policy=_replication_policy(self.source, self.replica),
                           opts=self.child())
        self.replication = aws.s3.BucketReplicationConfig(
            f"{name}-replication", bucket=self.source.bucket.id, role=self.role.arn,
            rules=[_replication_rule(self.replica)],
            # S3 rejects the configuration until both buckets are versioned.
            opts=self.child(depends_on=[self.source.versioning, self.replica.versioning]))

        self.bucket_name = self.source.bucket.bucket
        self.replica_bucket_name = self.replica.bucket.bucket
        self.bucket_arn = self.source.bucket.arn
        self.replica_bucket_arn = self.replica.bucket.arn
        self.register_outputs({
            "bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn,
            "replica_bucket_name": self.replica_bucket_name,
            "replica_bucket_arn": self.replica_bucket_arn,
            "replication_role_arn": self.role.arn,
        })

    def check(self, name: str, intent: DrIntent, args: BucketArgs) -> list[str]:
        """Both bucket names (with region and account id) fit S3's 63 characters."""
        longest = f"{name}-replica-{intent.regions.secondary}-" + "0" * _ACCOUNT_ID_LENGTH
        source = f"{name}-source-{intent.regions.primary}-" + "0" * _ACCOUNT_ID_LENGTH
        if not (_BUCKET_NAME.match(longest) and _BUCKET_NAME.match(source)):
            return [invalid("ReplicatedBucket name", name, "allowed: lower-case letters, "
                            f"digits and dashes; bucket names such as {longest} must fit in "
                            "63 characters")]
        return []


def _replication_rule(replica: _Side) -> aws.s3.BucketReplicationConfigRuleArgs:
    s3 = aws.s3
    fifteen_minutes = 15  # Replication Time Control offers 15 minutes only
    return s3.BucketReplicationConfigRuleArgs(
        id="replicate-everything", status="Enabled",
        filter=s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
        delete_marker_replication=s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
            status="Enabled"),
        source_selection_criteria=s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
            sse_kms_encrypted_objects=s3.
            BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                status="Enabled")),
        destination=s3.BucketReplicationConfigRuleDestinationArgs(
            bucket=replica.bucket.arn,
            storage_class="STANDARD",
            encryption_configuration=s3.
            BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                replica_kms_key_id=replica.key.arn),
            replication_time=s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                status="Enabled",
                time=s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(
                    minutes=fifteen_minutes)),
            metrics=s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                status="Enabled",
                event_threshold=s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(
                    minutes=fifteen_minutes))))


def _assume_role(service: str) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}]})


def _tls_only(bucket_arn: pulumi.Output[str]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def _kms_condition(side: _Side) -> dict[str, Any]:
    """S3 uses the key only on behalf of this bucket (the bucket ARN is the encryption context
    with S3 Bucket Keys; the object ARN without)."""
    arn = side.bucket.arn
    return {
        "StringEquals": {"kms:ViaService": f"s3.{side.region}.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": [
            arn, pulumi.Output.concat(arn, "/*")]},
    }


def _replication_policy(source: _Side, replica: _Side) -> pulumi.Output[str]:
    """Least privilege, as in the AWS guide "Granting permissions for replication" with KMS."""
    source_arn, replica_arn = source.bucket.arn, replica.bucket.arn
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadSourceConfiguration", "Effect": "Allow",
         "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
         "Resource": [source_arn]},
        {"Sid": "ReadSourceVersions", "Effect": "Allow",
         "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging"],
         "Resource": [pulumi.Output.concat(source_arn, "/*")]},
        {"Sid": "WriteReplica", "Effect": "Allow",
         "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
         "Resource": [pulumi.Output.concat(replica_arn, "/*")]},
        {"Sid": "DecryptSource", "Effect": "Allow", "Action": ["kms:Decrypt"],
         "Resource": [source.key.arn], "Condition": _kms_condition(source)},
        {"Sid": "EncryptReplica", "Effect": "Allow", "Action": ["kms:Encrypt"],
         "Resource": [replica.key.arn], "Condition": _kms_condition(replica)},
    ]})
