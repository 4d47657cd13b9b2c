"""Lexical cues of the offline labeller: one precompiled regex per taxonomy id.

The keys are taxonomy ids (seeker states, support actions, seeker behaviours) and the harm ids below;
the labels themselves are defined in `esc_cli.taxonomy`. Each cue is written so that one `search` on
lower-cased text with straight apostrophes decides it. Tests pin examples of every cue.
"""

from __future__ import annotations

import re

HARM_IDS: tuple[str, ...] = ("minimising", "blaming", "toxic-positivity", "dismissive")


class Cue:
    """A set of regex alternatives tested as one cue.

    Alternatives anchored with `^` are tried once at the start of the text and the rest in one
    search: an anchored branch inside a big alternation is tried at every position, which made the
    labeller several times slower. A `gate`, when given, must match before the cue is tried at all.
    """

    __slots__ = ("_anywhere", "_at_start", "_gate", "parts")

    def __init__(self, *parts: str, gate: str = "") -> None:
        self.parts = parts
        anywhere = [p for p in parts if not p.startswith("^")]
        at_start = [p[1:] for p in parts if p.startswith("^")]
        self._anywhere = re.compile("|".join(f"(?:{p})" for p in anywhere)) if anywhere else None
        self._at_start = re.compile("|".join(f"(?:{p})" for p in at_start)) if at_start else None
        self._gate = re.compile(gate) if gate else None

    def search(self, text: str) -> bool:
        """True when any alternative matches the (normalised) text."""
        if self._gate is not None and self._gate.search(text) is None:
            return False
        if self._at_start is not None and self._at_start.match(text) is not None:
            return True
        return self._anywhere is not None and self._anywhere.search(text) is not None


_cue = Cue


FEELING = (
    r"\b(?:sad|depress\w*|anxious|anxiety|angry|anger|upset|hurt|scared|afraid|fear\w*|lonely|stress\w*|"
    r"frustrat\w*|worr\w+|guilt\w*|ashamed|shame|down|miserable|heartbroken|nervous|overwhelm\w*|"
    r"hopeless|empty|numb|exhausted|tired|unhappy|happy|disappoint\w*|jealous|embarrass\w*|panic\w*|"
    r"lost|helpless|devastated|terrible|awful|crushed|mad|furious|annoyed|bitter|grief|griev\w*|"
    r"insecure|confus\w*|feel|feeling|felt|cry\w*|tears)\b"
)
feeling_word = re.compile(FEELING)

# --- Seeker states ----------------------------------------------------------------------------

STATE_CUES: dict[str, Cue] = {
    "crisis-risk": _cue(
        r"\bsuicid\w*",
        r"\bkill(?:ing)? my ?self\b",
        r"\b(?:end|ending) (?:it all|my (?:own )?life)\b",
        r"\bself[- ]?harm\w*",
        r"\b(?:hurt|harm|cut|cutting|hurting|harming)(?:ing)? my ?self\b",
        r"\bno (?:point|reason) (?:in |to )?(?:living|live|going on|be alive|being alive)\b",
        r"\b(?:don't|do not) want to (?:be here|live|wake up|exist|be alive)",
        r"\bbetter off (?:dead|without me)\b",
        r"\bwant(?:ed)? to die\b",
        r"\bwish i (?:was|were) dead\b",
        r"\btake my (?:own )?life\b",
        r"\boverdos\w*",
        r"\bnot worth living\b",
        r"\bnobody would (?:miss|notice) (?:me|if i)",
        r"\b(?:can't|cannot) go on\b",
        r"\bnothing to live for\b",
        r"\btired of (?:living|being alive)\b",
        r"\b(?:rather|better) be dead\b",
        r"\bwish i (?:was|were|had) never (?:been )?born\b",
        r"\bgive up on (?:life|living)\b",
        r"\blife (?:is not|isn't) worth (?:living|it)\b",
        r"\b(?:go to sleep|fall asleep) and never wake up\b",
    ),
    "hopelessness": _cue(
        r"\bhopeless\w*",
        r"\bno hope\b",
        r"\bnothing (?:will|ever|is going to|can) (?:change|work|help|get better|be)",
        r"\bwhat'?s the point\b",
        r"\bpointless\b",
        r"\bgiv(?:e|en|ing) up\b",
        r"\b(?:never|won't ever) get better\b",
        r"\bno way out\b",
        r"\bno future\b",
        r"\bhelpless\b",
        r"\b(?:can't|cannot) see (?:a|any) way\b",
        r"\bnothing (?:i do )?matters\b",
    ),
    "self-blame": _cue(
        r"\bmy (?:own )?fault\b",
        r"\bi(?:'m| am) (?:such )?(?:a |an )?(?:failure|stupid|useless|worthless|idiot|pathetic|loser|"
        r"terrible person|bad person|horrible person|not good enough|a burden)\b",
        r"\bi blame myself\b",
        r"\bi (?:really )?(?:messed|screwed) (?:it |everything |things )?up\b",
        r"\bi ruined\b",
        r"\bhate myself\b",
        r"\bi feel (?:so |really )?guilty\b",
        r"\bi should(?: not|n't)? have\b",
        r"\bblame (?:it on )?me\b",
    ),
    "overwhelm": _cue(
        r"\boverwhelm\w*",
        r"\btoo much\b",
        r"\bso much (?:going on|to do|at once|on my plate|pressure)\b",
        r"\b(?:can't|cannot) (?:cope|handle|take it|keep up|deal)\b",
        r"\bdrowning\b",
        r"\bstressed out\b",
        r"\beverything at once\b",
        r"\b(?:don't|do not) know where to (?:start|begin)\b",
        r"\bfalling apart\b",
        r"\bburn(?:ed|t|ing)? out\b",
    ),
    "anger-at-others": _cue(
        r"\b(?:angry|mad|furious|pissed|annoyed|upset) (?:at|with)\b",
        r"\bhate (?:him|her|them|my (?:boss|ex|mom|dad|mother|father|sister|brother|friend))\b",
        r"\bunfair\b",
        r"\bbetray\w*",
        r"\bcheat(?:ed|ing) on\b",
        r"\blied to me\b",
        r"\bdisrespect\w*",
        r"\b(?:so |really )?(?:rude|selfish|inconsiderate|jerk|toxic)\b",
        r"\bhow could (?:he|she|they)\b",
    ),
    "loneliness": _cue(
        r"\blonel\w*",
        r"\b(?:all )?alone\b",
        r"\bno ?(?:one|body) (?:to talk|cares|understands|listens)\b",
        r"\bno friends\b",
        r"\bisolat\w*",
        r"\bleft out\b",
        r"\bby myself\b",
        r"\bmiss (?:him|her|them|my)\b",
    ),
    "worry-future": _cue(
        r"\bworr\w+",
        r"\banxi\w+",
        r"\bafraid\b",
        r"\bscared\b",
        r"\bnervous\b",
        r"\bwhat if\b",
        r"\b(?:going to|gonna|might|will) lose\b",
        r"\buncertain\w*",
        r"\bthe future\b",
        r"\bpanic\w*",
        r"\bfear\w*",
    ),
    "seeking-advice": _cue(
        r"\bwhat (?:should|can|could|do|would) i (?:do|try|say)\b",
        r"\bwhat (?:would|do) you (?:suggest|recommend|advise|do)\b",
        r"\bany (?:advice|suggestions?|ideas|tips)\b",
        r"\bhow (?:can|do|should|could) i\b",
        r"\bshould i\b",
        r"\bhelp me (?:figure|decide|with|out)\b",
        r"\b(?:need|want|looking for) (?:some )?(?:advice|help|suggestions?)\b",
        r"\b(?:do|did) you have (?:any )?(?:advice|suggestions?|ideas|tips)\b",
    ),
    "resistance": _cue(
        r"\bi(?:'ve| have)? (?:already )?tried (?:that|it|everything|this)\b",
        r"\b(?:that|it|this) (?:won't|wouldn't|doesn't|will not|would not|does not) (?:work|help)\b",
        r"\byou (?:don't|do not|wouldn't|can't) understand\b",
        r"\beasy for you to say\b",
        r"\bi (?:can't|cannot) do that\b",
        r"\bnot that (?:simple|easy)\b",
        r"^(?:yeah|yes|ok|okay),? but\b",
        r"\bi don't think (?:that|it|this) (?:will|would|can)\b",
        r"\bthat'?s not (?:helpful|the point|what i)\b",
        r"\bnot (?:really )?helping\b",
    ),
    "relief": _cue(
        r"\bfeel(?:ing|s)? (?:a )?(?:little |bit |lot |much |so much )?(?:better|calmer|lighter|relieved|"
        r"understood|heard)\b",
        r"\b(?:that|this|it|you) (?:really )?help(?:s|ed)\b",
        r"\brelie(?:f|ved)\b",
        r"\b(?:good|great|nice) (?:idea|advice|suggestion|point)\b",
        r"\bi(?:'ll| will) (?:try|do|give)\b",
        r"\bmakes? (?:me feel )?(?:better|sense)\b",
    ),
    "closing": _cue(
        r"\b(?:good)?bye\b",
        r"\bgood ?night\b",
        r"\btake care\b",
        r"\bthank(?:s| you)(?: (?:so|very) much| a lot)?\b",
        r"\bappreciate (?:it|you|your|that|the)\b",
        r"\btalk (?:to you )?(?:later|soon)\b",
        r"\bhave a (?:good|great|nice|wonderful) (?:day|night|evening|one|weekend)\b",
    ),
    "opening": _cue(r"^\W*(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening))\b"),
}

# Replies short and flat enough to read as pulling back.
FLAT_REPLY = re.compile(
    r"^\W*(?:ok(?:ay)?|k|yes|yeah|yep|yup|no|nope|nah|maybe|i guess|i suppose|idk|i (?:don't|dont) know|"
    r"fine|sure|not really|nothing|whatever|hmm+|mhm+|um+|right|true|i see|alright|same)\W*$"
)

# --- Seeker behaviours in the reply after an intervention --------------------------------------

BEHAVIOUR_CUES: dict[str, Cue] = {
    "thanks": _cue(r"\bthank(?:s| you)\b", r"\bthx\b", r"\bappreciate\b"),
    "expresses-relief": STATE_CUES["relief"],
    "accepts-suggestion": _cue(
        r"\bi(?:'ll| will| can| could| should| might| am going to|'m going to|'m gonna) (?:definitely |"
        r"probably |certainly |really |also )?(?:try|do|give|look|think|talk|consider|start|check|reach|"
        r"call|ask|make|take|go|write|join|keep|see)\b",
        r"\b(?:good|great|nice|wonderful|excellent) (?:idea|advice|suggestion|point|plan)\b",
        r"\bthat (?:sounds|is|seems) (?:like )?(?:a )?(?:good|great|nice|helpful|useful|doable|reasonable)\b",
        r"\bmaybe i (?:will|can|should|could)\b",
        r"\bi think i (?:will|can|should|could)\b",
        r"\bworth a (?:try|shot)\b",
    ),
    "rejects-suggestion": STATE_CUES["resistance"],
    "agrees": _cue(
        r"^\W*(?:yes|yeah|yep|yup|right|exactly|true|indeed|definitely|absolutely|sure|agreed|correct|"
        r"i agree|that's (?:true|right|so true|correct)|you(?:'re| are) right)\b",
    ),
    "escalates-distress": _cue(*STATE_CUES["crisis-risk"].parts, *STATE_CUES["hopelessness"].parts),
}
