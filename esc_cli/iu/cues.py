"""Lexical cues of the offline labeller: one set of regex alternatives per taxonomy id.

The keys are taxonomy ids (seeker states, support actions, seeker behaviours) and the harm ids below;
the labels themselves are defined in `esc_cli.taxonomy`. Each cue is written so that one `search` on
lower-cased text with straight apostrophes decides it. Nothing is compiled until a cue is first
asked (start-up stays cheap for commands that never label). Tests pin examples of every cue.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from esc_cli import taxonomy
from esc_cli.iu import prefilter

HARM_IDS: tuple[str, ...] = taxonomy.HARM_IDS


_WORDS = re.compile(r"\w+")


class CueText:
    """A normalised text (see `labeller.normalise`) as cues read it: the text, its `\\w+` words, and
    the answers of the cues already asked about it, so a cue shared by two questions runs once."""

    __slots__ = ("answers", "text", "words")

    def __init__(self, norm: str) -> None:
        self.text = norm
        self.words = frozenset(_WORDS.findall(norm))
        self.answers: dict[Cue, bool] = {}


class _Plan:
    """How one cue is tried, built on first use (so importing the cues compiles nothing).

    Every alternative with anchors (see `prefilter.anchors`) runs only when one of its anchors is in
    the text: whole words are one set intersection with the text's words; literals are one regex
    search for any of them, then a substring test each when one is there.
    The alternatives with none run as one regex; those anchored with `^` are tried once at the start
    of the text, as an anchored branch inside a big alternation would be tried at every position.
    """

    __slots__ = (
        "any_literal",
        "anywhere",
        "at_start",
        "by_word",
        "finders",
        "gate",
        "literals",
        "sources",
        "word_keys",
    )

    def __init__(self, parts: tuple[str, ...], gate: str) -> None:
        self.gate = re.compile(gate).search if gate else None
        # The anchored alternatives, each compiled the first time one of its anchors shows up.
        self.sources: list[str] = []
        self.finders: list[Callable[[str], re.Match[str] | None] | None] = []
        by_word: dict[str, list[int]] = {}
        literals: list[tuple[str, int]] = []
        anywhere: list[str] = []
        at_start: list[str] = []
        for part in parts:
            found = prefilter.known_anchors(part)
            if found is None:
                (at_start if part.startswith("^") else anywhere).append(
                    part[1:] if part.startswith("^") else part
                )
                continue
            index = len(self.sources)
            self.sources.append(part)
            self.finders.append(None)
            for anchor in sorted(found, key=lambda a: a.text):
                if anchor.word:
                    by_word.setdefault(anchor.text, []).append(index)
                else:
                    literals.append((anchor.text, index))
        self.by_word = {word: tuple(indexes) for word, indexes in by_word.items()}
        self.word_keys = frozenset(by_word)
        self.literals = tuple(literals)
        # One regex search tells whether any literal is there at all, which is usually not the case.
        distinct = sorted({literal for literal, _ in literals}, key=lambda t: (-len(t), t))
        self.any_literal = re.compile("|".join(map(re.escape, distinct))).search if distinct else None
        self.anywhere = re.compile("|".join(f"(?:{p})" for p in anywhere)).search if anywhere else None
        self.at_start = re.compile("|".join(f"(?:{p})" for p in at_start)).match if at_start else None

    def search(self, cue_text: CueText) -> bool:
        text = cue_text.text
        if self.gate is not None and self.gate(text) is None:
            return False
        if self.at_start is not None and self.at_start(text) is not None:
            return True
        tried: set[int] = set()
        for word in self.word_keys.intersection(cue_text.words):
            for index in self.by_word[word]:
                if index not in tried:
                    if self._find(index, text):
                        return True
                    tried.add(index)
        if self.any_literal is None or self.any_literal(text) is None:
            return self.anywhere is not None and self.anywhere(text) is not None
        for literal, index in self.literals:
            if index not in tried and literal in text:
                if self._find(index, text):
                    return True
                tried.add(index)
        return self.anywhere is not None and self.anywhere(text) is not None

    def _find(self, index: int, text: str) -> bool:
        finder = self.finders[index]
        if finder is None:
            part = self.sources[index]
            finder = re.compile(part[1:]).match if part.startswith("^") else re.compile(part).search
            self.finders[index] = finder
        return finder(text) is not None


class Cue:
    """A set of regex alternatives tested as one cue, on lower-cased text with straight apostrophes.

    Speed matters (the labeller reads ~44k utterances in the extraction benchmark): see `_Plan` for
    how the alternatives are tried, and `search_plain` for the answer it must equal. A `gate`, when
    given, must match before the cue is tried at all. `Cue.union` is a cue that holds when any of
    its members does, and asks each member, so their answers are shared through `CueText`.
    """

    __slots__ = ("_members", "_plan", "gate", "parts")

    def __init__(self, *parts: str, gate: str = "") -> None:
        self.parts = parts
        self.gate = gate
        self._members: tuple[Cue, ...] = ()
        self._plan: _Plan | None = None

    @classmethod
    def union(cls, *members: Cue) -> Cue:
        """A cue true when any member is (their parts together, each member asked on its own)."""
        if any(m.gate for m in members):
            raise ValueError("a union of gated cues would lose the gates")
        cue = cls(*(part for member in members for part in member.parts))
        cue._members = members
        return cue

    def search(self, text: str | CueText) -> bool:
        """True when any alternative matches the normalised text (a `CueText` keeps the answer)."""
        cue_text = CueText(text) if isinstance(text, str) else text
        answer = cue_text.answers.get(self)
        if answer is None:
            if self._members:
                answer = any(member.search(cue_text) for member in self._members)
            else:
                if self._plan is None:
                    self._plan = _Plan(self.parts, self.gate)
                answer = self._plan.search(cue_text)
            cue_text.answers[self] = answer
        return answer

    def search_plain(self, text: str) -> bool:
        """The same answer by trying every alternative in turn, with no pre-check (tests compare)."""
        if self.gate and re.search(self.gate, text) is None:
            return False
        return any(
            (re.match(part[1:], text) if part.startswith("^") else re.search(part, text)) is not None
            for part in self.parts
        )


_cue = Cue


FEELING = (
    r"\b(?:sad|depress\w*|anxious|anxiety|angry|anger|upset|hurt|scared|afraid|fear\w*|lonely|stress\w*|"
    r"frustrat\w*|worr\w+|guilt\w*|ashamed|shame|down|miserable|heartbroken|nervous|overwhelm\w*|"
    r"hopeless|empty|numb|exhausted|tired|unhappy|happy|disappoint\w*|jealous|embarrass\w*|panic\w*|"
    r"lost|helpless|devastated|terrible|awful|crushed|mad|furious|annoyed|bitter|grief|griev\w*|"
    r"insecure|confus\w*|feel|feeling|felt|cry\w*|tears)\b"
)
# Any feeling named (the word list above), as a cue so its words are pre-checked.
FEELING_CUE = Cue(FEELING)

# --- Seeker states ----------------------------------------------------------------------------
#
# Written against what seekers say, in ESConv and in the profiles: most messages show their state
# indirectly (a plan means relief, "forget it" means withdrawal, "I've read the leaflets" means
# resistance), so each state has its indirect phrasings as well as the words that name it.
# `emotion-unnamed` and `venting` are the labeller's fallbacks, not cues.

_NOT = r"(?<!n't )(?<!not )(?<!never )"  # a cue word that is not negated just before it
_PLAN_VERBS = (
    r"(?:try|ask|look|ring|call|message|text|tell(?! you)|write|send|invite|take|show|give(?! up)|talk|start|put|delete|"
    r"book|join|play|read|make|speak|email|check|sit|keep|bring|find|sign up|go (?:to|down|back|and|for|out|"
    r"round|see|with))\b"
)

# Direct statements of suicide or self-harm in Chinese, the language of the SAGE profiles (issue 18).
# No `\b`: Chinese has no spaces between words. Written against direct statements only ("I want to
# kill myself", "I don't want to live"); the meaning-based detector covers the indirect ones.
ZH_CRISIS = (
    r"自杀|自殺|轻生|輕生|寻死|尋死|自尽|自盡|自残|自殘|自伤|自傷|割腕",
    r"想死(?!你|您)|去死吧我|不如死了|死了算了|死了就好|死掉算了|一死了之|一了百了",
    r"不想活|活不下去|活着没(?:有)?(?:意思|意义|意義)|活著沒(?:有)?(?:意思|意義)|没(?:有)?活下去的",
    r"结束(?:自己的|我的)?生命|結束(?:自己的|我的)?生命|了结(?:自己|生命)|了結(?:自己|生命)|离开这个世界|離開這個世界",
    r"伤害自己|傷害自己|弄伤自己|弄傷自己|跳楼|跳樓|吃安眠药|吃安眠藥",
    r"没有我(?:他们|大家|家人|你们|世界)?(?:会|會)?更好|沒有我(?:他們|大家|家人|你們|世界)?(?:会|會)?更好",
)

STATE_CUES: dict[str, Cue] = {
    "crisis-risk": _cue(
        r"\bsuicid\w*",
        r"\bkill(?:ing)? my ?self\b",
        r"\b(?:end|ending) (?:it all|my (?:own )?life)\b",
        r"\bself[- ]?harm\w*",
        r"\b(?:hurt|harm|cut|cutting|hurting|harming)(?:ing)? my ?self\b",
        r"\bno (?:point|reason) (?:in |to )?(?:living|live|going on|be alive|being alive)\b",
        r"\b(?:don't|do not|didn't|did not) (?:really )?want to (?:be here|be around|live|wake up|exist|be alive|"
        r"go on living)",
        r"\b(?:if|wish|hope) i (?:just |could just )?(?:didn't|did not|never|wouldn't|would not|don't) (?:wake up|woke up|"
        r"exist)\b",
        r"\b(?:easier|better|easy|simpler|nice|peaceful) (?:if i|to) (?:just )?(?:didn't|did not|never|not|wouldn't) "
        r"(?:wake up|be here|exist|be around)\b",
        r"\b(?:and|just|to|would) never wake up\b",
        r"\bpoint (?:of|in) (?:waking up|living|being alive|being here|going on)\b",
        r"\bnot (?:be|being) (?:here|around|alive) (?:any ?more|at all)\b",
        r"\b(?:wish i|want to|like to|rather|better if i) (?:could )?(?:just )?(?:not be|wasn't|weren't|was not|"
        r"were not) (?:here|around|alive)\b",
        r"\bbetter off (?:dead|without me|if i (?:wasn't|weren't|was gone|were gone|died|disappeared|"
        r"wasn't here|weren't here|wasn't around))\b",
        r"\b(?:be )?(?:relieved|happier) if i (?:was|were|wasn't|weren't|died|disappeared|was gone|were gone)\b",
        r"\b(?:want|wanted|wish i could|like|going) to (?:just )?(?:disappear|vanish)\b",
        r"\b(?:just |could )?disappear (?:forever|for good|completely|and never|off the face)\b",
        r"\bi could (?:just )?disappear\b",
        r"\b(?:nobody|no one|no-one) would (?:even |really )?(?:miss|notice|care) (?:me|if i)",
        r"\b(?:when|once|after) i(?:'m| am) gone\b",
        r"\bwant (?:it all|everything) to (?:stop|end)\b",
        r"\b(?:say|saying|said) (?:good ?bye|my goodbyes) to (?:everyone|everybody|the world|my family)\b",
        r"\b(?:want(?:ed)? to|wanna) die\b",
        r"\b(?:hang|hanging|unalive|unaliving) my ?self\b",
        r"\bwish i (?:was|were) dead\b",
        r"\btake my (?:own )?life\b",
        r"\boverdos\w*",
        r"\bnot worth living\b",
        r"\b(?:can't|cannot) go on\b",
        r"\bnothing to live for\b",
        r"\btired of (?:living|being alive)\b",
        r"\b(?:rather|better) be dead\b",
        r"\bwish i (?:was|were|had) never (?:been )?born\b",
        r"\bgive up on (?:life|living)\b",
        r"\blife (?:is not|isn't) worth (?:living|it)\b",
        r"\b(?:go to sleep|fall asleep|sleep) and (?:never|not) wake up\b",
        r"\bwish i (?:could )?(?:just )?(?:not|never) wake up\b",
        *ZH_CRISIS,
    ),
    "hopelessness": _cue(
        r"\b(?:feel|feeling|felt|i'm|it's|it is|is|seems|all|so|totally|completely|everything's) hopeless",
        r"\bhopelessness\b",
        r"\bno hope\b",
        r"\bnothing (?:will|ever|is going to|can|seems to|i do|really) ?(?:change|work|help|get better|be|matters?|"
        r"works|helps|changes|sticks)",
        r"\bnothing (?:works|helps|changes|sticks|matters)\b",
        r"\b(?:doesn't|does not|didn't|never) (?:stick|last)\b",
        r"\bwhat'?s the (?:point|use)\b",
        r"\bno point\b",
        r"\bpointless\b",
        r"\bwhy (?:even )?bother\b",
        r"\bi(?:'ve| have)? giv(?:e|en|ing) up\b",
        r"\b(?:never|won't ever|not ever) (?:going to |gonna )?(?:get better|change|end|be (?:okay|ok|the same|happy))\b",
        r"\b(?:always|forever) (?:be|feel|going to be) like this\b",
        r"\bno way out\b",
        r"\bno (?:end|light) in sight\b",
        r"\bno future\b",
        r"\bhelpless\b",
        r"\b(?:can't|cannot) see (?:a|any|the) (?:way|end|future|light|point)\b",
        r"\bnothing (?:left|to look forward)\b",
        r"\bwhat(?:'s| is) left for\b",
        r"\b(?:it's|it is) (?:too late|no use|useless)\b",
        r"\bstuck (?:forever|for good|like this)\b",
        r"\bnothing (?:to be done|i can do|we can do|anyone can do)\b",
        r"\b(?:lack|lost|no|lose|losing) (?:all |so much |any )?(?:motivation|interest|passion|purpose)\b",
        r"\bfeels like a chore\b",
        r"\baimless\b",
    ),
    "self-blame": _cue(
        r"\bmy (?:own )?(?:stupid )?fault\b",
        r"\bi(?:'m| am) (?:just |so |such |really |basically |probably )?(?:a |an |the )?(?:failure|stupid|useless|"
        r"worthless|idiot|pathetic|loser|lazy|boring|selfish|unlikeable|unlovable|weak|mess|burden|"
        r"disappointment|waste of space|coward|fraud|terrible person|bad person|horrible person|"
        r"(?:terrible|bad|awful|useless) (?:mother|father|mum|mom|dad|friend|daughter|son|wife|husband|partner|"
        r"sister|brother)|not good enough|problem|villain|one to blame|to blame|too much)\b",
        r"\bi(?:'m| am) (?:just )?being (?:silly|stupid|selfish|dramatic|ridiculous|pathetic|unreasonable)\b",
        r"\b(?:i was|maybe i was|i'm|i am) (?:just )?too (?:much|quiet|needy|sensitive|clingy|difficult|boring)\b",
        r"\bwaste of space\b",
        r"\bi blame myself\b",
        r"\bblame (?:it on )?me\b",
        r"\bi (?:really )?(?:messed|screwed) (?:it |everything |things )?up\b",
        r"\bi ruined\b",
        r"\bhate myself\b",
        r"\bi feel (?:so |really |very )?(?:guilty|stupid|ashamed|pathetic|useless|worthless|small|like a failure|"
        r"like an idiot|like a burden|like a fraud|about (?:two|\w+) inches tall)\b",
        r"\b(?:felt|feel) (?:so )?stupid\b",
        r"\bi (?:should|could)(?: not|n't)? have (?:done|been|said|checked|seen|known|noticed|tried|stopped|asked|"
        r"told|called|listened|left|gone|helped|realised|realized|spoken|fought|come)\b",
        r"\bi should(?: not|n't)? have\b",
        r"\bwhat(?:'s| is) wrong with me\b",
        r"\bi (?:let|failed) (?:him|her|them|everyone|everybody|my|you|us)\b",
        r"(?:^|[.!?,] )i (?:really |totally |completely )?failed\b",
        r"\bi(?:'m| am) (?:so )?(?:ashamed|embarrassed) (?:of|about) (?:myself|what i|how i)\b",
        r"\b(?:so )?embarrassing to (?:say|type|admit)\b",
        r"\bi (?:shouldn't|should not) (?:be bothering|care|feel|complain|be (?:upset|sad|this))\b",
        r"\bit(?:'s| is| was) (?:all )?on me\b",
        r"\bguilt(?:y)?\b",
        r"\bmaybe i(?:'m| am) (?:just )?(?:annoying|boring|lazy|selfish|the problem|too much|a bore)\b",
        r"\bi should(?:'ve| have)\b",
        r"\bi(?:'m| am) (?:just|now just) the bore\b",
        r"\b(?:this is|it's|it is) (?:probably |really |so )?(?:dumb|silly|stupid)\b",
        r"\bi(?:'ve| have)? (?:really )?(?:messed|screwed) (?:it |everything |things )?up\b",
        r"\b(?:valueless|worthless|useless|not good enough)\b",
        r"\bburden (?:anyone|anybody|people|others|you|them|my)\b",
    ),
    "overwhelm": _cue(
        r"\boverwhelm\w*",
        r"\btoo much\b",
        r"\bso much (?:going on|to do|at once|on my plate|pressure|stress|to handle|work)\b",
        r"\b(?:it's|that's|it is|that is) (?:all )?(?:a lot|too much)\b",
        r"\ba lot (?:to handle|to deal with|on my plate|going on|to take in|of pressure)\b",
        r"\b(?:can't|cannot|can not) (?:cope|handle|take it|take (?:this|any ?more)|keep up|deal|breathe|think straight|"
        r"focus|concentrate|switch off|keep going)\b",
        r"\bdrowning\b",
        r"\bstressed out\b",
        r"\beverything at once\b",
        r"\b(?:don't|do not) know where to (?:start|begin)\b",
        r"\bfalling apart\b",
        r"\bburn(?:ed|t|ing)? out\b",
        r"\b(?:swamped|snowed under|spread (?:too )?thin|stretched (?:too )?thin|running on empty|worn out|"
        r"exhausted|drained|frazzled)\b",
        r"\b(?:piling|piled) up\b",
        r"\bfalling behind\b",
        r"\bon top of (?:that|everything|it all|all that)\b",
        r"\b(?:no|not enough) time (?:for|to)\b",
        r"\bjuggling\b",
        r"\bhard to (?:concentrate|focus|cope|keep up|manage|handle)\b",
        r"\bgetting (?:out of hand|to me|worse and worse)\b",
        r"\b(?:workload|work burden)\b",
        r"\b(?:can't|cannot|don't think i can) last\b",
        r"\b(?:can't|cannot) even think about\b",
        r"\bno pressure\W*$",
    ),
    "anger-at-others": _cue(
        r"\b(?:angry|mad|furious|pissed|annoyed|upset|livid|fuming) (?:at|with)\b",
        r"(?<!not )(?<!n't )\b(?:angrier|furious|livid|fuming|seething|infuriat\w*|pissed off|outraged)\b",
        r"\bhate (?:him|her|them|that|it when|how|the way|his|their|my (?:boss|ex|mom|mum|dad|mother|father|sister|"
        r"brother|friend|manager|landlord|neighbou?r|husband|wife|partner))\b",
        r"\bunfair\w*",
        r"\bnot fair\b",
        r"(?<!isn't )(?<!not )\bbetray\w*",
        r"\bcheat(?:ed|ing) on\b",
        r"\blied to me\b",
        r"\bdisrespect\w*",
        r"\bresent\w*",
        r"\bfed up (?:with|of) (?:him|her|them|my|people|how|the way)\b",
        r"\bsick (?:and tired )?of (?:him|her|them|people|my|how|the way)\b",
        r"\bhow dare\b",
        r"\bthe nerve\b",
        r"\bbehind my back\b",
        r"\bthrew me under\b",
        r"\btook (?:all )?(?:the )?credit\b",
        r"\b(?:shout(?:s|ed|ing)?|scream(?:s|ed|ing)?|yell(?:s|ed|ing)?) at me\b",
        r"\b(?:want|wanted) to (?:throw|punch|hit|smash|strangle)\b",
        r"\b(?:he|she|they|you)(?:'s|'re| is| are| was| were)? (?:so |really |just |being |incredibly |always |such )?"
        r"(?:rude|selfish|inconsiderate|a jerk|toxic|arrogant|hypocrit\w*|two-faced|a liar|cruel|heartless|"
        r"so cold)\b",
        r"\bhow could (?:he|she|they|you)\b",
        r"\b(?:don't|do not) tell me it'?s nobody'?s fault\b",
        r"\b(?:he|she|they|my \w+) (?:just |never |always |still )?(?:doesn't|does not|don't|do not|won't|didn't|"
        r"did not|never) (?:even )?(?:care|offer|bother|help|listen|apologi[sz]e|respect|appreciate|acknowledge|"
        r"thank|mention)\b",
        r"\b(?:fuck\w*|bullshit|wtf|screw (?:him|her|them))\b",
    ),
    "loneliness": _cue(
        r"\blonel\w*",
        r"(?<!me )\balone\b",
        r"\b(?:no ?one|nobody|no-one) (?:to (?:talk|turn|lean)|cares|understands|listens|calls|asks|visits|knocks|"
        r"checks|notices|gets it|is there|ever (?:calls|asks|listens))\b",
        r"\b(?:no|don't have any|haven't got any|don't have|didn't have) (?:close |real )?friends\b",
        r"\b(?:i have|i've got|i had|have|got) (?:no ?one|nobody|no-one)\b",
        r"\b(?:don't|didn't|do not|did not) have (?:anyone|anybody|someone|people) (?:to|who|i can)\b",
        r"\bisolat\w*",
        r"\bleft out\b",
        r"\bwithout me\b",
        r"\bby myself\b",
        r"\bon my own\b",
        r"\b(?:stopped|stop|never|don't|doesn't) (?:calling|visiting|texting|inviting|asking me|knocking|replying|"
        r"answering)\b",
        r"\b(?:gone|went|goes) quiet\b",
        r"\b(?:drift(?:ed|ing)? apart|lost touch|grown apart)\b",
        r"\bshouting into (?:a|the) (?:tunnel|void)\b",
        r"\b(?:don't|never) get to (?:share|talk|see)\b",
        r"\b(?:feel|felt|feeling) (?:so |really )?(?:invisible|unseen|disconnected|cut off|left behind|forgotten|"
        r"like an outsider|like a ghost)\b",
        r"\bempty (?:house|flat|kitchen|bed|home|room)\b",
        r"\bmiss (?:him|her|them|my|having|being|our|home)\b",
        r"\bi miss\b",
        r"\b(?:have|had) no (?:family|one else)\b",
        r"\bonly family\b",
        r"\b(?:wasn't|weren't|was not|not) invited\b",
        r"\b(?:not willing|refuses?|won't|don't|doesn't) (?:to )?listen\b",
        r"\bjust (?:wanted|want|need|needed) (?:to talk to|someone to talk)\b",
        r"\b(?:no|without|don't have|lack of|zero) (?:any )?support\b",
        r"\b(?:don't|do not|never|didn't) (?:really )?(?:belong|fit in)\b",
        r"\b(?:leave|left|leaving|leaves) me out\b",
        r"\bignores? (?:me|my)\b",
        r"\bfor (?:nobody|no one|one person)\b",
        r"\bstopped (?:seeing|going to|answering|talking to)\b",
    ),
    "worry-future": _cue(
        r"\bworr\w+",
        r"\banxi\w+",
        r"\bafraid\b",
        r"\bscared?\b",
        r"\bscary\b",
        r"\bfrighten\w*",
        r"\bterrified\b",
        r"\bdread\w*",
        r"\bnervous\b",
        r"\bconcern(?:ed|s)?\b",
        r"\bwhat if\b",
        r"\b(?:going to|gonna|might|may|will|could) (?:lose|fail|not (?:get|make|find|pass|cope))\b",
        r"\buncertain\w*",
        r"\bfuture\b",
        r"\bpanic\w*",
        r"\bfear\w*",
        r"\bwhat (?:will|would|is going to|'s going to|'ll) happen\b",
        r"\bhow (?:will|would|am) i (?:going to |ever )?(?:pay|afford|manage|cope|survive|find|get|make|tell|"
        r"explain|face|support|live)\b",
        r"\b(?:can't|cannot|won't be able to|couldn't) afford\b",
        r"\bdeadlines?\b",
        r"\bdue (?:in|on|next|by|tomorrow|soon)\b",
        r"\b(?:i have|i've got|i only have|only) until\b",
        r"\bheart (?:going|racing|pounding)\b",
        r"\b(?:can't|cannot|couldn't) stop (?:thinking|worrying|checking)\b",
        r"\bkeep (?:checking|replaying|worrying|running (?:through|over|the same))\b",
        r"\blie awake\b",
        r"\b(?:won't|will not|not) be able to\b",
        r"\bnot looking forward\b",
        r"\bwill (?:the|it|this|that|they|he|she|i|we|things) [^.?!]{0,60}\?",
        r"\b(?:laid off|lay ?offs?|lose (?:my|our|the) (?:job|house|home|apartment|flat|place))\b",
        r"\b(?:at|in) (?:higher |high )?risk\b",
        r"\bi hope i (?:haven't|didn't|don't|won't)\b",
        r"\b(?:exams?|tests?|assignments?|interview|hearing|appointment|surgery|results?) (?:is |are )?(?:coming up|next "
        r"(?:week|month)|tomorrow|soon)\b",
        r"\b(?:is|are|it's) in (?:\w+ )(?:days|weeks)\b",
        r"\bkeep thinking about (?:it|that|what)\b",
        r"\bi can't stop\W*$",
        r"\b(?:mortgage|you do the maths?)\b",
    ),
    "seeking-advice": _cue(
        r"\bwhat (?:should|can|could|do|would|shall) i (?:do|try|say|tell)\b",
        r"\bwhat (?:would|do|should|could) you (?:suggest|recommend|advise|do|say|try)\b",
        r"\bwhat do you think (?:i|about|of|it|she|he|they|is|would|that|this|my)\b",
        r"\bany (?:advice|suggestions?|ideas?|tips|thoughts|recommendations)\b",
        r"\bhow (?:can|do|should|could|would|did) (?:i|you|people|others|we|one) (?!feel\b|know\b|mean\b)\w+",
        r"\bshould i\b",
        r"\b(?:help|helped) me (?:figure|decide|with|out|understand|work out|think|plan|find|see|know)\b",
        r"\b(?:would|could|can|will) you (?:help|tell|show|explain|recommend|suggest|give)\b",
        r"\b(?:need|want|looking for|could use) (?:some |a |any )?(?:advice|help|suggestions?|tips|ideas|a method|"
        r"a plan|a way)\b",
        r"\b(?:do|did) you have (?:any )?(?:advice|suggestions?|ideas|tips)\b",
        r"\bdo you (?:think|reckon) (?:i|it|that|this|he|she|they|there|people|my|we)\b",
        r"\bdo you know (?:any|a|of|how|what|where|anyone|someone|if)\b",
        r"\b(?:don't|do not|not sure|no idea|unsure|can't figure out|can't work out|trying to (?:figure|work) out) "
        r"(?:know )?(?:what|how|whether|where) to (?:do|say|tell|handle|approach|deal|cope|start|begin|go about|"
        r"move on|fix|help|respond|react|proceed|decide|choose|talk|ask|explain|stop|get)\b",
        r"\bis there (?:anything|any way|a way|something|a better way) (?:i|you|that|to)\b",
        r"\bwhere (?:do|should|can|would) i (?:start|begin|go|find|look)\b",
        r"\bwhat (?:are|is) (?:my|the|some) (?:options|best|next step|first step|alternatives|right thing)\b",
        r"\b(?:was|am) i (?:wrong|right|being unreasonable|overreacting|in the wrong|crazy)\b",
        r"\bi(?:'m| am) (?:trying|hoping) to (?:understand|work out|figure out|think (?:it |this )?through|decide|"
        r"make sense)\b",
        r"\b(?:can't|cannot|couldn't) (?:decide|work out|figure out|make up my mind)\b",
        r"\bi(?:'m| am) asking (?:whether|why|if|what|how)\b",
        r"\btell me (?:the other side|what you think|honestly|straight|what to do)\b",
        r"\bbut how\b",
        r"^\W*how\W*$",
        r"\bwhat does (?:that|it|this) (?:mean|do|involve)\b",
        r"\b(?:do you have|got any|have you got) (?:any )?(?:solutions?|advice|suggestions?|ideas|tips|recommendations)\b",
        r"\bplease advi[cs]e\b",
        r"\bwhat else (?:can|could|should|did|do|would) (?:i|you)\b",
        r"\b(?:don't|do not|dont|not sure) (?:now |know )?how to cope\b",
        r"\b(?:love|like|appreciate|welcome|use) (?:some |any |more |additional |other )*(?:advice|suggestions?|ideas|tips)\b",
        r"\bis there (?:anything|something|any \w+) else (?:i|you|that)\b",
        r"\bwhat do you think\W*$",
    ),
    "resistance": _cue(
        r"\bi(?:'ve| have)? (?:already )?tried (?:that|it|everything|this|all (?:of )?(?:that|those|this))\b",
        r"\bi(?:'ve| have) (?:already )?(?:tried|read|done|heard|had) (?:the \w+s|all (?:that|those|of it)|"
        r"that before|it all|enough)\b",
        r"\b(?:that|it|this) (?:won't|wouldn't|doesn't|will not|would not|does not|isn't going to) (?:work|help)\b",
        r"\byou (?:don't|do not|wouldn't|can't) (?:understand|get it)\b",
        r"\beasy for you to say\b",
        r"\bi (?:can't|cannot) do that\b",
        r"\bnot that (?:simple|easy)\b",
        r"^(?:yeah|yes|ok|okay),? but\b",
        r"\bi don't think (?:that|it|this) (?:will|would|can)\b",
        r"\bthat'?s not (?:helpful|the point|what i)\b",
        r"\b(?:not|isn't|is not|aren't|wasn't) (?:really )?helping\b",
        r"\b(?:waste|wasting) of (?:my )?time\b",
        r"\byou sound like\b",
        r"\byou(?:'re| are) (?:as bad as|just like|reciting|not listening|already fixing)\b",
        r"\b(?:already )?fixing me\b",
        r"\bsame (?:useless|old|thing|stuff|advice)\b",
        r"\bin a different font\b",
        r"\b(?:don't|do not) bother\b",
        r"\b(?:don't|do not) (?:tell|give|start) (?:me|on)\b",
        r"\bdon't '[^']{2,40}' me\b",
        r"\bspare me\b",
        r"\b(?:go on|if you(?:'re going to| are going to)?),? (?:tell|say)\b",
        r"\bif you (?:say|tell me|mention)\b",
        r"\bi(?:'m| am) not (?:asking|looking) (?:for|to be)\b",
        r"\bi(?:'m| am) not asking (?:whether|if)\b",
        r"\bi (?:didn't|did not) come here (?:to|for)\b",
        r"\bi(?:'m| am) not (?:going to|gonna) cry\b",
        r"\bi(?:'m| am) not (?:upset|depressed|one of those|sad|angry),?\b",
        r"\bit'?s not depression\b",
        r"\b(?:a|no) (?:pep talk|lecture|therapy session)\b",
        r"\bwhole deep thing\b",
        r"\bi (?:don't|do not) need (?:a script|a lecture|advice|to be told|a pep talk|your)\b",
        r"\bi(?:'ll| will) (?:work|figure|sort) it out myself\b",
        r"\b(?:everyone|everybody)(?:'s| has) got (?:advice|an opinion)\b",
        r"\b(?:everyone|everybody) has an opinion\b",
        r"\benough advice\b",
        r"\bso (?:you think|the answer is|i'm the villain|basically)\b",
        r"\bnever thought of that\s*[.!]",
        r"\b(?:brilliant|groundbreaking|love that for me)\W*$",
        r"\b(?:yes|yeah),? obviously\b",
        r"\bi know about\b",
        r"\bi(?:'ve| have) heard (?:it|that|all)\b",
        r"\b(?:that|you)(?:'s| are| is)? (?:not )?(?:the )?(?:same|leaflet) again\b",
        r"\bthe leaflet again\b",
        r"\b(?:please )?don't (?:say|send|give|make) (?:me|it|'|that|\w+ '|more)",
        r"\byou(?:'re| are) doing the \w+ thing\b",
        r"\bnot an answer\b",
        r"\b(?:everyone|everybody)(?:'s| has)? (?:got a (?:plan|verdict|opinion)|says|wants me|keeps (?:telling|saying))",
        r"\bi(?:'m| am) not (?:taking|doing|going to take|going to do) (?:that|tablets|pills|medication|therapy|it)\b",
        r"\bi (?:don't|do not) (?:want|need) (?:pity|this|your)\b",
        r"\b(?:this|that|it)(?:'s| is) (?:useless|not helping)\b",
        r"[.!?] sure[.!]*$",
        r"^\W*there it is\b",
        r"^\W*great,? (?:so|more|another|now)\b",
        r"\b(?:are|is)(?:n't| not) the (?:bottleneck|point|problem|issue)\b",
        r"\bi(?:'ve| have) (?:read|tried|done|heard) (?:every|all the|them all)\b",
    ),
    "withdrawal": _cue(
        r"^\W*(?:let's|lets|let us) (?:just )?(?:leave|drop|not|forget|move on|stop)\b",
        r"\b(?:forget|leave|drop) it\b",
        r"\bforget (?:i said|what i said|about it|i asked)\b",
        r"\bnever ?mind\b",
        r"\bnvm\b",
        r"\b(?:it|that|this) (?:doesn't|does not|don't) (?:really )?matter\b",
        r"^\W*(?:doesn't|does not) matter\b",
        r"\b(?:it's|its|it is|i'm|im|i am) (?:totally |really |just |all )?(?:fine|whatever)\b",
        r"\bi(?:'m| am) good,? (?:honestly|really|thanks)\b",
        r"\b(?:don't|do not|didn't) (?:really )?want to (?:talk|get into|go into|discuss|think about|say|make)\b",
        r"\b(?:i'd|i would) rather not\b",
        r"\bnot (?:really )?in the mood\b",
        r"\banother time\b",
        r"\bcan we (?:not|talk about something else|change the subject|stick to)\b",
        r"\b(?:talk|chat) about something else\b",
        r"\bchange the subject\b",
        r"^\W*anyway\b",
        r"(?:^|[.!?] )anyway\W*$",
        r"\bdid you (?:see|catch|watch) (?:the|that)\b",
        r"\bhow(?:'s| is) your (?:day|week|evening|night)\b",
        r"\bseen any good\b",
        r"\b(?:i'm|i am|we're|we are) done\b",
        r"\bit is what it is\b",
        r"\b(?:it was|it's) nothing(?: really)?\b",
        r"\b(?:no|not a|not such a) big deal\b",
        r"\bmake (?:a |such a )?(?:big )?(?:deal|fuss)\b",
        r"\bnot (?:important|a big deal)\b",
        r"\bi(?:'ll| will) (?:manage|be fine|be okay|be ok|figure it out|work it out|sort it)\b",
        r"\b(?:sorry,? )?i(?:'m| am) rambling\b",
        r"\bi (?:don't|do not) (?:really )?have an answer\b",
        r"\bi (?:don't|do not) think i can explain\b",
        r"\b(?:must|have to|got to|gotta|need to) get on\b",
        r"^\W*(?:sorry\W+)?(?:i (?:don't|dont) know|idk)(?:\W*$|[.,!]+ )",
        r"\bi(?:'m| am) (?:alright|over it)\b",
        r"\bit(?:'s| is| was) (?:just |only )?(?:a phase|a hobby|a bad (?:year|day|week)|a small thing|nothing serious|"
        r"not deep|not a big thing)\b",
        r"\bprobably nothing\b",
        r"\bi(?:'m| am) not one for\b",
        r"\banyway,? (?:how are you|did you|have you|seen|how's)\b",
        r"^\W*(?:i(?:'ve| have)(?: got)? |got |i've )(?:a|an|the|to) [\w' -]{1,30}(?:to (?:get to|clear|check on|feed|"
        r"teach|pick \w+ up|get back to|finish)|shift|in ten|at nine)\W*$",
        r"^\W*got to get back\b",
    ),
    "relief": _cue(
        _NOT + r"\bfeel(?:ing|s)? (?:like i can breathe|a (?:little|bit|lot) |much |so much |somewhat |)?"
        r"(?:less|lighter|better|calmer|relieved|understood|heard|seen|clearer|more hopeful|hopeful|safer|"
        r"steadier|stronger)\b",
        r"\b(?:can|could) (?:actually |finally )?breathe\b",
        r"(?<!n't )(?<!not )\b(?:that|this|it|you) (?:really |actually |genuinely |has |have |kind of )?help(?:s|ed)\b",
        r"\bweirdly it helps\b",
        r"\brelie(?:f|ved)\b",
        r"\b(?:good|great|nice|useful|fair) (?:idea|advice|suggestion|point|question)\b",
        r"\b(?:that's|that is|that was|this is|this was|it was|it's) (?:genuinely |really |actually |so |very |"
        r"weirdly |quite )?(?:useful|helpful|a relief|nice|fair|reassuring|comforting)\b",
        r"\bi(?:'ll| will) (?:try|do|give)\b",
        r"\bmakes? (?:me feel )?(?:better|sense)\b",
        r"\bi needed (?:that|this|to hear)\b",
        r"\bi (?:hadn't|had not|never) (?:really )?(?:thought|considered|noticed|realised|realized|looked at it|put)\b",
        r"\b(?:put|said|seen) like that\b",
        r"\bwhen you (?:put|say) it like that\b",
        r"\b(?:maybe|perhaps|i think|i guess) i(?:'ll| will| could| can| might| am going to|'m going to)? "
        + _PLAN_VERBS,
        r"(?<!how )(?<!what )(?<!where )\bi(?:'ll| will| could| can| might|'m going to| am going to) (?:\w+ )?"
        + _PLAN_VERBS,
        r"\bi can do that\b",
        r"\b(?:that|it) (?:sounds|feels|seems) (?:almost |really |quite |actually )?(?:doable|possible|good|right|"
        r"manageable|like a plan|less like)\b",
        r"\bsounds good\b",
        r"\byou(?:'re| are) (?:right|so right)\b",
        r"\b(?:good|nice|helpful) to know\b",
        r"\bglad (?:i|to|that)\b",
        r"\bi like (?:your|that|the|this) (?:idea|suggestion|plan)\b",
        r"\b(?:i find|i found|that's|that is) (?:\w+ )?(?:reassur\w*|comfort\w*)\b",
        r"\b(?:i'm|i am) (?:kind of |actually |a bit )?proud\b",
        r"\bmeant (?:a lot|more than)\b",
        r"\bmore than i(?:'ll| will)? (?:admit|expected)\b",
        r"\b(?:grateful|thankful)\b",
        r"\bmaybe i (?!'m\b|am\b|was\b|should|shouldn't|could have|could've|don't know)(?:just )?(?:don't|stop|go|do|"
        r"need|meet|ask|try|tell|call|ring|write|start|finish|leave|see|talk)\b",
        r"^\W*(?:maybe|might|perhaps) " + _PLAN_VERBS,
        r"(?<!how )(?<!what )\b(?:i could|i can|i'll|i will|i might) (?:\w+ )?(?:meet|see|visit|finish|stop|work with)\b",
        r"\b(?:feels|felt|it's|it was|that was|that's) (?:really |so |actually |weirdly )?(?:good|nice|great) to\b",
        r"^\W*feels good\b",
        r"\byou (?:didn't|did not|have not|haven't) (?:just )?(?:waste|tell|tried|try|flinch|judge|rush|fix|take)\b",
        r"\byou (?:actually|really) (?:let|listened|heard|got|get|asked)\b",
        r"\bthat'?s (?:exactly )?(?:it|the thing|the bit|what it is)\s*[.!]",
        r"\bit'?s exactly that\b",
        r"^\W*(?:yes|yeah|exactly)\W+(?:that'?s|it'?s|that is) (?:exactly|it|the|what)\b",
        r"\b(?:nobody|no one|no-one)(?:'s| has)? (?:ever )?said (?:it|that)\b",
        r"\bi(?:'ve| have) never (?:heard anyone|had words)\b",
        r"\bwhen you say it (?:back|like that|out loud)\b",
        r"\bi see (?:that|it) now\b",
        r"\bthat i can work with\b",
        r"\bthat'?s (?:actually )?a plan\b",
        r"\bi did (?:it|that)(?: though)?\W*$",
        r"\bthe (?:real )?question (?:isn't|is not|is)\b",
        r"\b(?:that|it|this)(?:'s| is| was| sounds| seems| would be)? (?:like )?(?:a |an )?(?:really |very |so |pretty |"
        r"such a )?(?:good|great|wonderful|excellent|nice|smart|lovely|brilliant|fantastic|awesome) (?:idea|plan|way|"
        r"suggestion|point|advice|thing|tip|start)\b",
        r"\bsounds (?:really |very |so )?(?:good|nice|great|smart|helpful|like a (?:good |great )?plan)\b",
        r"\b(?:that|it|this|you|talking) (?:(?!never\b|not\b|hardly\b|barely\b|won\b|can\b)\w+ ){0,2}help(?:s|ed)?\b",
        r"\bi like (?:that|it|this)\b",
        r"\bdefinitely (?:do|try|will|going to)\b",
        r"\b(?:i'm|i am) planning (?:on|to)\b",
        r"\byou(?:'ve| have)? (?:made|make) (?:it|me feel|things|my day) (?:better|so much better|easier)?",
        r"\byou(?:'ve| have| are|'re) (?:been )?(?:so |very |really )?(?:helpful|kind|amazing|wonderful|great help)\b",
        r"\byou(?:'ve| have) made (?:some )?(?:very |really )?(?:good|great|fair|valid) points?\b",
        r"\bi (?:see|get|understand) what you(?:'re| are) saying\b",
        r"^\W*(?:yeah,? |yes,? )?i hear you\b",
        r"\b(?:that|it) would be (?:nice|good|great|helpful)\b",
        r"\bi (?:could|can) do that\b",
        r"\b(?:that|it|this) (?:might|could|would|should|will) (?:actually |really )?work\b",
        r"\bi (?:completely |totally |really |definitely )?agree\b",
    ),
    "closing": _cue(
        r"\b(?:good)?bye\b",
        r"\bgood ?night\b",
        r"^\W*good evening\W*$",
        r"\btake care\b",
        r"\bthank(?:s| you)(?: (?:so|very) much| a lot)?\b",
        r"\bcheers\b",
        r"\bcheerio\b",
        r"\b(?:cya|see ya|see you|gtg|ttyl)\b",
        r"\bgot(?:ta| to) go\b",
        r"^\W*later\W*$",
        r"\bi (?:should|must|better|need to|have to) go\b",
        r"\bi(?:'ll| will) (?:go|let you go|leave it there|leave you)\b",
        r"\bi(?:'m| am) (?:off|going)\W*$",
        r"\b(?:go|going|head|heading|get) to (?:bed|sleep)\b",
        r"\btry (?:to|and) (?:sleep|rest)\b",
        r"\b(?:can|could) (?:sleep|rest) now\b",
        r"\btaken up enough of your\b",
        r"\bappreciate (?:it|you|your|that|the|this)\b",
        r"\btalk (?:to you )?(?:later|soon)\b",
        r"\bhave a (?:good|great|nice|wonderful) (?:day|night|evening|one|weekend)\b",
        r"\bthat'?s all (?:i needed|for now|for today)\b",
        r"\bhave a (?:\w+ ){0,2}(?:day|night|afternoon|evening|weekend|holiday|holidays|christmas|one)\b",
        r"\b(?:merry christmas|happy (?:holidays|new year|thanksgiving))\b",
        r"\b(?:thank u|thx|ty)\b",
        r"^\W*(?:you too|you as well|same to you)\b",
    ),
    "opening": _cue(r"^\W*(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening))\b"),
}

# Replies short and flat enough to read as pulling back.
FLAT_REPLY = re.compile(
    r"^\W*(?:ok(?:ay)?|k|yes|yeah|yep|yup|no|nope|nah|maybe|i guess|i suppose|idk|i (?:don't|dont) know|"
    r"fine|sure|not really|nothing|whatever|hmm+|mhm+|um+|right|true|i see|alright|same|nvm|never mind|"
    r"it's fine|i'm fine|it's okay|doesn't matter|it doesn't matter|forget it|leave it|sorry)\W*$"
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
    "escalates-distress": Cue.union(STATE_CUES["crisis-risk"], STATE_CUES["hopelessness"]),
}


def all_cues() -> list[Cue]:
    """Every cue of the labeller: states, behaviours, the feeling words, support actions and harms."""
    from esc_cli.iu import action_cues

    return [
        *STATE_CUES.values(),
        *BEHAVIOUR_CUES.values(),
        FEELING_CUE,
        *action_cues.ACTION_CUES.values(),
        *action_cues.HARM_CUES.values(),
    ]
