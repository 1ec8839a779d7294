"""One module per ``drkit`` command; each exposes ``register(subparsers)``."""
