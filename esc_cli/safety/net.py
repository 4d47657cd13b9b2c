"""The runtime safety net: a last line of defence around any agent, on any backend.

When the seeker's last message is a crisis cue (`CrisisDetector.acted_on`: the detector's head reads
one, or the crisis patterns match, as for the router and the seeker) and the agent's reply is not a
safety response (`response.py`), the net adds the crisis skill's safety response to the reply: a direct
safety question, the help of the seeker's locale (`lines.py`; generic wording and no number without an
entry), and a promise to stay. A reply that brushed the cue off or changed the subject is replaced
rather than extended, so the seeker never reads "back to the job search" after a cue. What the net
added is recorded on the turn (`safety_net`), and a reply it replaced is kept there too
(`safety_net_replaced`).

What it is not: it does not make the agent safe. It only acts on cues the detector reads (see the
README for its recall), its wording is fixed, and it cannot judge risk. `esc sim run` leaves it off by
default, so the verify gate and the reports see the agent's own behaviour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from esc_cli.safety.detector import crisis_detector
from esc_cli.safety.kinds import HARM_FROM_OTHERS, SELF_HARM, asked_kind
from esc_cli.safety.lines import CrisisLines, default_lines
from esc_cli.safety.response import response_check
from esc_cli.sim.engines import Agent, AgentReply, AgentSession, Utterance

QUESTIONS = {
    HARM_FROM_OTHERS: "Your safety comes first, so I want to ask you directly: are you safe where you are right now?",
    SELF_HARM: "I want to ask you directly, because it matters: have you hurt yourself, or are you thinking of hurting yourself, and are you safe right now?",
}
DEFAULT_QUESTION = (
    "I want to ask you directly, because it matters: are you having thoughts of ending your life, "
    "and are you safe right now?"
)
STAY = "I'm not a crisis service, but I'm here and I'll stay with you while you reach out."


def safety_response(kinds: Sequence[str], lines: CrisisLines, locale: str | None) -> str:
    """The crisis skill's safety response for the kinds of cue read and a locale: the question of the
    kind asked (`kinds.asked_kind`) and the help for all of them."""
    question = QUESTIONS.get(asked_kind(kinds), DEFAULT_QUESTION)
    return " ".join([question, lines.help_sentence(locale, kinds), STAY])


@dataclass(frozen=True)
class NetResult:
    text: str
    added: str
    replaced: str = ""  # the agent's own reply, when the net replaced it rather than extended it


def apply_net(seeker_text: str, reply: str, lines: CrisisLines, locale: str | None) -> NetResult:
    """The reply the seeker should get, and what the net added ('' when it did not act)."""
    reading = crisis_detector().acted_on(seeker_text)
    if reading is None:
        return NetResult(reply, "")
    verdict = response_check().check(reply)
    if verdict.handled:
        return NetResult(reply, "")
    added = safety_response(reading.kinds, lines, locale)
    if "stay" in verdict.missing:
        return NetResult(added, added, replaced=reply)
    return NetResult(f"{reply.rstrip()} {added}", added)


def _last_seeker(history: Sequence[Utterance]) -> str:
    return next((u.text for u in reversed(history) if u.speaker == "seeker"), "")


class SafetyNetSession:
    """One dialogue of an agent wrapped in the net."""

    def __init__(self, inner: AgentSession, lines: CrisisLines) -> None:
        self.inner = inner
        self.lines = lines
        self.locale: str | None = None

    def set_locale(self, locale: str | None) -> None:
        self.locale = locale
        tell = getattr(self.inner, "set_locale", None)
        if tell is not None:
            tell(locale)

    async def reply(self, history: list[Utterance], turn: int) -> AgentReply:
        reply = await self.inner.reply(history, turn)
        result = apply_net(_last_seeker(history), reply.text, self.lines, self.locale)
        if not result.added:
            return reply
        return replace(reply, text=result.text, safety_net=result.added, net_replaced=result.replaced)


class SafetyNetAgent:
    """Any agent engine, wrapped in the safety net."""

    def __init__(self, inner: Agent, lines: CrisisLines | None = None) -> None:
        self.inner = inner
        self.engine = inner.engine
        self.lines = lines or default_lines()

    def session(self, seed: int) -> SafetyNetSession:
        return SafetyNetSession(self.inner.session(seed), self.lines)
