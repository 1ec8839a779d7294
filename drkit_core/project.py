"""Reading a Pulumi project the way the Pulumi CLI does: ``Pulumi.yaml`` and stack config files.

Honours ``main``, ``stackConfigDir`` and project-level ``config:`` defaults. ``secure:`` values
cannot be decrypted offline; they become a placeholder that the program sees as a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drkit_core import yamlfile
from drkit_core.errors import ProjectError, quote
from drkit_core.wire import SECRET_PLACEHOLDER, config_string

NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)
"""Project and stack names as the Pulumi CLI allows them (no path separators)."""


def check_stack_name(stack: str) -> str:
    """``stack`` if it is a valid stack name, else a ProjectError naming it."""
    if not NAME.fullmatch(stack) or stack in (".", ".."):
        raise ProjectError(f"stack {quote(stack)} is not a valid stack name; allowed: 1-100 "
                           "letters, digits, '-', '_' and '.'")
    return stack


@dataclass(frozen=True)
class StackConfig:
    """Config of one stack as the language host receives it: ``ns:key`` -> string."""

    values: dict[str, str]
    secret_keys: list[str] = field(default_factory=list)

    def namespace(self, ns: str) -> dict[str, str]:
        prefix = ns + ":"
        return {k[len(prefix):]: v for k, v in self.values.items() if k.startswith(prefix)}


@dataclass(frozen=True)
class Project:
    """A Pulumi project directory."""

    root: Path
    name: str
    runtime: str
    main: Path
    stack_config_dir: Path
    defaults: dict[str, Any]

    @classmethod
    def load(cls, directory: str | Path) -> Project:
        root = Path(directory).resolve()
        if not root.exists():
            raise ProjectError(f"{directory}: no such directory; PROJECT_DIR must be a Pulumi "
                               "project directory (the one holding Pulumi.yaml)")
        if not root.is_dir():
            raise ProjectError(f"{directory}: not a directory; PROJECT_DIR must be a Pulumi "
                               "project directory (the one holding Pulumi.yaml)")
        candidates = [root / "Pulumi.yaml", root / "Pulumi.yml"]
        try:
            path = next((p for p in candidates if p.is_file()), None)
            readable = path is not None or any(True for _ in root.iterdir())
        except OSError as error:
            raise ProjectError(f"{root}: cannot read the directory: {error.strerror}") from None
        if path is None:
            empty = "" if readable else " (it is empty)"
            raise ProjectError(f"{root}: no Pulumi.yaml{empty}; PROJECT_DIR must be a Pulumi "
                               "project directory (the one holding Pulumi.yaml)")
        data = _read_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise ProjectError(f"{path}: not a Pulumi project file (it needs a 'name')")
        if not NAME.fullmatch(data["name"]):
            raise ProjectError(f"{path}: name {quote(data['name'])} is not a valid project name; "
                               "allowed: 1-100 letters, digits, '-', '_' and '.'")
        runtime = data.get("runtime")
        runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
        if runtime_name != "python":
            raise ProjectError(f"{path}: runtime is {runtime_name!r}; drkit runs Python programs "
                               "only (runtime: python)")
        main = root / str(data.get("main") or ".")
        if main.is_dir():
            main = main / "__main__.py"
        if not main.is_file():
            raise ProjectError(f"{path}: program {main} not found (set 'main' or add __main__.py)")
        config_dir = root / str(data.get("stackConfigDir") or ".")
        defaults = data.get("config") or {}
        if not isinstance(defaults, dict):
            raise ProjectError(f"{path}: 'config' must be a mapping of keys to values")
        return cls(root=root, name=data["name"], runtime="python", main=main,
                   stack_config_dir=config_dir, defaults=defaults)

    def stack_file(self, stack: str) -> Path:
        return self.stack_config_dir / f"Pulumi.{check_stack_name(stack)}.yaml"

    def stacks(self) -> list[str]:
        """Stack names that have a config file, sorted."""
        try:
            files = sorted(self.stack_config_dir.glob("Pulumi.*.yaml"))
        except OSError as error:
            raise ProjectError(f"{self.stack_config_dir}: cannot read the directory: "
                               f"{error.strerror}") from None
        names = [f.name[len("Pulumi."):-len(".yaml")] for f in files]
        return [name for name in names if NAME.fullmatch(name)]

    def stack_config(self, stack: str) -> StackConfig:
        path = self.stack_file(stack)
        if not path.is_file():
            known = ", ".join(self.stacks()) or "none"
            raise ProjectError(f"stack {stack!r}: no config file {path}; stacks of project "
                               f"{self.name!r}: {known}")
        data = _read_yaml(path) or {}
        if not isinstance(data, dict):
            raise ProjectError(f"{path}: expected a mapping with a 'config' key")
        stack_values = data.get("config") or {}
        if not isinstance(stack_values, dict):
            raise ProjectError(f"{path}: 'config' must be a mapping of keys to values")
        values: dict[str, str] = {}
        secrets: list[str] = []
        for key, raw in self.defaults.items():
            value = raw.get("value", raw.get("default")) if _is_declaration(raw) else raw
            if value is not None:
                values[self._qualify(key, self.root / "Pulumi.yaml")] = config_string(value)
        for key, raw in stack_values.items():
            full = self._qualify(key, path)
            if raw is None:
                raise ProjectError(f"{path}: config {full}: null is not a value; give it a "
                                   "value or remove the key")
            if isinstance(raw, dict) and set(raw) == {"secure"}:
                values[full] = SECRET_PLACEHOLDER
                secrets.append(full)
            else:
                values[full] = config_string(raw)
        return StackConfig(values=values, secret_keys=secrets)

    def _qualify(self, key: Any, path: Path) -> str:
        if not isinstance(key, str) or not key.strip():
            raise ProjectError(f"{path}: config key {quote(key)} is not valid; keys are names "
                               "such as aws:region or drkit:app")
        return key if ":" in key else f"{self.name}:{key}"

    def resolve_reference(self, reference: str) -> str:
        """The stack name in this project that a StackReference name points to.

        Accepts ``stack``, ``project/stack`` and ``org/project/stack``.
        """
        parts = reference.split("/")
        if len(parts) > 3 or not all(parts):
            raise ProjectError(f"StackReference {reference!r}: expected stack, project/stack "
                               "or org/project/stack")
        if len(parts) >= 2 and parts[-2] != self.name:
            raise ProjectError(
                f"StackReference {reference!r} names project {parts[-2]!r}; offline, drkit "
                f"resolves only stacks of this project ({self.name!r} in {self.root})")
        stack = parts[-1]
        if not self.stack_file(stack).is_file():
            raise ProjectError(
                f"StackReference {reference!r}: project {self.name!r} has no stack {stack!r} "
                f"(no {self.stack_file(stack).name}); stacks: {', '.join(self.stacks()) or 'none'}")
        return stack


def _is_declaration(raw: Any) -> bool:
    """Project-level config entries may be declarations: {type, default, value, description}."""
    return isinstance(raw, dict) and bool(raw) and set(raw) <= {
        "type", "default", "value", "description", "secret", "items"}


def _read_yaml(path: Path) -> Any:
    try:
        return yamlfile.read(path)
    except OSError as error:
        raise ProjectError(f"{path}: cannot read: {error.strerror or error}") from None
    except yamlfile.YamlError as error:
        raise ProjectError(f"{path}: {error}") from None
