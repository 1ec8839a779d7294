"""gcp-warm-standby: one app in two GCP regions; the program is components/gcp/template.py
(shared with gcp-active-active: the two differ only in their stacks' drkit:tier)."""

from components.gcp.template import deploy

deploy()
