"""Backup plan: AWS Backup of this region's stateful resources, copied to the other region's vault.

Replication (the database replica, S3 replication) copies mistakes too: a dropped table or a
deleted object reaches the other region within seconds. Backups are the point-in-time safety
net.

Each regional stack owns a vault in its own region (with its own key): the target of its own
plan and of the copies the other region's plan sends. The plan copies every recovery point to
the other region's vault, named by both stacks alike (``<name>-<region>``), so the plan reads
the same whichever region is active and switching ``drkit:active`` changes only what the
selection backs up: this region's bucket always, its database while it is the writer (a read
replica has no backups of its own). While a region is down its copy jobs fail; they resume
when it returns, and the recovery points taken meanwhile stay in the vault of the region that
took them.

Schedule: every :func:`~components.sizing.backup_interval_hours` hours, the longest interval
that meets the RPO (hourly at best). Below an hour, point-in-time recovery comes from the
stores themselves, not from AWS Backup's continuous backup: RDS's automated backups (the
database component pins their retention; continuous backup of an RDS instance would take that
retention over and drift on every update) and S3 object versions. Continuous recovery points
are not copied across regions anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.args import Args, arg, between, not_empty
from components.aws.common import Account, AwsComponent
from components.base import DrSettings
from components.sizing import backup_interval_hours

MANAGED_POLICIES = {
    "backup": "service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "service-role/AWSBackupServiceRolePolicyForRestores",
    "s3-backup": "AWSBackupServiceRolePolicyForS3Backup",
    "s3-restore": "AWSBackupServiceRolePolicyForS3Restore",
}
"""AWS managed policies of the backup role; the S3 pair is needed to back up buckets."""


class BackupArgs(Args):
    """Inputs of :class:`BackupPlan`."""

    resource_arns: Sequence[pulumi.Input[str]] = arg(
        doc="What to back up on the schedule and copy to the other region: this region's "
            "stateful resources (its writer database, its bucket) by ARN.",
        allowed=not_empty("at least one resource ARN"))
    copy: bool = arg(
        default=True,
        doc="Copy to the other region's vault. False only while that vault does not exist yet "
            "(a passive stack deployed before its active peer).")
    retention_days: int = arg(
        default=35, doc="Keep recovery points in this region's vault this long (days).",
        allowed=between(1, 36500))
    copy_retention_days: int = arg(
        default=35, doc="Keep the copies in the other region's vault this long (days).",
        allowed=between(1, 36500))


def schedule(rpo_seconds: int) -> str:
    """AWS Backup cron expression (UTC) taking a backup every interval that meets the RPO."""
    hours = backup_interval_hours(rpo_seconds)
    return "cron(0 0 * * ? *)" if hours == 24 else f"cron(0 0/{hours} * * ? *)"


def vault_name(name: str, region: str) -> str:
    """The vault of component ``name`` in ``region``: both regions' stacks derive it."""
    return f"{name}-{region}"


class BackupPlan(AwsComponent):
    """This region's vault, a plan meeting the RPO that copies to the other region's vault, and
    a selection."""

    def __init__(self, name: str, settings: DrSettings, args: BackupArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, settings, args, opts)
        intent = settings.intent
        tags = self.tags
        child = self.child()
        region, peer = intent.regions.of(intent.role), intent.peer_region

        # S3 recovery points are encrypted by AWS Backup with the vault's key; RDS snapshots
        # copied in from the other region are re-encrypted by RDS with it: "rds" too.
        key = self.customer_key(f"{name}-vault-key", f"{name} vault ({region})",
                                services=["backup", "rds"])
        self.vault = aws.backup.Vault(f"{name}-vault", name=vault_name(name, region),
                                      kms_key_arn=key.arn, tags=tags, opts=self.stateful())
        self.peer_vault_arn = Account(self.provider).arn(
            "backup", f"backup-vault:{vault_name(name, peer)}", region=peer)
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

        self.plan = aws.backup.Plan(f"{name}-plan", name=f"{name}-{region}", tags=tags,
                                    opts=child, rules=[self._scheduled(args, intent.rpo_seconds)])
        self.selection = aws.backup.Selection(
            f"{name}-selection", name=f"{name}-stateful", plan_id=self.plan.id,
            iam_role_arn=role.arn, resources=list(args.resource_arns),
            opts=self.child(depends_on=attachments))

        self.register_outputs({"vault_arn": self.vault.arn, "copy_vault_arn": self.peer_vault_arn,
                               "plan_id": self.plan.id, "schedule": schedule(intent.rpo_seconds)})

    def _scheduled(self, args: BackupArgs, rpo: int) -> aws.backup.PlanRuleArgs:
        copies = [aws.backup.PlanRuleCopyActionArgs(
            destination_vault_arn=self.peer_vault_arn,
            lifecycle=aws.backup.PlanRuleCopyActionLifecycleArgs(
                delete_after=args.copy_retention_days))] if args.copy else None
        return aws.backup.PlanRuleArgs(
            rule_name="scheduled", target_vault_name=self.vault.name, schedule=schedule(rpo),
            start_window=60, completion_window=180,
            lifecycle=aws.backup.PlanRuleLifecycleArgs(delete_after=args.retention_days),
            copy_actions=copies)
