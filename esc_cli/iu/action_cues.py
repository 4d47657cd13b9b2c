"""Lexical cues read in a supporter's text alone: support actions, question kinds, and harms.

Keys are taxonomy action ids and `cues.HARM_IDS`. They judge ESConv utterances and a real model's
replies alike, so none of them relies on an annotation. Order in `ACTION_CUES` is the salience order
the labeller reports.
"""

from __future__ import annotations

import re

from esc_cli.iu.cues import FEELING, Cue

_cue = Cue


_RISK = (
    r"(?:suicid\w*|kill(?:ing)? yourself|end(?:ing)? (?:your|it all|your life)|self[- ]?harm\w*|"
    r"hurt(?:ing)? yourself|harm(?:ing)? yourself|take your (?:own )?life|want(?:ing)? to die)"
)

ACTION_CUES: dict[str, Cue] = {
    "safety-check": _cue(
        rf"\b(?:are|have|do|did|were) you\b[^.?!]{{0,40}}{_RISK}[^.!]{{0,40}}\?",
        rf"\bthoughts? (?:of|about) {_RISK}",
        r"\bare you (?:safe|in danger|somewhere safe)\b",
        r"\b(?:do|would) you feel safe\b",
        r"\bhave you (?:made|got|thought of) (?:a )?plan to\b",
        rf"\b(?:can|may) i ask\b[^?]{{0,60}}{_RISK}",
        gate=rf"{_RISK}|\bsafe\b|\bdanger\b|\bplan to\b",
    ),
    "refer-resource": _cue(
        r"\b(?:hot ?line|helpline|crisis (?:line|text|team|service)|lifeline|samaritans|text line)\b",
        r"\b(?:988|911|999|112|111)\b",
        r"\bemergency (?:services?|room|number|department)\b",
        r"\btherap(?:ist|y)\b",
        r"\bcounsell?(?:or|ing)\b",
        r"\bpsycholog(?:ist|ists)\b",
        r"\bpsychiatr\w*",
        r"\b(?:see|talk to|visit|contact) (?:a |your )?(?:doctor|gp|physician)\b",
        r"\bprofessional (?:help|support)\b",
        r"\bmental health (?:professional|service|provider|support)s?\b",
        r"\bsupport group\b",
        r"\breach out to (?:someone|somebody|a friend|friends|family|people|a professional)\b",
        r"\btalk to (?:someone|somebody) (?:you trust|close)\b",
        r"\b(?:talk|talked|talking|speak|spoken|spoke) (?:to|with) (?:someone|somebody|anyone|anybody) "
        r"(?:about|yet|else|close)\b",
        r"\bsupport (?:system|network)\b",
        r"\b(?:someone|anyone|somebody|anybody) (?:you can|to) (?:talk|turn|lean) (?:to|on)\b",
    ),
    "self-disclosure": _cue(
        r"\bi(?:'ve| have) (?:also )?(?:been|gone|went) through\b",
        r"\bwhen i was\b",
        r"\bi (?:went|go|was|am|have been) (?:through|in) (?:a |the )?(?:similar|same)\b",
        r"\b(?:happened|happens|has happened) to me\b",
        r"\bi (?:also|too) (?:have|had|felt|feel|was|went|struggle\w*|experienced)\b",
        r"\bme too\b",
        r"\bin my (?:own )?(?:experience|case|life)\b",
        r"\bi(?:'ve| have) (?:had|experienced|felt|dealt with|struggled with|faced)\b",
        r"\bi (?:had|felt|experienced|dealt with|struggled with|faced|used to)\b",
        r"\bmy (?:own )?(?:mom|mum|dad|mother|father|wife|husband|partner|friend|son|daughter|sister|"
        r"brother|family|ex|boyfriend|girlfriend|kids?|children|grandm\w+|grandf\w+)\b",
        r"\bi know (?:how|what) (?:it|that) feels?\b",
        r"\bi remember (?:when|how|feeling)\b",
    ),
    "reflect-feeling": _cue(
        r"\b(?:it |that )?(?:sounds|seems|looks) (?:like |as if |as though )?you(?:'re| are)? "
        r"(?:feel|feeling|really|quite|very|so|a bit|a little|pretty|being|have been|are)?",
        r"\byou (?:must|might|may) (?:feel|be feeling|have felt|be)\b",
        r"\bi (?:can )?(?:hear|sense|tell|see) (?:that )?(?:you(?:'re| are)|how) ",
        r"\byou seem (?:to be |to feel )?",
        rf"\byou(?:'re| are)? (?:feel|feeling|felt)(?: \w+)? {FEELING}",
        r"\bthat must (?:feel|have felt|be|have been) (?:so |really |very )?(?:hard|difficult|painful|"
        r"frustrating|scary|lonely|overwhelming|upsetting|stressful|tough|awful|terrible)",
        r"\bi (?:can )?(?:imagine|understand) (?:how|that) (?:you(?:'re| are)? )?(?:feel|feeling|frustrat|"
        r"upset|sad|hurt|scared|anxious|stressed|difficult|hard|lonely)",
    ),
    "restatement": _cue(
        r"\bso (?:what )?you(?:'re| are)? saying\b",
        r"\bif i (?:understand|hear|heard) (?:you |that |this )?(?:correctly|right)\b",
        r"\bin other words\b",
        r"^\W*so,? you(?:'re| are| have| had| feel| think| were| want| need| don't)\b",
        r"\bwhat i(?:'m| am) hearing\b",
        r"\byou (?:mentioned|said|told me|say) (?:that )?",
        r"\bit (?:sounds|seems) like (?:he|she|they|your|the|this|that|there)\b",
        r"\bis that (?:right|correct|what you)\b",
    ),
    "summarise": _cue(
        r"\bto sum (?:it )?up\b",
        r"\bso far,? you(?:'ve| have)\b",
        r"\blet me (?:see if i|summari[sz]e|recap)\b",
        r"\b(?:in summary|to summari[sz]e|to recap)\b",
        r"\bfrom what you(?:'ve| have) (?:said|told|shared)\b",
    ),
    "validate-normalise": _cue(
        r"\bmakes? (?:total |complete |perfect |a lot of )?sense\b",
        r"\b(?:anyone|anybody|most people|many people|a lot of people|everyone|everybody|others) "
        r"(?:would|will|feels?|goes? through|has|have|experiences?|in your)",
        r"\b(?:it's|that's|it is|that is) (?:completely |totally |perfectly |very |so )?(?:normal|"
        r"understandable|natural|valid|okay|ok|fine|human) (?:to|that|for you)",
        r"\byour (?:feelings|reaction|concerns?) (?:are|is) (?:valid|understandable|normal|natural)\b",
        r"\b(?:that's|that is|it's|it is) (?:very |so |completely |totally )?understandable\b",
        r"\bi (?:can )?(?:completely |totally |really )?understand (?:why|how|your|that|where)\b",
        r"\bno wonder\b",
        r"\byou(?:'re| are) not alone\b",
        r"\bnothing wrong with (?:you|feeling)\b",
    ),
    "affirm-strength": _cue(
        r"\byou(?:'re| are| have been|'ve been) (?:so |very |really |clearly )?(?:strong|brave|resilient|"
        r"courageous|smart|capable|doing (?:great|well|a great job|the right thing|your best))\b",
        r"\bproud of you\b",
        r"\b(?:took|takes|take) (?:a lot of |real )?(?:courage|strength|guts)\b",
        r"\b(?:takes?|took|shows?|showed|showing) (?:a |real |a lot of |great |a great deal of |such )?(?:persistence|"
        r"determination|courage|strength|commitment|resilience|dedication)\b",
        r"\bsays something (?:good |real )?about (?:you|your)\b",
        r"\bthat (?:shows|says) (?:a (?:great )?deal of|how much|real)\b",
        r"\bgood (?:for you|job|on you)\b",
        r"\bwell done\b",
        r"\byou should be proud\b",
        r"\b(?:that's|that is|it's|what a) (?:a )?(?:great|good|wonderful|excellent|awesome|smart) "
        r"(?:idea|step|start|plan|thing|attitude|decision|way)\b",
        r"\bit(?:'s| is) (?:great|good|wonderful|awesome) (?:that|to hear) you\b",
        r"\byou (?:did|handled|managed|are handling) (?:it |that |this )?(?:well|great|so well)\b",
    ),
    "reassure": _cue(
        r"\b(?:things|it|everything|you) (?:will|is going to|are going to|would|can) (?:get|be|work out|"
        r"turn out) ?(?:better|ok|okay|fine|alright|all right|out)?\b",
        r"\byou(?:'ll| will) (?:get through|be (?:ok|okay|fine|alright|all right)|find|make it)\b",
        r"\bi(?:'m| am) (?:here for you|here to (?:help|listen)|with you)\b",
        r"\bthere(?:'s| is) (?:always )?hope\b",
        r"\bdon't worry\b",
        r"\b(?:it|this) (?:will|shall) pass\b",
        r"\byou can (?:do|get through|overcome|handle) (?:it|this|that)\b",
        r"\bi (?:believe in|have faith in) you\b",
        r"\bi(?:'m| am) (?:so |very |really |truly )?sorry\b",
        r"\b(?:that's|that is|that sounds|it sounds|that must be) (?:so |really |very )?(?:hard|tough|"
        r"difficult|rough)\b",
        r"\bi hope (?:things|you|it|that|everything)\b",
    ),
    "reframe": _cue(
        r"\b(?:another|a different|other) (?:way|perspective|angle) (?:to|of|on)\b",
        r"\blook at it (?:this|another|that) way\b",
        r"\bon the other hand\b",
        r"\b(?:an|the) opportunity (?:to|for)\b",
        r"\bwhat if you (?:looked|thought|saw|tried to see)\b",
        r"\binstead of (?:thinking|seeing|looking)\b",
        r"\b(?:it|that|this) (?:doesn't|does not) (?:mean|make) you\b",
        r"\blearning experience\b",
        r"\bin a (?:way|sense)\b",
        r"\bmaybe (?:it|this|that) (?:is|was) (?:for the best|a sign|a chance)\b",
    ),
    "inform-psychoeducate": _cue(
        r"\b(?:studies|research|science|experts|doctors) (?:shows?|suggests?|says?|have shown|found)\b",
        r"\bit(?:'s| is) (?:very |quite |really )?(?:common|normal|natural) (?:for|to|when)\b",
        r"\b(?:many|a lot of|most|lots of|some) people (?:experience|find|deal|struggle|go through|feel|have)\b",
        r"\b(?:depression|anxiety|grief|stress|burnout|ptsd|trauma|insomnia|panic attacks?) "
        r"(?:is|are|can|often|affects?)\b",
        r"\bis a (?:normal|common|natural) (?:reaction|response|part|thing)\b",
        r"\bdid you know\b",
        r"\bthere are (?:many|a lot of|some|lots of|plenty of) (?:resources|websites|apps|ways|programs|jobs|"
        r"options|places|people)\b",
        r"\b(?:websites?|apps?|online|articles?|books?|programs?|courses?)\b",
    ),
    "collaborative-plan": _cue(
        r"\b(?:let's|let us|we (?:could|can|should)) (?:think|come up|figure|work|make|plan|brainstorm|try)\b",
        r"\b(?:first|next|small) step\b",
        r"\bwhat (?:small |first |next )?steps? (?:could|can|would|might)\b",
        r"\b(?:make|making|have|having) a plan\b",
        r"\btogether\b",
        r"\bset (?:a |some )?(?:small )?goals?\b",
    ),
    "suggest-option": _cue(
        r"\byou (?:could|can|might|may|should|need to|ought to) (?:always |also |perhaps |maybe )?(?:try|"
        r"consider|want to|think about|look|talk|start|ask|get|find|take|make|go|write|join|spend|do|set|"
        r"reach|focus|keep|speak|let|tell|use|call|contact|see|visit|read|listen|exercise|meditate|practi[cs]e|"
        r"journal|schedule|plan|apply|check|work on|give|seek|search|volunteer|attend|sign up|join|put|"
        r"treat|allow|learn|distract|change|move|avoid|remind|buy|call|explore|break|pray)\b",
        r"\bmaybe (?:you|try|it would|it might|consider|talking|taking|getting|doing|writing|going|setting)\b",
        r"\bperhaps (?:you|try|consider)\b",
        r"\bhave you (?:tried|considered|thought about|looked into)\b",
        r"\bwhy (?:don't|not) you\b",
        r"\b(?:how|what) about (?:trying|talking|taking|getting|doing|going|writing|looking|asking|making)\b",
        r"\bi (?:would|'d|will|do|can)? ?(?:suggest|recommend|advise|encourage)\b",
        r"\bit (?:might|may|could|would|can) (?:also )?(?:help|be (?:good|helpful|useful|a good idea|worth))\b",
        r"^\W*(?:try|consider|take|make|write|go|talk|start|find|remember|keep|focus)\b",
        r"\b(?:one|another) (?:thing|option|idea|way)\b",
        r"\bit (?:would|might) be (?:good|helpful|a good idea|nice|worth)\b",
        r"\b(?:my|some|a) (?:advice|suggestion|tip)\b",
    ),
    "invite-reflection": _cue(
        r"\bwhat (?:do|would) you (?:most |really |actually )?(?:want|need|value|hope|wish)\b",
        r"\bmatters? (?:most |still |the most )?to you\b",
        r"\bwhich (?:parts?|of (?:these|those|them)|would you) (?:\w+ ){0,4}(?:gave|give|matter|matters|want|choose)\b",
        r"\b(?:when you imagine|imagine yourself|thinking back over|looking back (?:on|over))\b",
        r"\bwhat (?:matters|is important) (?:most )?to you\b",
        r"\bhow would you like\b",
        r"\bwhat (?:would|could|might) (?:make|help) you\b",
        r"\bwhat do you think (?:you|would|might|could|is|about)\b",
        r"\bwhat would (?:it|that|you) (?:look like|need|take)\b",
        r"\bif you could\b",
        r"\bhow do you feel about\b",
        r"\bwhat (?:have you|do you) (?:learn\w*|think you)\b",
    ),
    "greet-close": _cue(
        r"^\W*(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening)|welcome)\b",
        r"\b(?:good)?bye\b",
        r"\btake care\b",
        r"\byou(?:'re| are)? welcome\b",
        r"\byour welcome\b",
        r"\bnice (?:to )?(?:meet|talking|chatting|speaking)\b",
        r"\bthank(?:s| you) for (?:sharing|chatting|talking|reaching|your time|coming|opening)\b",
        r"\bhave a (?:good|great|nice|wonderful|lovely|blessed) (?:day|night|evening|weekend|one)\b",
        r"\bglad (?:i could|to|that i) (?:help|have helped)\b",
        r"\bgood luck\b",
        r"\ball the best\b",
        r"\b(?:you too|you as well)\b",
    ),
}

# The first word of a question decides whether it invites talk or asks for a short answer.
OPEN_QUESTION = re.compile(
    r"^(?:what(?! you(?:'re| are) saying)|how|why|tell me|could you tell|can you tell|would you tell|would you like to tell|"
    r"can you describe|could you describe|describe|in what way|would you (?:mind )?(?:share|sharing|say more)|"
    r"can you (?:share|say more|explain|talk)|could you (?:share|say more|explain|talk))\b"
)
QUESTION_LEAD = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|oh|alright|now|also|then|hmm|um|i see)[,.!]?\s+)+"
)
SENTENCE = re.compile(r"[^.?!]+[.?!]*")
TELL_ME = re.compile(r"\b(?:tell me (?:more|about)|say more|can you elaborate|i'd like to hear)\b")

HARM_CUES: dict[str, Cue] = {
    "minimising": _cue(
        r"\bat least (?:you|it|they|he|she|that|this|there|your|it's|you're|you've|nobody|no one)\b",
        r"\bcould (?:be|have been) (?:a lot |much )?worse\b",
        r"\b(?:not|isn't|is not|no|it's no) (?:such )?a big deal\b",
        r"\b(?:it's|that's|it is|that is) (?:only|just) (?:a|an|one)\b",
        r"\bdon't be (?:so )?(?:sensitive|dramatic)\b",
        r"\b(?:overreact\w*|over-react\w*)",
        r"\b(?:others|other people|some people|many people) have it (?:much |way |a lot )?worse\b",
        r"\b(?:it's|it is|that's|that is) not (?:that|so) bad\b",
        r"\bit(?:'s| is) (?:really )?nothing\b",
    ),
    "blaming": _cue(
        r"\b(?:it's|it is|that's|that is|this is) (?:all )?your (?:own )?fault\b",
        r"\byou should(?:n't| not)? have\b",
        r"\byou brought (?:this|it|that) on\b",
        r"\bwhat did you expect\b",
        r"\byou only have yourself\b",
        r"\byour own doing\b",
        r"\byou asked for it\b",
        r"\byou (?:caused|made) (?:this|it) (?:happen)?\b",
    ),
    "toxic-positivity": _cue(
        r"\beverything happens for a reason\b",
        r"\b(?:just )?(?:stay|be|think|keep) (?:positive|happy)\b",
        r"\blook (?:on|at) the bright side\b",
        r"\bgood vibes\b",
        r"\bcheer up\b",
        r"\bdon't be sad\b",
        r"\bpositive thinking\b",
        r"\bsilver lining\b",
        r"\bchoose (?:to be )?happ\w+\b",
        r"\bjust smile\b",
        r"\bit(?:'s| is) all good\b",
    ),
    "dismissive": _cue(
        r"\bget over it\b",
        r"\bcalm down\b",
        r"\bjust (?:move on|let it go|relax|chill|ignore it|forget (?:it|about it))\b",
        r"\bstop (?:crying|complaining|worrying|whining|being so)\b",
        r"\bchill out\b",
        r"\byou(?:'re| are) (?:overthinking|being dramatic|too sensitive)\b",
        r"\bit'?s all in your head\b",
        r"\bsnap out of it\b",
        r"\b(?:man|toughen) up\b",
        r"\bdeal with it\b",
        r"\bnot my problem\b",
        r"\bwhatever\b",
    ),
}
