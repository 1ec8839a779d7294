"""Backup plan: AWS Backup of the stack's stateful resources, copied to the secondary region.

Replication (the database replica, S3 replication) copies mistakes too: a dropped table or a
deleted object reaches the secondary within seconds. Backups are the point-in-time safety net.

- Schedule: every :func:`~components.base.backup_interval_hours` hours, the longest interval
  that meets the RPO (hourly at best), with a copy of every recovery point to a vault in the
  secondary region.
- RPO under an hour: a second rule with ``enable_continuous_backup`` gives point-in-time
  recovery (to about 5 minutes) for RDS and S3. Continuous recovery points are not copied
  across regions; the hourly snapshots are.
- Like the replicated bucket, both vaults live in the primary stack: the copy target must exist
  before the plan can copy to it. Each vault has its own region's KMS key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.common import customer_key, home_provider
from components.base import (
    ConfigError,
    DrSettings,
    backup_interval_hours,
    invalid,
    needs_continuous_backup,
    raise_problems,
)
from drkit_core.intent import Role

MANAGED_POLICIES = {
    "backup": "service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "service-role/AWSBackupServiceRolePolicyForRestores",
    "s3-backup": "AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "AWSBackupServiceRolePolicyForS3Restore",
}
"""AWS managed policies of the backup role; the S3 pair is needed to back up buckets."""

CONTINUOUS_MAX_DAYS = 35


@dataclass(frozen=True)
class BackupArgs:
    """Inputs of :class:`BackupPlan`."""

    replica_provider: aws.Provider
    """Provider of the secondary region, where the copy vault is created."""
    resource_arns: Sequence[pulumi.Input[str]]
    """What to back up: the stack's stateful resources (database, bucket) by ARN."""
    retention_days: int = 35
    """Keep recovery points in the primary vault this long."""
    copy_retention_days: int = 35
    """Keep the copies in the secondary vault this long."""

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.replica_provider, aws.Provider):
            problems.append(invalid("BackupArgs.replica_provider", self.replica_provider,
                                    "allowed: an aws.Provider of the secondary region"))
        if not self.resource_arns:
            problems.append(invalid("BackupArgs.resource_arns", [],
                                    "allowed: at least one resource ARN"))
        for key in ("retention_days", "copy_retention_days"):
            value = getattr(self, key)
            if not 1 <= value <= 36500:
                problems.append(invalid(f"BackupArgs.{key}", value, "allowed: 1 to 36500"))
        raise_problems(problems)


def schedule(rpo_seconds: int) -> str:
    """AWS Backup cron expression (UTC) taking a backup every interval that meets the RPO."""
    hours = backup_interval_hours(rpo_seconds)
    return "cron(0 0 * * ? *)" if hours == 24 else f"cron(0 0/{hours} * * ? *)"


class BackupPlan(pulumi.ComponentResource):
    """Vaults in both regions, a plan meeting the RPO with cross-region copies, a selection."""

    def __init__(self, name: str, settings: DrSettings, args: BackupArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        provider = home_provider("BackupPlan", opts)
        intent = settings.intent
        if intent.role is not Role.PRIMARY:
            raise ConfigError([invalid("drkit:role", intent.role.value, "BackupPlan belongs in "
                                       "the primary stack: it creates the copy vault too")])
        super().__init__("drkit:aws:BackupPlan", name, None, opts)
        tags = settings.all_tags
        child = pulumi.ResourceOptions(parent=self)
        primary, secondary = intent.regions.primary, intent.regions.secondary

        # S3 recovery points are encrypted by AWS Backup with the vault's key; RDS snapshots
        # keep the database's key in the home region, and RDS re-encrypts their cross-region
        # copies with the copy vault's key: hence "rds" on the copy key only.
        vault_key = customer_key(f"{name}-vault-key", settings, f"{name} vault ({primary})",
                                 self, provider, services=["backup"])
        self.vault = aws.backup.Vault(f"{name}-vault", name=f"{name}-{primary}",
                                      kms_key_arn=vault_key.arn, tags=tags,
                                      opts=settings.stateful(self))
        copy_key = customer_key(f"{name}-copy-key", settings, f"{name} copies ({secondary})",
                                self, args.replica_provider, services=["backup", "rds"])
        self.copy_vault = aws.backup.Vault(
            f"{name}-copy-vault", name=f"{name}-{secondary}", kms_key_arn=copy_key.arn,
            tags=tags, opts=settings.stateful(self, provider=args.replica_provider))

        self.plan = aws.backup.Plan(f"{name}-plan", name=name, tags=tags, opts=child,
                                    rules=self._rules(args, intent.rpo_seconds))
        role = aws.iam.Role(
            f"{name}-role", description=f"AWS Backup of {name}", tags=tags, opts=child,
            assume_role_policy=pulumi.Output.json_dumps({
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": "backup.amazonaws.com"}}]}))
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{short}", role=role.name, policy_arn=f"arn:aws:iam::aws:policy/{path}",
                opts=child)
            for short, path in MANAGED_POLICIES.items()]
        self.selection = aws.backup.Selection(
            f"{name}-selection", name=f"{name}-stateful", plan_id=self.plan.id,
            iam_role_arn=role.arn, resources=list(args.resource_arns),
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments))

        self.register_outputs({"vault_arn": self.vault.arn, "copy_vault_arn": self.copy_vault.arn,
                               "plan_id": self.plan.id, "schedule": schedule(intent.rpo_seconds)})

    def _rules(self, args: BackupArgs, rpo: int) -> list[aws.backup.PlanRuleArgs]:
        copy = aws.backup.PlanRuleCopyActionArgs(
            destination_vault_arn=self.copy_vault.arn,
            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                delete_after=args.copy_retention_days))
        rules = [aws.backup.PlanRuleArgs(
            rule_name="scheduled", target_vault_name=self.vault.name, schedule=schedule(rpo),
            start_window=60, completion_window=180,
            lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=args.retention_days),
            copy_actions=[copy])]
        if needs_continuous_backup(rpo):
            rules.append(aws.backup.PlanRuleArgs(
                rule_name="continuous", target_vault_name=self.vault.name,
                schedule="cron(0 3 * * ? *)", enable_continuous_backup=True,
                start_window=60, completion_window=180,
                lifecycle=aws.backup.PlanRuleLifecycleArgs(
                    delete_after=min(args.retention_days, CONTINUOUS_MAX_DAYS))))
        return rules
