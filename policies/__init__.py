"""drkit's DR rules and the CrossGuard pack built from them.

- :mod:`policies.model`: what a rule is and sees (no pulumi import: checkov adapters load it).
- :mod:`policies.rules`: the rules, one module per area; :mod:`policies.registry` lists them.
- :mod:`policies.settings`: enforcement levels and rule config, with CrossGuard's semantics.
- :mod:`policies.crossguard`: the rules as pulumi_policy policies; ``__main__.py`` is the pack.
"""
