"""Reading Pulumi.yaml and stack files as the CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drkit_core.errors import ProjectError
from drkit_core.project import SECRET_PLACEHOLDER, Project


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_stack_config_dir_defaults_and_objects(tmp_path: Path) -> None:
    write(tmp_path / "Pulumi.yaml", "name: app\nruntime:\n  name: python\nmain: src/\n"
          "stackConfigDir: config\nconfig:\n  size: 3\n  aws:region: eu-west-1\n"
          "  colour:\n    type: string\n    default: blue\n")
    write(tmp_path / "src/__main__.py", "")
    write(tmp_path / "config/Pulumi.prod.yaml",
          "config:\n  app:size: 5\n  drkit:regions:\n    primary: eu-west-1\n"
          "  token:\n    secure: v1:abc\n  enabled: true\n")
    project = Project.load(tmp_path)
    assert project.main == tmp_path / "src/__main__.py"
    assert project.stacks() == ["prod"]
    config = project.stack_config("prod")
    assert config.values["app:size"] == "5"
    assert config.values["app:colour"] == "blue"
    assert config.values["aws:region"] == "eu-west-1"
    assert json.loads(config.values["drkit:regions"]) == {"primary": "eu-west-1"}
    assert config.values["app:token"] == SECRET_PLACEHOLDER
    assert config.secret_keys == ["app:token"]
    assert config.values["app:enabled"] == "true"


def test_missing_stack_names_the_known_stacks(tmp_path: Path) -> None:
    write(tmp_path / "Pulumi.yaml", "name: app\nruntime: python\n")
    write(tmp_path / "__main__.py", "")
    write(tmp_path / "Pulumi.dev.yaml", "config: {}\n")
    with pytest.raises(ProjectError, match=r"stack 'prod': no config file .*stacks of project "
                                           r"'app': dev"):
        Project.load(tmp_path).stack_config("prod")


@pytest.mark.parametrize(("text", "message"), [
    ("name: app\nruntime: nodejs\n", "runtime is 'nodejs'"),
    ("runtime: python\n", "not a Pulumi project file"),
    ("name: app\nruntime: python\nmain: nowhere.py\n", "program .*nowhere.py not found"),
])
def test_bad_project_files(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path / "Pulumi.yaml", text)
    with pytest.raises(ProjectError, match=message):
        Project.load(tmp_path)


def test_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"no Pulumi\.yaml"):
        Project.load(tmp_path)


def test_stack_reference_names(tmp_path: Path) -> None:
    write(tmp_path / "Pulumi.yaml", "name: app\nruntime: python\n")
    write(tmp_path / "__main__.py", "")
    write(tmp_path / "Pulumi.primary.yaml", "config: {}\n")
    project = Project.load(tmp_path)
    for name in ("primary", "app/primary", "acme/app/primary"):
        assert project.resolve_reference(name) == "primary"
    with pytest.raises(ProjectError, match="names project 'other'"):
        project.resolve_reference("acme/other/primary")
    with pytest.raises(ProjectError, match="has no stack 'tertiary'"):
        project.resolve_reference("tertiary")


# -- hostile and broken input: each ends as a ProjectError naming the file and the problem --


def project(tmp_path: Path, stack_text: str | bytes = "config: {}\n",
            project_text: str | bytes = "name: app\nruntime: python\n") -> Project:
    for name, text in (("Pulumi.yaml", project_text), ("Pulumi.dev.yaml", stack_text)):
        data = text.encode() if isinstance(text, str) else text
        (tmp_path / name).write_bytes(data)
    write(tmp_path / "__main__.py", "")
    return Project.load(tmp_path)


@pytest.mark.parametrize(("stack_text", "message"), [
    ("config:\n  drkit:app: shop\n  drkit:app: other\n", "key 'drkit:app' is defined twice"),
    ("config:\n  drkit:app: null\n", "config drkit:app: null is not a value"),
    ("config:\n  1: x\n", "config key 1 is not valid"),
    ("config: [a, b]\n", "'config' must be a mapping"),
    ("config: {a: [unclosed\n", "invalid YAML"),
    ("\ufeffconfig:\n  app:x: 1\n".encode("utf-16"), "not UTF-8 text"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text|NUL"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(6)) + "config: {}\n", "alias bomb"),
])
def test_bad_stack_files(tmp_path: Path, stack_text: str | bytes, message: str) -> None:
    with pytest.raises(ProjectError, match=message) as raised:
        project(tmp_path, stack_text).stack_config("dev")
    assert "Pulumi.dev.yaml" in str(raised.value)


def test_bad_project_file_encoding(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"Pulumi\.yaml: not UTF-8 text"):
        project(tmp_path, project_text="name: app\nruntime: python\n".encode("utf-16"))


@pytest.mark.parametrize("stack", ["x/evil", "../dev", "", "a b", ".."])
def test_stack_names_cannot_reach_other_files(tmp_path: Path, stack: str) -> None:
    write(tmp_path / "x" / "Pulumi.evil.yaml", "config: {}\n")
    with pytest.raises(ProjectError, match="not a valid stack name"):
        project(tmp_path).stack_config(stack)


def test_missing_and_unreadable_directories(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such directory"):
        Project.load(tmp_path / "absent")
    (tmp_path / "file").write_text("")
    with pytest.raises(ProjectError, match="not a directory"):
        Project.load(tmp_path / "file")
    with pytest.raises(ProjectError, match=r"no Pulumi\.yaml \(it is empty\)"):
        Project.load(_empty(tmp_path))


def _empty(tmp_path: Path) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder


def test_invalid_project_name(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not a valid project name"):
        project(tmp_path, project_text="name: my/app\nruntime: python\n")
