"""The C YAML loader and dumper give what the pure Python ones give, and skill hashes are memoised
without going stale."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from testkit import REPO

from esc_cli import yamlsafe
from esc_cli.bank import files
from esc_cli.bank.files import dump_skill, load_skill, split_front_matter
from esc_cli.bank.load import load_skills, skill_hash
from esc_cli.errors import InputError
from esc_cli.fileio import SafeDumper, load_yaml


def _documents() -> list[tuple[Path, str]]:
    found = [(p, p.read_text(encoding="utf-8")) for p in sorted((REPO / "profiles").rglob("*.yaml"))]
    for path in sorted((REPO / "skills").glob("*.md")):
        found.append((path, split_front_matter(path.read_text(encoding="utf-8"), path)[0]))
    return found


def test_the_c_loader_is_used_when_pyyaml_has_it() -> None:
    # PyYAML wheels ship libyaml; this machine's does, so the fast path is the one tested below.
    assert yaml.__with_libyaml__
    assert yamlsafe.Loader is yamlsafe.StrictCLoader
    assert SafeDumper is yaml.CSafeDumper


def _strict(loader: type, text: str) -> object:
    made = loader(text)
    try:
        return made.get_single_data()
    finally:
        made.dispose()


def test_every_profile_and_skill_loads_the_same_with_both_loaders() -> None:
    documents = _documents()
    assert len(documents) > 40
    for path, text in documents:
        fast = _strict(yamlsafe.Loader, text)
        assert fast == _strict(yamlsafe.StrictSafeLoader, text) == yaml.load(text, Loader=yaml.SafeLoader), (
            path
        )


HOSTILE = {
    "duplicate key": ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 2),
    "anchor": ("a: &x 1\nb: 2\n", "YAML anchor '&x' not allowed", 0),
    "alias": ("a: [1]\nb: *x\n", "YAML alias '*x' not allowed", 1),
    "deep flow": ("[" * 60 + "]" * 60, "nested more than 50 levels", 0),
    "deep block": ("- " * 80 + "x\n", "nested more than 50 levels", 0),
    "long integer": ("n: " + "9" * 200 + "\n", "a 200-digit integer is too long", 0),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_both_strict_loaders_refuse_hostile_yaml_alike(case: str) -> None:
    text, problem, line = HOSTILE[case]
    for loader in (yamlsafe.StrictCLoader, yamlsafe.StrictSafeLoader):
        with pytest.raises(yamlsafe.YamlRefused) as caught:
            _strict(loader, text)
        assert problem in caught.value.problem, loader
        assert caught.value.line == line, loader


def test_a_loaded_document_is_never_shared_between_callers(tmp_path: Path) -> None:
    text = "steps:\n  - one\n  - two\n"
    first = load_yaml(text, tmp_path / "a.yaml")
    first["steps"].append("three")
    assert load_yaml(text, tmp_path / "b.yaml") == {"steps": ["one", "two"]}


def test_every_skill_dumps_the_same_with_both_emitters() -> None:
    class PythonDumper(yaml.SafeDumper):
        ignore_aliases = files._Dumper.ignore_aliases

    PythonDumper.yaml_representers = dict(files._Dumper.yaml_representers)
    skills = [load_skill(p) for p in sorted((REPO / "skills").glob("*.md"))]
    assert len(skills) > 10
    for skill in skills:
        data = files.meta_to_dict(skill.meta)
        options = {"sort_keys": False, "allow_unicode": True, "width": 10_000, "default_flow_style": False}
        assert yaml.dump(data, Dumper=PythonDumper, **options) == files.dump_front_matter(skill.meta)
        # And the normalised file round-trips byte for byte, as before.
        assert dump_skill(load_skill_text(dump_skill(skill))) == dump_skill(skill)


def load_skill_text(text: str) -> files.Skill:
    return files.parse_skill(text, Path("memory.md"))


def test_malformed_yaml_keeps_the_python_loaders_wording(tmp_path: Path) -> None:
    bad = "id: [one, two\nname: x\n"
    with pytest.raises(InputError) as caught:
        load_yaml(bad, tmp_path / "bad.yaml")
    message = str(caught.value)
    assert "malformed YAML: expected ',' or ']'" in message
    # libyaml words it "did not find expected ',' or ']'": the text users saw before is kept.
    assert "did not find" not in message


def test_skill_hash_is_memoised_but_follows_every_change() -> None:
    skill = load_skills(REPO / "skills")[0]
    first = skill_hash(skill)
    assert skill_hash(skill) == first
    changed = skill.model_copy(update={"body": skill.body + "\nOne more line.\n"})
    assert skill_hash(changed) != first
    # A skill changed in place hashes as its new content, never from the memo of the old one.
    skill.body = changed.body
    assert skill_hash(skill) == skill_hash(changed)
