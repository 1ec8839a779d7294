"""The IAM policy-document renderer behind ``aws.iam.get_policy_document``.

Renders the data source's arguments (statements, source and override documents) to the JSON
the AWS provider returns: a lone value written as a scalar, principals and conditions merged
by type, statements of a later document replacing earlier ones with the same Sid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

_STATEMENT_KEYS = (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"),
                   ("notActions", "NotAction"), ("resources", "Resource"),
                   ("notResources", "NotResource"))
_ORDER = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal",
          "NotPrincipal", "Condition")


def render_policy_document(args: Mapping[str, Any]) -> dict[str, Any]:
    """The ``id``, ``json`` (indented) and ``minifiedJson`` of the document ``args`` describe."""
    statements = _documents(args, "sourcePolicyDocuments")
    own = [_statement(st) for st in _items(args, "statements") if isinstance(st, Mapping)]
    _merge_by_sid(statements, own)
    _merge_by_sid(statements, _documents(args, "overridePolicyDocuments"))
    document: dict[str, Any] = {"Version": _text(args, "version") or "2012-10-17"}
    if _text(args, "policyId"):
        document["Id"] = _text(args, "policyId")
    document["Statement"] = statements
    pretty = json.dumps(document, indent=2)
    digest = hashlib.sha256(pretty.encode()).hexdigest()
    return {"id": str(int(digest[:8], 16)), "json": pretty,
            "minifiedJson": json.dumps(document, separators=(",", ":"))}


def _text(args: Mapping[str, Any], key: str) -> str:
    value = args.get(key)
    return value if isinstance(value, str) else ""


def _items(args: Mapping[str, Any], key: str) -> list[Any]:
    value = args.get(key)
    return list(value) if isinstance(value, list | tuple) else []


def _one_or_many(values: Iterable[Any]) -> Any:
    """A lone value is written as a scalar, as the AWS provider renders documents."""
    items = list(values)
    return items[0] if len(items) == 1 else items


def _principals(blocks: Iterable[Any]) -> Any:
    merged: dict[str, list[Any]] = {}
    for block in blocks:
        if isinstance(block, Mapping):
            merged.setdefault(str(block.get("type")), []).extend(block.get("identifiers") or ())
    if list(merged) == ["*"] and merged["*"] == ["*"]:
        return "*"
    return {kind: _one_or_many(ids) for kind, ids in merged.items()}


def _conditions(blocks: Iterable[Any]) -> dict[str, dict[str, Any]]:
    rendered: dict[str, dict[str, Any]] = {}
    for block in blocks:
        if isinstance(block, Mapping):
            test = rendered.setdefault(str(block.get("test")), {})
            test[str(block.get("variable"))] = _one_or_many(block.get("values") or ())
    return rendered


def _statement(args: Mapping[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    for key, field in _STATEMENT_KEYS:
        value = args.get(key)
        if isinstance(value, list | tuple) and value:
            statement[field] = _one_or_many(value)
        elif isinstance(value, str) and value:
            statement[field] = value
    statement.setdefault("Effect", "Allow")
    for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
        if args.get(key):
            statement[field] = _principals(args[key])
    if args.get("conditions"):
        statement["Condition"] = _conditions(args["conditions"])
    return {field: statement[field] for field in _ORDER if field in statement}


def _merge_by_sid(base: list[dict[str, Any]], extra: Iterable[dict[str, Any]]) -> None:
    """Later statements replace earlier ones with the same Sid (source/override documents)."""
    for statement in extra:
        sid = statement.get("Sid")
        index = next((i for i, old in enumerate(base) if sid and old.get("Sid") == sid), None)
        if index is None:
            base.append(statement)
        else:
            base[index] = statement


def _documents(args: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for text in _items(args, key):
        try:
            document = json.loads(text)
        except (TypeError, ValueError):
            continue
        found = document.get("Statement", []) if isinstance(document, dict) else []
        _merge_by_sid(statements, found if isinstance(found, list) else [found])
    return statements
