"""drkit's core: what every other layer stands on, with no Pulumi import.

- :mod:`drkit_core.intent`: the ``drkit:`` stack config (DR intent), parsed once, typed.
- :mod:`drkit_core.regions`: the region catalog and jurisdictions (``data/regions.yaml``).
- :mod:`drkit_core.durations`: ``15m``-style durations.
- :mod:`drkit_core.wire`: how Pulumi hands values over (booleans as strings, secrets).
- :mod:`drkit_core.graph`: the resource graph a stack's run records (resources, stacks).
- :mod:`drkit_core.project`: Pulumi project and stack files, as the CLI reads them.
- :mod:`drkit_core.findings`: what every checker reports, in one shape.
- :mod:`drkit_core.naming`, :mod:`drkit_core.tfschema`: Pulumi <-> Terraform names and values.
- :mod:`drkit_core.errors`: errors reported as a message, never a traceback.

The engine, the rules and checkers, the components and the commands import this package; it
imports none of them (import-linter contracts in pyproject.toml hold CI to it).
"""
