"""Exports of recorded stacks for other tools: :mod:`drkit.export.tfplan` (a Terraform plan for
checkov). :mod:`drkit.export.schema` and :mod:`drkit.export.naming` import no pulumi: checkov's
virtualenv uses them."""
