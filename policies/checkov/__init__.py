"""drkit's own checkov checks, for what checkov lacks; load with
``checkov --external-checks-dir policies/checkov`` (on Pulumi exports and on plain Terraform).

Each check is a thin adapter: it turns the Terraform resource checkov hands it back into the
camelCase view of drkit's rules (:mod:`drkit_core.tfschema`) and calls the same rule function,
so a rule is written once (policies/rules) and reported with the same ID and wording.
"""
