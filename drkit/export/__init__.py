"""Exports of recorded stacks for other tools: :mod:`drkit.export.tfplan` (a Terraform plan for
checkov). :mod:`drkit_core.tfschema` and :mod:`drkit_core.naming` import no pulumi: checkov's
virtualenv uses them."""
