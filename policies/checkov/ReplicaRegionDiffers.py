"""DR-RES-003 on Terraform: an RDS read replica lies in another region than its source."""

from policies.checkov.adapter import RuleCheck

check = RuleCheck("DR-RES-003", ("aws_db_instance",))
