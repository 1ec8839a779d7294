"""How ``drkit check`` runs checkov, and which of its checks are mandatory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drkit_core.findings import Enforcement

DR_CHECKS = frozenset({
    "CKV_AWS_157",  # RDS Multi-AZ
    "CKV_AWS_133",  # RDS backup retention
    "CKV_AWS_293",  # RDS deletion protection
    "CKV_AWS_21",   # S3 versioning
    "CKV_AWS_144",  # S3 cross-region replication
    "CKV_AWS_28",   # DynamoDB point-in-time recovery
    "CKV2_AWS_50",  # ElastiCache automatic failover
    "CKV_AWS_261",  # target group health check
    "CKV_GCP_14",   # Cloud SQL backups
    "CKV_GCP_78",   # GCS versioning
})
"""checkov's built-in checks that matter for disaster recovery: mandatory by default."""

DRKIT_CHECK_PREFIX = "DR-"
"""drkit's own checkov checks (policies/checkov) carry the IDs of the drkit rules they run
(``DR-GCP-001``...) and are mandatory by default too."""


@dataclass(frozen=True)
class CheckovOptions:
    """How ``drkit check`` runs checkov (its ``--checkov-*`` options map onto these)."""

    checks: tuple[str, ...] = ()
    """Run only these check IDs (checkov's ``--check``)."""
    skip_checks: tuple[str, ...] = ()
    """Never run these (checkov's ``--skip-check``)."""
    mandatory: frozenset[str] | None = None
    """Check IDs whose failures are mandatory; None: :data:`DR_CHECKS` and drkit's own. ``*``
    makes every check mandatory."""
    executable: str | None = None
    """checkov to run; None: found as :func:`drkit.checkers.checkov.locate.find_checkov` says."""
    search_from: tuple[Path, ...] = ()
    """Directories (project roots) to look for ``.venv-checkov`` in, besides the defaults."""
    external_checks_dir: Path | None = None
    """drkit's own checkov checks; None: ``policies/checkov`` of this drkit."""
    plan_dir: Path | None = None
    """Keep the exported plans here (``<project>-<stack>.tfplan.json``); None: a temp dir."""
    jobs: int = 0
    """checkov processes at once; 0: one per CPU."""
    timeout: float = 900.0

    def enforcement(self, check_id: str) -> Enforcement:
        mandatory = self.mandatory
        if mandatory is None:
            is_mandatory = check_id in DR_CHECKS or check_id.startswith(DRKIT_CHECK_PREFIX)
        else:
            is_mandatory = "*" in mandatory or check_id in mandatory
        return Enforcement.MANDATORY if is_mandatory else Enforcement.ADVISORY
