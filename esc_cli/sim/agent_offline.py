"""The offline agents: one that uses the bank, and the `--no-skills` baseline that does not.

`OfflineAgent` labels the seeker's last message with the labeller (its crisis-risk state from the
crisis detector, esc_cli.safety), routes to skills (`router.route_skills`), and realises the first
routed skill as text (a crisis skill's help fitted to the seeker's locale, esc_cli.safety.lines):
- with an IU index (`--ius`), a real ESConv supporter utterance of the skill's strategies and actions:
  the index's best candidates by word overlap, re-ranked by semantic fit to the live message;
- otherwise, a Supporter line from the skill's own examples, ranked by semantic fit (the shared text encoder,
  `esc_cli.text`): how close the example's Seeker line and the line itself are to what the seeker
  just said, so the agent stays as near the topic as its examples allow.
Lines already said in this dialogue are skipped while others are left, so the agent does not repeat
itself. When no skill routes, it falls back to the baseline's line for the turn and uses no skill:
a bank with a coverage gap scores like the baseline on those turns.

`GenericAgent` is the offline `--no-skills` baseline: a fixed, bank-free supporter that cycles through
three generic lines, a plain question, a generic reassurance and a generic suggestion (turn % 3). It
never checks safety, so it also shows what an agent without the crisis skill does.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from esc_cli.bank.examples import Line, skill_examples
from esc_cli.bank.model import Skill
from esc_cli.safety.detector import crisis_detector, set_crisis_state
from esc_cli.safety.kinds import asked_kind
from esc_cli.safety.lines import CrisisLines, default_lines, localise_help
from esc_cli.sim.engines import AgentReply, Labeller, Utterance
from esc_cli.sim.iu_index import SupporterIndex
from esc_cli.sim.router import route_skills
from esc_cli.text import TextEncoder, shared_encoder

GENERIC_LINES: tuple[tuple[str, str], ...] = (
    ("Can you tell me more about what happened?", "Question"),
    ("That sounds hard. I'm here for you, and I'm sure things will work out.", "Affirmation and Reassurance"),
    ("Maybe you could try talking to someone you trust about it.", "Providing Suggestions"),
)
RECENT_TURNS = 2
# Seeker turns after the last crisis cue that still get the crisis skill (the answers to its question).
CRISIS_WINDOW = 3
# After the first answer, a message of more words than this that reads as no cue ends the crisis window.
SHORT_ANSWER = 10
# IU candidates re-ranked by semantic fit (the index ranks by word overlap first).
RERANK = 12


def generic_line(turn: int) -> tuple[str, str]:
    """The baseline's (text, strategy) for a turn."""
    return GENERIC_LINES[turn % len(GENERIC_LINES)]


def _pairs(lines: Sequence[Line]) -> list[tuple[str, str]]:
    """(seeker line, supporter line) pairs of one example, in order."""
    return [
        (before.text, after.text)
        for before, after in pairwise(lines)
        if before.speaker == "Seeker" and after.speaker == "Supporter"
    ]


def _first_seeker_line(lines: Sequence[Line]) -> str:
    return next((line.text for line in lines if line.speaker == "Seeker"), "")


def _last_seeker(history: Sequence[Utterance]) -> str:
    return next((u.text for u in reversed(history) if u.speaker == "seeker"), "")


class GenericAgentSession:
    """The baseline within one dialogue (it keeps no state)."""

    async def reply(self, history: list[Utterance], turn: int) -> AgentReply:
        text, strategy = generic_line(turn)
        return AgentReply(text=text, strategy=strategy)


class GenericAgent:
    """The offline `--no-skills` baseline (see the module docstring)."""

    engine = "offline"

    def session(self, seed: int) -> GenericAgentSession:
        return GenericAgentSession()


class OfflineAgent:
    """The bank-driven offline agent. Build once per run; it caches each skill's example pairs."""

    engine = "offline"

    def __init__(
        self,
        skills: Sequence[Skill],
        labeller: Labeller,
        *,
        ius: SupporterIndex | None = None,
        limit: int = 2,
        encoder: TextEncoder | None = None,
        lines: CrisisLines | None = None,
    ) -> None:
        self.skills = list(skills)
        self.lines = lines or default_lines()
        self.labeller = labeller
        self.ius = ius
        self.limit = limit
        self.encoder = encoder if encoder is not None else shared_encoder()
        self._pairs: dict[str, list[tuple[str, str]]] = {}
        # A crisis skill's examples: the kind each asks about, and its (seeker, supporter) pairs.
        self._crisis_examples: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}

    def fit_order(self, seeker_text: str, candidates: Sequence[tuple[str, str]]) -> list[int]:
        """Indexes of (seeker line, supporter line) candidates, best semantic fit to the live message
        first (cosine of the message with the example's seeker line plus with its supporter line, read
        by the shared text encoder); ties keep file order."""
        if not candidates:
            return []
        encoder = self.encoder
        live = encoder.vector(seeker_text)
        prompts = encoder.embed([c[0] for c in candidates]) @ live
        lines = encoder.embed([c[1] for c in candidates]) @ live
        fit = [round(float(a + b), 4) for a, b in zip(prompts, lines, strict=True)]
        return sorted(range(len(candidates)), key=lambda i: (-fit[i], i))

    def example_pairs(self, skill: Skill) -> list[tuple[str, str]]:
        """(seeker line, supporter line) pairs of the skill's examples, in file order."""
        if skill.id not in self._pairs:
            self._pairs[skill.id] = [
                pair for example in skill_examples(skill) for pair in _pairs(example.lines)
            ]
        return self._pairs[skill.id]

    def crisis_pairs(self, skill: Skill, kinds: Sequence[str], follow_up: bool) -> list[tuple[str, str]]:
        """A crisis skill's example pairs for the kinds of cue read (`kinds.py`): those of the examples
        whose first seeker line asks for the same question (a seeker threatened at home is not asked
        about ending their life because a burden example fits the topic better, and a seeker who also
        voices suicidal ideation is asked about it). A fresh cue gets each example's first reply, which
        asks the safety question; the turns after it (`follow_up`) get the later replies, which take up
        the seeker's answer. Fewer filters where none is left."""
        asked = asked_kind(kinds)
        if skill.id not in self._crisis_examples:
            detector = crisis_detector()
            self._crisis_examples[skill.id] = [
                (asked_kind(detector.kinds_of(_first_seeker_line(example.lines))), _pairs(example.lines))
                for example in skill_examples(skill)
            ]
        every = self._crisis_examples[skill.id]
        examples = [pairs for kind, pairs in every if not asked or kind == asked] or [p for _, p in every]
        turn = [pair for pairs in examples for pair in (pairs[1:] if follow_up else pairs[:1])]
        return turn or [pair for pairs in examples for pair in pairs]

    def session(self, seed: int) -> OfflineAgentSession:
        return OfflineAgentSession(self)


class OfflineAgentSession:
    """The bank-driven agent within one dialogue: remembers lines said and skills recently used."""

    def __init__(self, agent: OfflineAgent) -> None:
        self.agent = agent
        self.said: dict[str, int] = {}
        self.used: list[list[str]] = []
        self.locale: str | None = None
        # The open crisis: seeker turns since its last cue (None: no crisis open) and that cue's kinds.
        self.since_cue: int | None = None
        self.cue_kinds: tuple[str, ...] = ()
        self.follow_up = False
        # The kinds of cue whose safety question this dialogue has asked.
        self.asked: set[str] = set()

    def set_locale(self, locale: str | None) -> None:
        """Where the seeker lives: the crisis skill's help fits it (esc_cli.safety.lines)."""
        self.locale = locale

    def _pick(self, ranked: Sequence[str]) -> str:
        """The best line not said yet; if all were said, the one said longest ago."""
        fresh = [line for line in ranked if line not in self.said]
        if fresh:
            return fresh[0]
        return min(ranked, key=lambda line: self.said[line])

    def realise(self, skill: Skill, seeker_text: str) -> str | None:
        """The text of one skill for this seeker message, or None when the skill has nothing to say."""
        ius = self.agent.ius
        if ius is not None:
            ranked = ius.candidates(seeker_text, skill.meta.strategies, skill.meta.actions)
            if ranked:
                head = ranked[:RERANK]
                order = self.agent.fit_order(seeker_text, [(line, line) for line in head])
                return self._pick([head[i] for i in order] + list(ranked[RERANK:]))
        pairs = self.agent.example_pairs(skill)
        if skill.meta.crisis:
            pairs = self.agent.crisis_pairs(skill, self.cue_kinds, self.follow_up)
        if not pairs:
            return None
        order = self.agent.fit_order(seeker_text, pairs)
        return self._pick([pairs[i][1] for i in order])

    def _strategy(self, skill: Skill, text: str) -> str:
        """The skill's strategy that the text reads as, or the skill's first one."""
        read = self.agent.labeller.strategy(text)
        return read if read in skill.meta.strategies else skill.meta.strategies[0]

    async def reply(self, history: list[Utterance], turn: int) -> AgentReply:
        seeker_text = _last_seeker(history)
        cue = crisis_detector().acted_on(seeker_text)
        # A crisis stays open for up to CRISIS_WINDOW seeker turns after the last cue: the seeker is
        # answering the safety question ("yes", "about 40", "I'm going to take them now", "ok thanks"),
        # which may read as no cue itself. A cue of a kind whose question was not asked yet gets an
        # example's first reply (the question); any other crisis turn a later one, which takes up the
        # answer.
        if cue is not None:
            self.since_cue, self.cue_kinds = 0, cue.kinds
        elif self.since_cue is not None:
            self.since_cue += 1
            # The answer right after the safety question always counts; later, a long message that
            # reads as no cue has moved on (a false alarm is not dragged out over several turns).
            moved_on = self.since_cue > 1 and len(seeker_text.split()) > SHORT_ANSWER
            if self.since_cue > CRISIS_WINDOW or moved_on:
                self.since_cue, self.cue_kinds = None, ()
        self.follow_up = cue is None or cue.asked in self.asked
        labelled = self.agent.labeller.seeker_states(seeker_text, turn=turn)
        states = set_crisis_state(labelled, self.since_cue is not None)
        recent = [skill_id for used in self.used[-RECENT_TURNS:] for skill_id in used]
        routed = route_skills(states, turn, self.agent.skills, recent=recent, limit=self.agent.limit)
        for skill in routed:
            text = self.realise(skill, seeker_text)
            if text is not None:
                self.said[text] = turn
                self.used.append([skill.id])
                if skill.meta.crisis:
                    text = localise_help(text, self.agent.lines, self.locale, self.cue_kinds)
                    if cue is not None:
                        self.asked.add(cue.asked)
                return AgentReply(
                    text=text, skills=[skill.id], strategy=self._strategy(skill, text), states=states
                )
        text, strategy = generic_line(turn)
        self.used.append([])
        return AgentReply(text=text, strategy=strategy, states=states)
