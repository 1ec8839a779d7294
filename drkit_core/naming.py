"""Names between Pulumi and Terraform: camelCase and snake_case, plural list blocks, addresses.

Pure functions, no pulumi import: checkov's virtualenv uses them too (policies/checkov).
"""

from __future__ import annotations

import re

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_-]")
_UNCOUNTABLE = frozenset({"equipment", "information", "rice", "money", "species", "series",
                          "fish", "sheep", "data"})
_IRREGULAR = {"radius": "radii"}
_ES_AFTER_S = frozenset({"alias", "status", "bus", "canvas"})


def snake(name: str) -> str:
    """``versioningConfiguration`` -> ``versioning_configuration`` (``ipv6CidrBlock`` ->
    ``ipv6_cidr_block``): how the Terraform bridge camel-cases names, reversed."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def camel(name: str) -> str:
    """``versioning_configuration`` -> ``versioningConfiguration``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def plural(word: str) -> str:
    """The plural the Terraform bridge gives a list block's name (``rule`` -> ``rules``,
    ``policy`` -> ``policies``, ``address`` -> ``addresses``; ``cors`` stays)."""
    last = word.rsplit("_", 1)[-1]
    if last in _UNCOUNTABLE:
        return word
    if last in _IRREGULAR:
        return word[: -len(last)] + _IRREGULAR[last]
    if re.search(r"(ss|x|ch|sh|z)$", word) or last in _ES_AFTER_S:
        return word + "es"
    if word.endswith("s"):
        return word
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def singulars(word: str) -> list[str]:
    """Every name whose :func:`plural` could be ``word`` (``word`` itself first)."""
    found = [word]
    for candidate in (word[:-1], word[:-2], word[:-3] + "y"):
        if len(candidate) > 0 and candidate not in found and plural(candidate) == word:
            found.append(candidate)
    return found


def identifier(name: str) -> str:
    """A Terraform resource name from a Pulumi resource name: letters, digits, ``_`` and ``-``,
    starting with a letter or ``_``."""
    clean = _NOT_IDENTIFIER.sub("_", name) or "_"
    return clean if re.match(r"[A-Za-z_]", clean) else f"_{clean}"
