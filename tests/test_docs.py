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


def test_every_component_input_is_described() -> None:
    """Every field of every <X>Args, and of the argument types they hold, says what it is."""
    found = docs.components()
    undescribed = [f"{c.args}.{f.name}" for c in found for f in c.fields if not f.doc]
    undescribed += [f"{t.cls}.{f.name}" for c in found for t in c.nested for f in t.fields
                    if not f.doc]
    assert undescribed == []
    assert {t.cls for c in found for t in c.nested} == {
        "NetworkRefs", "Capacity", "RegionalEndpoint", "RegionalBackend", "FlowLogs"}


def test_components_reference_gives_each_inputs_constraint() -> None:
    fields = {(c.module, c.args, f.name): f for c in docs.components() for f in c.fields}
    assert fields["components.aws.database", "DatabaseArgs",
                  "backup_retention_days"].allowed == "7 to 35"
    assert fields["components.gcp.network", "NetworkArgs",
                  "cidr_block"].allowed == "a private IPv4 network from /16 to /22"
    assert fields["components.aws.failover", "FailoverArgs",
                  "request_interval"].allowed == "10 or 30"
    assert fields["components.aws.database", "DatabaseArgs", "promote"].allowed == ""
