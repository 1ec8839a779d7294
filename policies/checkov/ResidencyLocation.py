"""DR-RES-001 on Terraform: every regional resource lies inside the allowed jurisdictions
(``DRKIT_RESIDENCY=eu``; see adapter.py)."""

from checkov.common.models.enums import CheckCategories

from policies.checkov.adapter import RuleCheck

check = RuleCheck("DR-RES-001", ("aws_*", "google_*"), CheckCategories.GENERAL_SECURITY)
