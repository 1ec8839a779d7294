"""DR-RES-002 on Terraform: RDS replicas' sources and AWS Backup copy vaults lie inside the
allowed jurisdictions (``DRKIT_RESIDENCY=eu``; see adapter.py)."""

from checkov.common.models.enums import CheckCategories

from policies.checkov.adapter import RuleCheck

check = RuleCheck("DR-RES-002", ("aws_db_instance", "aws_backup_plan"),
                  CheckCategories.GENERAL_SECURITY)
