"""Backup plan: AWS Backup of the stack's stateful resources, copied to the secondary region.

Replication (the database replica, S3 replication) copies mistakes too: a dropped table or a
deleted object reaches the secondary within seconds. Backups are the point-in-time safety net.

- Schedule: every :func:`~components.sizing.backup_interval_hours` hours, the longest interval
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

import pulumi
import pulumi_aws as aws

from components.args import Args, arg, between, instance_of, not_empty
from components.aws.common import AwsComponent
from components.base import DrSettings
from components.sizing import backup_interval_hours, needs_continuous_backup
from drkit_core.intent import Role

MANAGED_POLICIES = {
    "backup": "service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "service-role/AWSBackupServiceRolePolicyForRestores",
    "s3-backup": "AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "AWSBackupServiceRolePolicyForS3Restore",
}
"""AWS managed policies of the backup role; the S3 pair is needed to back up buckets."""

CONTINUOUS_MAX_DAYS = 35


class BackupArgs(Args):
    """Inputs of :class:`BackupPlan`."""

    replica_provider: aws.Provider = arg(
        doc="Provider of the secondary region, where the copy vault is created.",
        allowed=instance_of(aws.Provider, "an aws.Provider of the secondary region"))
    resource_arns: Sequence[pulumi.Input[str]] = arg(
        doc="What to back up: the stack's stateful resources (database, bucket) by ARN.",
        allowed=not_empty("at least one resource ARN"))
    retention_days: int = arg(
        default=35, doc="Keep recovery points in the primary vault this long (days).",
        allowed=between(1, 36500))
    copy_retention_days: int = arg(
        default=35, doc="Keep the copies in the secondary vault this long (days).",
        allowed=between(1, 36500))


def schedule(rpo_seconds: int) -> str:
    """AWS Backup cron expression (UTC) taking a backup every interval that meets the RPO."""
    hours = backup_interval_hours(rpo_seconds)
    return "cron(0 0 * * ? *)" if hours == 24 else f"cron(0 0/{hours} * * ? *)"


class BackupPlan(AwsComponent):
    """Vaults in both regions, a plan meeting the RPO with cross-region copies, a selection."""

    ROLES = (Role.PRIMARY,)
    WHY_THERE = "it creates the copy vault too"

    def __init__(self, name: str, settings: DrSettings, args: BackupArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = settings.intent
        tags = self.tags
        child = self.child()
        primary, secondary = intent.regions.primary, intent.regions.secondary

        # S3 recovery points are encrypted by AWS Backup with the vault's key; RDS snapshots
        # keep the database's key in the home region, and RDS re-encrypts their cross-region
        # copies with the copy vault's key: hence "rds" on the copy key only.
        vault_key = self.customer_key(f"{name}-vault-key", f"{name} vault ({primary})",
                                      services=["backup"])
        self.vault = aws.backup.Vault(f"{name}-vault", name=f"{name}-{primary}",
                                      kms_key_arn=vault_key.arn, tags=tags,
                                      opts=self.stateful())
        copy_key = self.customer_key(f"{name}-copy-key", f"{name} copies ({secondary})",
                                     services=["backup", "rds"], provider=args.replica_provider)
        self.copy_vault = aws.backup.Vault(
            f"{name}-copy-vault", name=f"{name}-{secondary}", kms_key_arn=copy_key.arn,
            tags=tags, opts=self.stateful(provider=args.replica_provider))

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
            opts=self.child(depends_on=attachments))

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
