"""What the offline engine records: the resources a program declares, and its stack outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Resource:
    """One registered (or read) resource, with inputs as Pulumi sends them (camelCase)."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    secret_inputs: list[str] = field(default_factory=list)
    """Top-level inputs the program marked secret (offline they hold a placeholder)."""
    parent: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    provider: str | None = None
    """URN of the explicit provider; None for a default provider or a component."""
    region: str | None = None
    id: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    read: bool = False
    """True for resources read with ``get`` or a StackReference rather than managed."""
    source: tuple[str, int] | None = None
    """(file, line) in the program where the resource was declared, when the SDK reports it."""

    @property
    def package(self) -> str:
        """``aws`` for ``aws:s3/bucket:Bucket``, ``aws`` for ``pulumi:providers:aws``."""
        if self.type.startswith("pulumi:providers:"):
            return self.type.rsplit(":", 1)[1]
        return self.type.split(":", 1)[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "region": self.region,
            "inputs": self.inputs,
            "parent": self.parent,
            "dependencies": self.dependencies,
            "provider": self.provider,
            "id": self.id,
            "protect": self.protect,
            "secretInputs": self.secret_inputs,
            "source": {"file": self.source[0], "line": self.source[1]} if self.source else None,
        }


@dataclass
class StackRun:
    """The result of running one stack's program offline."""

    project: str
    stack: str
    config: dict[str, str]
    resources: list[Resource]
    outputs: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def by_urn(self) -> dict[str, Resource]:
        return {r.urn: r for r in self.resources}

    def of_type(self, token: str) -> list[Resource]:
        return [r for r in self.resources if r.type == token]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "outputs": self.outputs,
            "resources": [r.to_json() for r in self.resources],
        }
