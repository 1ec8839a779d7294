"""Reading YAML files people give drkit, strictly, the way the Pulumi CLI's YAML reader does.

- UTF-8 only (a BOM is allowed); anything else is an error naming the file, not a traceback.
- A key defined twice in one mapping is an error (Pulumi: "mapping key already defined"), not
  a silent "last one wins".
- Aliases are allowed, but a document whose aliases expand past :data:`MAX_NODES` values is
  refused before anything walks it (a "billion laughs" document would otherwise exhaust memory).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_NODES = 100_000
"""Most values a document may hold once its aliases are expanded (stack files hold dozens)."""

MAX_BYTES = 5_000_000
"""Largest file read (a stack or project file is a few kilobytes)."""


class YamlError(ValueError):
    """The file cannot be read as strict UTF-8 YAML; the message says why."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in result
        except TypeError:  # an unhashable key: let PyYAML word it
            duplicate = False
        if duplicate:
            line = key_node.start_mark.line + 1
            raise YamlError(f"line {line}: key {key!r} is defined twice in one mapping")
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read(path: Path) -> Any:
    """The document in ``path``; raises :class:`YamlError` (or OSError for I/O)."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise YamlError(f"{len(data)} bytes; a Pulumi file of more than {MAX_BYTES} bytes is "
                        "not supported")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise YamlError(f"not UTF-8 text (byte {error.start}: {data[error.start:error.start + 1]!r}"
                        "); save the file as UTF-8") from None
    if "\x00" in text:
        raise YamlError("contains NUL characters: not a text file")
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
        too_large = _expanded_size(document) > MAX_NODES
    except yaml.YAMLError as error:
        raise YamlError(f"invalid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise YamlError("nested too deeply") from None
    if too_large:
        raise YamlError(f"its aliases expand to more than {MAX_NODES} values: refused (a YAML "
                        "alias bomb?)")
    return document


def _expanded_size(document: Any) -> int:
    """How many values the document holds with every alias expanded, computed over the shared
    objects PyYAML builds (linear in the file, however large the expansion)."""
    sizes: dict[int, int] = {}

    def size(value: Any) -> int:
        if not isinstance(value, dict | list):
            return 1
        known = sizes.get(id(value))
        if known is not None:
            return known
        sizes[id(value)] = MAX_NODES + 1  # a cycle counts as too large
        children = value.values() if isinstance(value, dict) else value
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_NODES:
                break
        sizes[id(value)] = total
        return total

    return size(document)
