"""The resource graph: what a stack's run records (its resources and outputs), and a stack
as checkers see it (its run, its project, its DR intent).

:attr:`Resource.managed` is the one definition of a managed resource: what ``drkit inventory``
counts, what rules judge and what ``drkit export tfplan`` exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drkit_core.intent import Intent
from drkit_core.project import Project

PROVIDER_PREFIX = "pulumi:providers:"


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
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_PREFIX)

    @property
    def managed(self) -> bool:
        """A resource the stack creates and owns: not a component, a provider or a read
        (``get``, StackReference)."""
        return self.custom and not self.read and not self.is_provider

    @property
    def package(self) -> str:
        """``aws`` for ``aws:s3/bucket:Bucket``, ``aws`` for ``pulumi:providers:aws``."""
        if self.is_provider:
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

    @property
    def managed(self) -> list[Resource]:
        """The managed resources (:attr:`Resource.managed`), in record order."""
        return [r for r in self.resources if r.managed]

    def of_type(self, token: str) -> list[Resource]:
        return [r for r in self.resources if r.type == token]

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "outputs": self.outputs,
            "resources": [r.to_json() for r in self.resources],
        }


@dataclass(frozen=True)
class CheckedStack:
    """One stack's offline run, with what checkers need to know about it."""

    project: Project
    run: StackRun
    intent: Intent
    """What the stack's ``drkit:`` config declares (empty for programs without it)."""
    repo_root: Path

    @property
    def key(self) -> str:
        return f"{self.project.name}/{self.run.stack}"

    def relative(self, path: str | Path) -> str:
        """A path as SARIF and people want it: relative to the repository when inside it."""
        resolved = Path(path).resolve()
        if resolved.is_relative_to(self.repo_root):
            return resolved.relative_to(self.repo_root).as_posix()
        return resolved.as_posix()
