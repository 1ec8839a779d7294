"""Scenarios, protections and data stores: the vocabulary of the recovery model."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from drkit_core.recovery.view import Viewable


class Scenario(StrEnum):
    ZONE_LOSS = "zone-loss"
    REGION_LOSS = "region-loss"
    """The loss of the active region (``drkit:active``)."""
    DATA_CORRUPTION = "data-corruption"
    """A bad write or deletion: replication copies it, so only backups, point-in-time recovery,
    object versions and locks count."""


class Kind(StrEnum):
    SYNC_STANDBY = "synchronous standby"
    ZONE_REDUNDANT = "zone-redundant storage"
    REPLICA = "asynchronous replica"
    REPLICATED_STORAGE = "replicated storage"
    BACKUP = "backups"
    BACKUP_COPY = "backup copies"
    PITR = "point-in-time recovery"
    VERSIONS = "object versions"


UNDO_KINDS = frozenset({Kind.BACKUP, Kind.BACKUP_COPY, Kind.PITR, Kind.VERSIONS})
"""What recovers from corruption: copies of the past, not live copies of the present."""


@dataclass(frozen=True)
class Protection:
    """One way back for a data store, and the data it can lose."""

    kind: Kind
    mechanism: str
    """How a person names it: ``asynchronous read replica shop-db-db in eu-central-1``."""
    rpo_seconds: int | None
    """Data it can lose; None when no bound is known (no published figure)."""
    source: str
    """Where ``rpo_seconds`` comes from: a figure, a schedule."""
    region: str | None = None
    """Where the copy lives; None: in the store's own region."""
    zone_safe: bool = True
    """Survives the loss of one zone of the store's region."""
    resource: str | None = None
    """Name of the resource that holds the copy (replica, vault), for runbooks."""


@dataclass
class DataStore:
    """A stateful resource: a database, a table, a bucket."""

    view: Viewable
    stack: str
    service: str
    """rds, aurora, dynamodb, s3, cloudsql, gcs: picks the figures and the runbook commands."""
    region: str | None
    replicates: str | None = None
    """What a replica names as its source (ARN, identifier, name); None for a source."""
    zone_redundant: str | None = None
    """The mechanism that keeps it through the loss of a zone, if any (Multi-AZ, REGIONAL)."""
    protections: list[Protection] = field(default_factory=list)
    needs_promotion: bool = False
    """A replica that must be promoted before it takes writes (RDS, Cloud SQL, Aurora)."""

    @property
    def name(self) -> str:
        return self.view.name

    @property
    def label(self) -> str:
        return f"{self.view.type} \"{self.view.name}\""


@dataclass
class DataSet:
    """A source and its replicas or replicated copies: as recoverable as its best copy."""

    source: DataStore
    replicas: list[DataStore] = field(default_factory=list)

    @property
    def protections(self) -> list[Protection]:
        found = list(self.source.protections)
        for replica in self.replicas:
            found.extend(replica.protections)
        return found

    @property
    def stores(self) -> list[DataStore]:
        return [self.source, *self.replicas]
