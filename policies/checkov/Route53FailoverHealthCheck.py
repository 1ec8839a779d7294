"""DR-AWS-010 on Terraform: the PRIMARY Route53 failover record has a health check."""

from policies.checkov.adapter import RuleCheck

check = RuleCheck("DR-AWS-010", ("aws_route53_record",))
