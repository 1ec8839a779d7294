"""Pieces every AWS component uses: its base (explicit provider, tags) and customer-managed KMS
keys."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from components.component import DrComponent

KeyService = Literal["rds", "s3", "backup", "secretsmanager"]
"""AWS services that may use a drkit key on behalf of the account's principals."""

_CRYPTO = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
           "kms:DescribeKey"]
_GRANTS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
KEY_SERVICE_ACTIONS: dict[str, list[str]] = {
    "rds": _CRYPTO + _GRANTS,  # RDS (and Performance Insights) hold the key through grants
    "backup": _CRYPTO + _GRANTS,
    "s3": _CRYPTO,
    "secretsmanager": _CRYPTO,
}
"""What each service may do with a key, as the AWS managed keys (aws/rds, aws/s3...) allow."""

KEY_ADMIN_ACTIONS = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
    "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand"]
"""The key administrators' actions of the AWS default key policy: no encrypt or decrypt."""

_LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                 "kms:Describe*"]


def invoke_opts(provider: aws.Provider) -> pulumi.InvokeOutputOptions:
    return pulumi.InvokeOutputOptions(provider=provider)


class Account:
    """Account id, partition and region of a provider, as outputs (from data sources, so they
    always match the provider the resources land with)."""

    def __init__(self, provider: aws.Provider) -> None:
        opts = invoke_opts(provider)
        self.id = aws.get_caller_identity_output(opts=opts).account_id
        self.partition = aws.get_partition_output(opts=opts).partition
        self.region = aws.get_region_output(opts=opts).region

    def arn(self, service: str, resource: str, region: str | None = None) -> pulumi.Output[str]:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``; ``region`` defaults to
        the provider's (another region's ARN names a peer region's resource, derived rather
        than read, so a stack needs nothing of its peer to point at it)."""
        return pulumi.Output.all(self.partition, self.region, self.id).apply(
            lambda v: f"arn:{v[0]}:{service}:{region or v[1]}:{v[2]}:{resource}")


def key_policy(account: Account, services: Sequence[KeyService],
               log_groups: Sequence[str] = ()) -> pulumi.Output[str]:
    """A least-privilege key policy: the account administers the key (through IAM) but may
    encrypt and decrypt only through ``services`` in the key's own region; CloudWatch Logs may
    use it only for ``log_groups`` (names), as AWS documents for encrypted log groups."""
    def render(values: list[Any]) -> str:
        partition, region, account_id = values
        root = {"AWS": f"arn:{partition}:iam::{account_id}:root"}
        statements: list[dict[str, Any]] = [{
            "Sid": "AccountAdministersTheKey", "Effect": "Allow", "Principal": root,
            "Action": KEY_ADMIN_ACTIONS, "Resource": "*"}]
        for service in services:
            statements.append({
                "Sid": f"UseThrough{service.capitalize()}", "Effect": "Allow",
                "Principal": root, "Action": KEY_SERVICE_ACTIONS[service], "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:ViaService": f"{service}.{region}.amazonaws.com",
                    "kms:CallerAccount": account_id}}})
        if log_groups:
            statements.append({
                "Sid": "CloudWatchLogsOfTheseGroups", "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": _LOGS_ACTIONS, "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [
                    f"arn:{partition}:logs:{region}:{account_id}:log-group:{group}"
                    for group in log_groups]}}})
        return json.dumps({"Version": "2012-10-17", "Statement": statements})

    return pulumi.Output.all(account.partition, account.region, account.id).apply(render)


class AwsComponent(DrComponent[aws.Provider]):
    """Base of the AWS components: an explicit ``aws.Provider`` and the stack's tags."""

    CLOUD = "aws"
    PROVIDER = aws.Provider
    PROVIDER_EXAMPLE = "pulumi.ResourceOptions(provider=aws.Provider(..., region=...))"

    @property
    def tags(self) -> dict[str, str]:
        return self.settings.all_tags

    def customer_key(self, name: str, description: str, services: Sequence[KeyService],
                     provider: aws.Provider | None = None,
                     log_groups: Sequence[str] = ()) -> aws.kms.Key:
        """A rotating customer-managed KMS key (protected: losing it loses the data it
        encrypts), with an explicit :func:`key_policy` for the ``services`` that use it, on
        ``provider`` (default: the component's own).

        30 days of deletion window, the longest AWS allows, to undo a mistaken deletion.
        """
        provider = provider or self.provider
        return aws.kms.Key(
            name,
            description=description,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=key_policy(Account(provider), services, log_groups),
            tags=self.tags,
            opts=self.stateful(provider=provider),
        )
