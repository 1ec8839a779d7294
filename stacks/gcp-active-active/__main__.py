"""gcp-active-active: one app in two GCP regions; what each stack builds depends on drkit:role.

The program is shared with the other GCP template (components/gcp/template.py): the two differ
only in their stacks' drkit:tier (and so in what the secondary runs and serves).
"""

from components.gcp.template import deploy

deploy()
