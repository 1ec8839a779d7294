"""aws-warm-standby: one app in two AWS regions; the program is components/aws/template.py."""

from components.aws.template import deploy

deploy()
