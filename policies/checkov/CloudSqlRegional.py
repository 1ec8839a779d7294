"""DR-GCP-001 on Terraform: Cloud SQL primaries are REGIONAL (a standby in another zone)."""

from policies.checkov.adapter import RuleCheck

check = RuleCheck("DR-GCP-001", ("google_sql_database_instance",))
