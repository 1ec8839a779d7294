"""The vendored Pulumi <-> Terraform mappings (``drkit_core/data/tf_aws.json``, ``tf_gcp.json``) and
value conversion both ways.

Forward (:func:`to_terraform`): Pulumi inputs (camelCase, plural list blocks) to a Terraform
plan's ``values`` (snake_case, singular block names, single-item blocks as plain objects, no
null keys, whole floats as ints). Backward (:func:`to_pulumi`): a Terraform resource, as a plan
holds it or as checkov hands it to a check (every value wrapped in a list), back to the camelCase
view drkit's rules read.

No pulumi import: checkov's virtualenv imports this module (policies/checkov).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

from drkit_core.naming import camel, snake

MAPPING_FILES = ("tf_aws.json", "tf_gcp.json", "tf_random.json")

CHECKOV_KEYS = frozenset({"start_line", "end_line", "count", "for_each", "depends_on",
                          "lifecycle", "provider", "provisioner", "dynamic"})
"""Keys checkov adds to a resource (or Terraform's meta-arguments) that are not arguments."""


@dataclass(frozen=True, eq=False)
class Field:
    """A list block or a single-item block, possibly with blocks of its own."""

    tf: str
    pulumi: str
    one: bool
    blocks: Mapping[str, Field] = field(default_factory=dict)
    """Nested blocks by Terraform name."""

    @cached_property
    def by_pulumi(self) -> Mapping[str, Field]:
        """Nested blocks by Pulumi name."""
        return {f.pulumi: f for f in self.blocks.values()}


@dataclass(frozen=True)
class TypeMapping:
    """One Terraform resource type and the Pulumi token(s) it corresponds to."""

    tf_type: str
    token: str
    """The canonical Pulumi token (the one rules name)."""
    provider: str
    root: Field
    """The resource as a block: ``root.blocks`` are its top-level blocks."""


class Catalog:
    """Every mapped type; a type's blocks are built the first time it is asked for."""

    def __init__(self, raw: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        self._raw = raw
        self._built: dict[str, TypeMapping] = {}
        self.tokens: dict[str, str] = {}
        """Pulumi token -> Terraform type, aliases included."""
        for tf_type, (_provider, spec) in raw.items():
            for token in spec["tokens"]:
                self.tokens.setdefault(token, tf_type)

    def for_token(self, token: str) -> TypeMapping | None:
        tf_type = self.tokens.get(token)
        return None if tf_type is None else self.for_terraform(tf_type)

    def for_terraform(self, tf_type: str) -> TypeMapping | None:
        if tf_type not in self._built:
            found = self._raw.get(tf_type)
            if found is None:
                return None
            provider, spec = found
            root = Field(tf_type, tf_type, one=True, blocks=_fields(spec.get("blocks", {})))
            self._built[tf_type] = TypeMapping(tf_type, spec["tokens"][0], provider, root)
        return self._built[tf_type]

    def terraform_types(self) -> list[str]:
        return sorted(self._raw)


@cache
def catalog() -> Catalog:
    """The vendored mappings, loaded once."""
    raw: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for name in MAPPING_FILES:
        text = resources.files("drkit_core").joinpath("data", name).read_text(encoding="utf-8")
        data = json.loads(text)
        for tf_type, spec in data["types"].items():
            raw[tf_type] = (data["provider"], spec)
    return Catalog(raw)


def _fields(blocks: Mapping[str, Any]) -> dict[str, Field]:
    return {tf: Field(tf, spec.get("pulumi", camel(tf)), bool(spec.get("one")),
                      _fields(spec.get("blocks", {})))
            for tf, spec in blocks.items()}


# -- forward: Pulumi inputs -> Terraform values ----------------------------------------------

@dataclass(frozen=True)
class Reference:
    """A value that came from another exported resource: ``aws_s3_bucket.logs.id``."""

    address: str
    attribute: str

    def strings(self) -> list[str]:
        """As Terraform writes ``references``: the attribute, then the resource."""
        return [f"{self.address}.{self.attribute}", self.address]


Matcher = Callable[[str, str], "Reference | None"]
"""``match(value, terraform_name)``: the reference when a string input is (exactly) a value of
a resource it depends on."""

_MISSING: Any = object()


def _no_references(_value: str, _name: str) -> Reference | None:
    return None


def to_terraform(props: Mapping[str, Any], block: Field,
                 match: Matcher | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(``values``, ``expressions``) of a plan for the Pulumi inputs ``props``.

    A string ``match`` recognises as another resource's value is left out of ``values`` (as
    Terraform leaves out a value unknown until apply) and written to ``expressions`` as its
    ``references``, so checkov's graph connects the two resources.
    """
    match = match or _no_references
    values: dict[str, Any] = {}
    expressions: dict[str, Any] = {}
    index = block.by_pulumi
    for key, value in props.items():
        nested = index.get(key)
        tf_name = nested.tf if nested is not None else snake(key)
        converted, expression = _value_to_terraform(value, tf_name, nested, match)
        if converted is not _MISSING:
            values[tf_name] = converted
        if expression:
            expressions[tf_name] = expression
    return values, expressions


def _value_to_terraform(value: Any, name: str, block: Field | None,
                        match: Matcher) -> tuple[Any, Any]:
    if value is None:
        return _MISSING, None
    if isinstance(value, str):
        reference = match(value, name)
        if reference is not None:
            return _MISSING, {"references": reference.strings()}
        return value, None
    if isinstance(value, Mapping):
        if block is None:  # a map: keys are data, not names
            return plain(value), None
        values, expressions = to_terraform(value, block, match)
        if not expressions:
            return values if block.one else [values], None
        # checkov carries a block's references into it only through a list (as Terraform
        # writes every block): wrap a single-item block that holds one.
        return [values], [expressions]
    if isinstance(value, list | tuple):
        return _list_to_terraform(list(value), name, block, match)
    return plain(value), None


def _list_to_terraform(items: list[Any], name: str, block: Field | None,
                       match: Matcher) -> tuple[Any, Any]:
    if block is not None and any(isinstance(item, Mapping) for item in items):
        pairs = [to_terraform(item, block, match) for item in items if isinstance(item, Mapping)]
        expressions = [expression for _values, expression in pairs]
        return [values for values, _expression in pairs], (
            expressions if any(expressions) else None)
    references = [ref for item in items if isinstance(item, str)
                  for ref in [match(item, name)] if ref is not None]
    if references:  # unknown until apply: Terraform would not know the list either
        return _MISSING, {"references": [s for ref in references for s in ref.strings()]}
    return plain(items), None


def plain(value: Any) -> Any:
    """JSON values as Terraform writes them: no nulls, whole floats as ints."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value if v is not None]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# -- backward: Terraform values (or checkov's conf) -> Pulumi's camelCase view ---------------

def to_pulumi(values: Mapping[str, Any], block: Field, wrapped: bool = False,
              top: bool = True) -> dict[str, Any]:
    """The camelCase view of a Terraform resource's ``values``.

    ``wrapped``: values as checkov hands them to a check (``{"multi_az": [True],
    "settings": [{"tier": ["db-f1-micro"]}]}``): scalars and lists come wrapped in a list.
    """
    props: dict[str, Any] = {}
    for key, value in values.items():
        if key.startswith("__") or (top and (key in CHECKOV_KEYS or key.endswith("_"))):
            continue
        nested = block.blocks.get(key)
        name = nested.pulumi if nested is not None else camel(key)
        props[name] = _value_to_pulumi(value, nested, wrapped)
    return props


def _value_to_pulumi(value: Any, block: Field | None, wrapped: bool) -> Any:
    if block is not None:
        items = value if isinstance(value, list) else [value]
        objects = [to_pulumi(item, block, wrapped, top=False) for item in items
                   if isinstance(item, Mapping)]
        if block.one:
            return objects[0] if objects else None
        if objects:
            return objects
        scalars = items[0] if wrapped and len(items) == 1 and isinstance(items[0], list) \
            else items
        return list(scalars)
    if wrapped and isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, Mapping):  # a map: unwrap its values too
        return {k: (v[0] if wrapped and isinstance(v, list) and len(v) == 1 else v)
                for k, v in value.items() if not str(k).startswith("__")}
    return value
