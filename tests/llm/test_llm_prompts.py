"""Prompt templates: strict variables, skill text kept as data, the sandbox, and stable hashes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from esc_cli.errors import InputError
from esc_cli.llm.prompts import prompt_hash, prompts_digest, render_prompt


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "agent.j2").write_text(
        "You are {{ persona }}.\n{% for s in skills %}- {{ s }}\n{% endfor %}", encoding="utf-8"
    )
    return folder


def test_render_with_variables(prompts: Path) -> None:
    text = render_prompt(prompts, "agent", persona="a listener", skills=["reflect", "ask"])
    assert text == "You are a listener.\n- reflect\n- ask\n"


def test_skill_text_is_data_not_a_template(prompts: Path) -> None:
    hostile = "{{ persona.__class__ }} {% raw %}<b>&{% endraw %}"
    text = render_prompt(prompts, "agent", persona="p", skills=[hostile])
    assert f"- {hostile}\n" in text  # inserted literally, and nothing is HTML-escaped


def test_undefined_variable_is_an_error_naming_the_file(prompts: Path) -> None:
    with pytest.raises(InputError) as caught:
        render_prompt(prompts, "agent", skills=[])
    assert str(caught.value) == (
        f"{prompts.resolve() / 'agent.j2'}: template uses an undefined variable: 'persona' is undefined "
        "(pass it or remove it)"
    )


def test_syntax_error_names_the_line(prompts: Path) -> None:
    (prompts / "bad.j2").write_text("line one\n{% if x %}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.j2 -> line 2: template syntax: Unexpected end of template"):
        render_prompt(prompts, "bad", x=1)


def test_the_sandbox_refuses_python_internals(prompts: Path) -> None:
    (prompts / "evil.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"template failed: access to attribute '__class__' of 'str' object is unsafe"
    ):
        render_prompt(prompts, "evil")


def test_names_stay_inside_the_folder(prompts: Path) -> None:
    with pytest.raises(InputError, match=r"points outside the prompts folder"):
        render_prompt(prompts, "../secret")
    with pytest.raises(InputError, match=r"no such prompt template"):
        render_prompt(prompts, "seeker")


def test_the_folder_is_searched_again_when_its_entries_change(prompts: Path) -> None:
    """The template a name finds is remembered per state of the folder, and edits always show."""
    assert render_prompt(prompts, "agent", persona="p", skills=[]) == "You are p.\n"
    (prompts / "agent.j2").write_text("Edited: {{ persona }}", encoding="utf-8")
    assert render_prompt(prompts, "agent", persona="p") == "Edited: p"
    time.sleep(0.02)  # past the file system's timestamp tick, so the folder's change time moves
    (prompts / "agent").write_text("Plain name first: {{ persona }}", encoding="utf-8")  # a new entry
    assert render_prompt(prompts, "agent", persona="p") == "Plain name first: p"
    time.sleep(0.02)
    (prompts / "agent").unlink()
    (prompts / "agent.j2").unlink()
    with pytest.raises(InputError, match=r"no such prompt template"):
        render_prompt(prompts, "agent", persona="p")


def test_hashes_follow_the_source(prompts: Path) -> None:
    before, digest = prompt_hash(prompts, "agent"), prompts_digest(prompts)
    assert len(before) == 16 and prompt_hash(prompts, "agent.j2") == before
    (prompts / "agent.j2").write_text("changed {{ persona }}", encoding="utf-8")
    assert prompt_hash(prompts, "agent") != before and prompts_digest(prompts) != digest


def test_an_include_inside_the_folder_works(prompts: Path) -> None:
    (prompts / "parts").mkdir()
    (prompts / "parts" / "tone.j2").write_text("Be gentle, {{ persona }}.", encoding="utf-8")
    (prompts / "seeker.j2").write_text('{% include "parts/tone.j2" %}', encoding="utf-8")
    assert render_prompt(prompts, "seeker", persona="friend") == "Be gentle, friend."


@pytest.mark.parametrize("how", ["symlink", "absolute", "dotdot"])
def test_an_include_that_leads_out_of_the_folder_is_refused(prompts: Path, tmp_path: Path, how: str) -> None:
    # The attack: a template includes a file outside prompts/ (in the wild, /proc/self/environ).
    secret = tmp_path / "environ"
    secret.write_text("OPENAI_API_KEY=sk-never-in-a-prompt-1234", encoding="utf-8")
    name = {"symlink": "env", "absolute": str(secret), "dotdot": "../environ"}[how]
    if how == "symlink":
        (prompts / "env").symlink_to(secret)
    (prompts / "seeker.j2").write_text(f'Hello {{% include "{name}" %}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        render_prompt(prompts, "seeker")
    assert str(caught.value) == (
        f"{prompts / name if how != 'absolute' else secret}: a template may only include templates inside "
        "the prompts folder (no absolute paths, no .., no symlinks that lead out) (copy what it needs into "
        "the prompts folder)"
    )
    assert "sk-never" not in str(caught.value)


def test_the_folder_digest_never_reads_a_link_that_leads_out(prompts: Path, tmp_path: Path) -> None:
    outside = tmp_path / "environ"
    outside.write_text("OPENAI_API_KEY=one", encoding="utf-8")
    before = prompts_digest(prompts)
    (prompts / "env").symlink_to(outside)
    linked = prompts_digest(prompts)
    outside.write_text("OPENAI_API_KEY=two", encoding="utf-8")
    assert linked != before  # the link's name counts
    assert prompts_digest(prompts) == linked  # what it points at is never read
