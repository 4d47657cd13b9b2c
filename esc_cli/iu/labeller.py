"""The offline labeller: seeker states, support actions, strategy, affect, harms and seeker behaviours
from text, with no model call.

It combines the lexical cues of `esc_cli.iu.cues` and `esc_cli.iu.action_cues`, the VADER affect
lexicon, and the learnt strategy model (`esc_cli.iu.strategy_model`). It reads a supporter's text
alone, so the offline seeker can judge a real model's replies with it too. `default_labeller()` is the
shared instance: the VADER lexicon and the model weights load once per process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import ClassVar

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from esc_cli.iu import action_cues, cues
from esc_cli.iu.strategy_model import StrategyPredictor, load_strategy_model
from esc_cli.iu.text_features import APOSTROPHES
from esc_cli.taxonomy import (
    ESCONV_STRATEGIES,
    STRATEGY_PRIMARY_ACTION,
    actions_of_strategy,
    normalise_strategy,
    stage_of_state,
)

RULES_VERSION = "2"

# Most salient first. Crisis always leads; `opening` only counts on the seeker's first message.
# Pushing back on the supporter comes next: whatever else the message shows, the reply must meet that.
STATE_ORDER: tuple[str, ...] = (
    "crisis-risk",
    "opening",
    "resistance",
    "hopelessness",
    "self-blame",
    "overwhelm",
    "anger-at-others",
    "loneliness",
    "worry-future",
    "seeking-advice",
    "withdrawal",
    "relief",
    "closing",
)
# A crisis cue outweighs any sign of relief or leave-taking in the same message ("they'd be relieved",
# "say goodbye to everyone"): those states are dropped when crisis-risk is read.
MASKED_BY_CRISIS = frozenset({"relief", "closing"})
# States that name a feeling themselves, so the message is not `emotion-unnamed`.
AFFECT_STATES = frozenset(STATE_ORDER[3:9]) | {"crisis-risk", "relief"}
# States that still leave a long message `emotion-unnamed` (the fallback when nothing telling is read).
STRUCTURAL_STATES = frozenset({"opening"})
SUGGESTING_ACTIONS = frozenset(
    {"suggest-option", "collaborative-plan", "refer-resource", "reframe", "inform-psychoeducate"}
)
# Crisis handling is the most salient thing a reply can do, whatever its annotated strategy.
SAFETY_ACTIONS = frozenset({"safety-check", "refer-resource"})
VENTING_WORDS = 30
FLAT_WORDS = 3
AFFECT_CACHE_LIMIT = 200_000
TEXT_CACHE_LIMIT = 4096  # recent texts: a seeker message is read as a reply, then as the next state

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "the a an and or but so to of in on at for with about that this it is was are were be been i me my "
        "you your he she they them we our his her their its have has had do did does not no just really very "
        "what how when where why who which there here then than too also would could should can will",
    )
)


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: the form every cue is written against."""
    return _SPACES.sub(" ", text.lower().translate(APOSTROPHES)).strip()


def _content_words(norm: str) -> set[str]:
    return {w for w in _WORD.findall(norm) if len(w) > 3 and w not in _STOPWORDS}


@functools.lru_cache(maxsize=20_000)
def content_words(text: str) -> frozenset[str]:
    """The words of a text that carry its topic (longer than 3 letters, not stop words); memoised,
    as the judge reads the same lines of a dialogue at every turn."""
    return frozenset(_content_words(normalise(text)))


def harmful(text: str) -> list[str]:
    """Harm ids (`cues.HARM_IDS`) whose cue appears in a supporter's text: regexes only, no model."""
    return _harms(cues.CueText(normalise(text)))


def _harms(text: cues.CueText) -> list[str]:
    return [h for h in cues.HARM_IDS if action_cues.HARM_CUES[h].search(text)]


class OfflineLabeller:
    """Deterministic labels from text. Every method is pure, apart from the affect cache."""

    name: ClassVar[str] = "offline"

    def __init__(self, model: StrategyPredictor | None = None) -> None:
        self.model: StrategyPredictor = model if model is not None else load_strategy_model()
        self.version = f"{RULES_VERSION}.{self.model.version}"
        self._vader = SentimentIntensityAnalyzer()
        self._affect: dict[str, float] = {}
        self._texts: dict[str, cues.CueText] = {}
        self._strategy_actions = {s: frozenset(actions_of_strategy(s)) for s in ESCONV_STRATEGIES}

    @property
    def tag(self) -> str:
        """`name@version`, as IU records carry it."""
        return f"{self.name}@{self.version}"

    def _cue_text(self, text: str) -> cues.CueText:
        """The text normalised once, with the cue answers already known for it (a bounded cache)."""
        found = self._texts.get(text)
        if found is None:
            if len(self._texts) >= TEXT_CACHE_LIMIT:
                self._texts.clear()
            found = self._texts[text] = cues.CueText(normalise(text))
        return found

    # --- affect ---------------------------------------------------------------------------------

    def affect(self, text: str) -> float:
        """VADER compound score in [-1, 1]; cached per text."""
        cached = self._affect.get(text)
        if cached is None:
            if len(self._affect) >= AFFECT_CACHE_LIMIT:
                self._affect.clear()
            cached = float(self._vader.polarity_scores(text)["compound"]) if text.strip() else 0.0
            self._affect[text] = cached
        return cached

    # --- seeker ---------------------------------------------------------------------------------

    def seeker_states(self, text: str, *, turn: int = 0) -> list[str]:
        """Seeker-state ids, most salient first, never empty. `turn` is the seeker's own turn count
        (0 = their first message).

        The cues of `cues.STATE_CUES` decide; a crisis cue masks relief and leave-taking in the same
        message. `emotion-unnamed` (a story of 8+ words with no feeling named) and `venting` (a long,
        negative message, or a short one that names a feeling) are fallbacks: `emotion-unnamed` is only
        read when no telling state was, and `venting` is added to any message of 30+ negative words.
        """
        prepared = self._cue_text(text)
        norm = prepared.text
        words = len(_WORD.findall(norm))
        found = [s for s in STATE_ORDER if cues.STATE_CUES[s].search(prepared)]
        if "crisis-risk" in found:
            found = [s for s in found if s not in MASKED_BY_CRISIS]
        if turn > 0 and "opening" in found:
            found.remove("opening")
        if turn == 0:
            if "withdrawal" in found:
                found.remove("withdrawal")
            if "opening" not in found and words <= FLAT_WORDS + 2 and "crisis-risk" not in found:
                found.insert(0, "opening")
        flat = bool(cues.FLAT_REPLY.match(norm))
        if (flat or words <= FLAT_WORDS) and turn > 0 and not found:
            found.append("withdrawal")
        affect = None
        if words >= VENTING_WORDS:
            affect = self.affect(text)
            if affect < -0.2:
                found.append("venting")
        telling = [s for s in found if s not in STRUCTURAL_STATES]
        named = cues.FEELING_CUE.search(prepared) or bool(AFFECT_STATES.intersection(found))
        if not named and not telling and words >= 8:
            found.append("emotion-unnamed")
        if not found:
            affect = self.affect(text) if affect is None else affect
            found.append("venting" if named or affect <= -0.5 else "emotion-unnamed")
        return found

    def intensity(self, text: str, states: Iterable[str] = ()) -> float:
        """Estimated distress 0..1 from affect, raised for crisis and despair."""
        level = (1.0 - self.affect(text)) / 2.0
        chosen = set(states)
        if "crisis-risk" in chosen:
            level = max(level, 0.95)
        elif chosen & {"hopelessness", "self-blame", "overwhelm"}:
            level = max(level, 0.7)
        return round(min(1.0, max(0.0, level)), 3)

    def stage(self, states: list[str]) -> str:
        """The helping stage that fits the most salient state."""
        return stage_of_state(states[0])

    # --- supporter ------------------------------------------------------------------------------

    def strategy(self, text: str) -> str:
        """The canonical ESConv strategy predicted from the text alone."""
        return self.model.predict(text)

    def strategy_actions(self, strategy: str) -> frozenset[str]:
        """The action ids that realise a canonical ESConv strategy."""
        return self._strategy_actions[strategy]

    def support_actions(self, text: str, *, strategy: str | None = None) -> list[str]:
        """Action ids read from the supporter's text, most salient first, never empty.

        A safety check or a referral always leads. With a known `strategy` (an annotation), the
        actions that realise it come next, and its primary action is added when no cue found one. Without it, the predicted strategy's primary
        action stands in when no cue fires.
        """
        prepared = self._cue_text(text)
        found = {a for a, cue in action_cues.ACTION_CUES.items() if cue.search(prepared)}
        found.update(self._question_actions(prepared.text))
        ordered = [a for a in ACTION_IDS_BY_SALIENCE if a in found]
        if strategy:
            canonical = normalise_strategy(strategy)
            realising = self._strategy_actions[canonical]
            safety = [a for a in ordered if a in SAFETY_ACTIONS]
            first = [a for a in ordered if a in realising and a not in safety]
            if not first and not set(safety) & realising:
                first = [STRATEGY_PRIMARY_ACTION[canonical]]
            lead = safety + first
            return lead + [a for a in ordered if a not in lead]
        return ordered or [STRATEGY_PRIMARY_ACTION[self.strategy(text)]]

    @staticmethod
    def _question_actions(norm: str) -> set[str]:
        kinds: set[str] = set()
        if action_cues.TELL_ME.search(norm):
            kinds.add("open-question")
        if "?" not in norm:
            return kinds
        for sentence in action_cues.SENTENCE.findall(norm):
            if not sentence.rstrip().endswith("?"):
                continue
            head = action_cues.QUESTION_LEAD.sub("", sentence.strip())
            kinds.add("open-question" if action_cues.OPEN_QUESTION.match(head) else "closed-question")
        return kinds

    def harmful(self, text: str) -> list[str]:
        """Harm ids (`cues.HARM_IDS`) whose cue appears in a supporter's text."""
        return _harms(self._cue_text(text))

    # --- seeker reply -----------------------------------------------------------------------------

    def behaviours(
        self, reply: str, *, actions: Iterable[str] = (), before: str = "", delta: float = 0.0
    ) -> list[str]:
        """Behaviour ids of the seeker's reply to an intervention; empty only when there is no reply.

        `actions` are the intervention's action ids, `before` the seeker's previous message, and
        `delta` the estimated emotional change (SAGE scale) after the intervention.
        """
        prepared = self._cue_text(reply)
        norm = prepared.text
        if not norm:
            return []
        words = _WORD.findall(norm)
        cue = cues.BEHAVIOUR_CUES
        found: list[str] = []
        if cue["escalates-distress"].search(prepared) or delta <= -7.5:
            found.append("escalates-distress")
        found += [b for b in ("thanks", "expresses-relief") if cue[b].search(prepared)]
        if SUGGESTING_ACTIONS.intersection(actions):
            if cue["rejects-suggestion"].search(prepared):
                found.append("rejects-suggestion")
            elif cue["accepts-suggestion"].search(prepared):
                found.append("accepts-suggestion")
        if cue["agrees"].search(prepared):
            found.append("agrees")
        if len(words) <= FLAT_WORDS and (cues.FLAT_REPLY.match(norm) or not found):
            found.append("disengages")
        elif len(words) >= (8 if not found or found == ["agrees"] else 16):
            fresh = _content_words(norm) - _content_words(normalise(before))
            found.append("shares-new-detail" if len(fresh) >= 5 else "elaborates")
        return found or ["elaborates"]


# Cue order, with the two question kinds before the greeting (a greeting is the least telling).
ACTION_IDS_BY_SALIENCE: tuple[str, ...] = (
    *(a for a in action_cues.ACTION_CUES if a != "greet-close"),
    "open-question",
    "closed-question",
    "greet-close",
)


@functools.cache
def default_labeller() -> OfflineLabeller:
    """The process-wide offline labeller (VADER lexicon and strategy weights load once)."""
    return OfflineLabeller()
