"""The CrossGuard policy pack: ``pulumi preview --policy-pack policies``.

The Pulumi CLI runs this file (``python -m pulumi.policy``); constructing the PolicyPack starts
the analyzer's gRPC server and blocks, so it happens here and nowhere else.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from policies.crossguard import PACK_NAME, policies

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=policies(),
    description="drkit: disaster-recovery redundancy and data-residency rules for AWS and GCP",
)
