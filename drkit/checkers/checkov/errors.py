"""What goes wrong running checkov."""

from __future__ import annotations

from drkit_core.errors import DrkitError


class CheckovError(DrkitError):
    """checkov is missing, crashed, could not load drkit's checks, or did not see every
    exported resource."""
