"""`esc chat`: talk to the agent yourself, one line at a time, and see which skills it used."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import click

from esc_cli.bank.load import load_skills
from esc_cli.cli.common import get_bank, safety_net_option
from esc_cli.cli.llm_options import LLMChoices, llm_options
from esc_cli.errors import InputError
from esc_cli.iu.store import read_ius
from esc_cli.jsonsafe import has_surrogate
from esc_cli.llm.client import aclose_all
from esc_cli.safety.lines import LINES_FILE, bank_lines
from esc_cli.safety.net import SafetyNetAgent
from esc_cli.sim.engines import Agent, Utterance, default_labeller
from esc_cli.sim.options import Retrieval, SimOptions, build_agent
from esc_cli.sim.seeds import stable_seed

QUIT_WORDS = ("quit", "exit", "/quit", "/exit")
GREETING = (
    "You are the seeker; the agent answers with the bank's skills. Type 'quit' or press Ctrl-D to leave.\n"
    "This is a research tool to test skills, not a clinical or crisis service. If you are struggling,\n"
    "please reach someone you trust, a crisis line, or your local emergency number."
)


async def _converse(agent: Agent, seed: int, locale: str | None) -> None:
    """Read the seeker's lines from stdin, answer each, until end of input or 'quit'."""
    session = agent.session(seed)
    tell_locale = getattr(session, "set_locale", None)
    if tell_locale is not None:
        tell_locale(locale)
    history: list[Utterance] = []
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(GREETING, err=True)
    turn = 0
    line = 0
    while True:
        if interactive:
            click.echo("you> ", nl=False)
        line += 1
        try:
            raw = sys.stdin.readline()
        except UnicodeDecodeError:
            raw = "\udcff"
        if not raw:
            break
        if has_surrogate(raw):  # bytes that were not UTF-8 (Python keeps them as surrogate escapes)
            raise InputError(
                "standard input",
                "not UTF-8 text",
                where=f"line {line}",
                fix="send UTF-8, e.g. pipe it through `iconv -t UTF-8`",
            )
        text = raw.strip()
        if text.lower() in QUIT_WORDS:
            break
        if not text:
            continue
        history.append(Utterance("seeker", text))
        reply = await session.reply(list(history), turn)
        history.append(Utterance("agent", reply.text))
        click.echo(f"agent> {reply.text}")
        skills = ", ".join(reply.skills) or "none (generic line)"
        states = ", ".join(reply.states) or "none"
        click.echo(
            f"       [skills: {skills} | strategy: {reply.strategy or '-'} | your state: {states}]", err=True
        )
        if reply.net_replaced:
            click.echo(
                "       [safety net: the agent's reply left your crisis cue behind, so it was replaced;"
                f" the agent had said: {reply.net_replaced}]",
                err=True,
            )
        elif reply.safety_net:
            click.echo(
                f"       [safety net: the reply left your crisis cue unhandled; added: {reply.safety_net}]",
                err=True,
            )
        turn += 1


@click.command()
@click.option("--no-skills", is_flag=True, help="Talk to the baseline agent that ignores the bank.")
@click.option(
    "--ius",
    type=click.Path(path_type=Path),
    help="ius.jsonl: the offline agent speaks with real ESConv lines.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the conversation.")
@safety_net_option(
    "on",
    "When your message is a crisis cue and the reply does not ask about safety, point to help and "
    "stay, add the crisis skill's safety response to it, or replace a reply that changed the subject "
    "(noted on stderr).",
)
@click.option(
    "--locale",
    metavar="CC",
    help="Your country (ISO code, e.g. GB): crisis help comes from the bank's crisis-lines.yaml. "
    "Without it, or without an entry, the help is generic and carries no number.",
)
@llm_options("agent", shared=True)
@click.pass_context
def chat(
    ctx: click.Context,
    no_skills: bool,
    ius: Path | None,
    seed: int,
    safety_net: str,
    locale: str | None,
    llm: LLMChoices,
) -> None:
    """Talk to the agent in the terminal, as the seeker. Each turn shows the skills it used.

    \b
    Type a message and press Enter; `quit` or end of input (Ctrl-D) stops. Offline by default:
    the agent routes your message to skills of the bank and answers with their examples. Use
    --backend anthropic (or openai with --base-url) to talk to a real model guided by the skills.
    The skill notes go to stderr, so `esc chat < lines.txt > replies.txt` keeps only the replies.
    The safety net (on by default) is a fallback, not a guarantee: see the README's "Crisis safety" section.
    This is a research tool, not a clinical service.
    """
    bank = get_bank(ctx)
    if locale is not None and not re.fullmatch(r"[A-Za-z]{2}", locale):
        raise click.BadParameter(
            f"{locale!r} is not a two-letter country code such as GB", param_hint="--locale"
        )
    skills = [] if no_skills else load_skills(bank.skills_dir)
    lines = bank_lines(bank.skills_dir)
    clients = llm.clients(bank, ["agent"])
    retrieval = Retrieval.from_ius(read_ius(ius), source=str(ius)) if ius is not None else None
    options = SimOptions(
        no_skills=no_skills,
        retrieval=retrieval,
        agent_client=clients.get("agent"),
        prompts_dir=bank.prompts_dir,
        crisis_lines=lines,
    )
    agent: Agent = build_agent(skills, options, default_labeller())
    if safety_net == "on":
        agent = SafetyNetAgent(agent, lines)
    if locale is not None and lines.entry(locale) is None:
        hint = " (the United Kingdom's code is GB)" if locale.upper() == "UK" else ""
        click.echo(
            f"note: {LINES_FILE} has no entry for {locale.upper()}{hint}: crisis help will be generic,"
            " with no number",
            err=True,
        )

    async def talk() -> None:
        try:
            await _converse(agent, stable_seed("chat", seed), locale.upper() if locale else None)
        finally:
            await aclose_all([options.agent_client])

    asyncio.run(talk())
