"""drkit's DR rules, one module per area; :mod:`policies.registry` lists them all."""
