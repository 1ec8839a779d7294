"""Generated README sections are fresh."""

from __future__ import annotations

from components import docs


def test_components_reference_is_fresh() -> None:
    text = docs.README.read_text()
    assert docs.updated_readme(text) == text, (
        "README's component reference is stale: run python -m components.docs --write")


def test_components_reference_lists_every_component() -> None:
    names = {c.cls for c in docs.components()}
    assert {"Network", "ReplicatedDatabase", "ReplicatedBucket", "StandbyTier", "FailoverEntry",
            "BackupPlan"} <= names
    assert all(c.fields and c.summary for c in docs.components())
