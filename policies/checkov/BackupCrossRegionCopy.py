"""DR-AWS-014 on Terraform: AWS Backup plans copy recovery points to another region."""

from policies.checkov.adapter import RuleCheck

check = RuleCheck("DR-AWS-014", ("aws_backup_plan",))
