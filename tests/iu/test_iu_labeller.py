"""The offline labeller: seeker states, support actions, harms and behaviours from text alone."""

from __future__ import annotations

import pytest

from esc_cli import taxonomy
from esc_cli.iu import action_cues, cues
from esc_cli.iu.labeller import ACTION_IDS_BY_SALIENCE, STATE_ORDER, OfflineLabeller, default_labeller


@pytest.fixture(scope="module")
def labeller() -> OfflineLabeller:
    return default_labeller()


def test_cue_tables_are_keyed_by_taxonomy_ids() -> None:
    assert set(cues.STATE_CUES) <= set(taxonomy.STATE_IDS)
    assert set(STATE_ORDER) == set(cues.STATE_CUES)
    assert set(action_cues.ACTION_CUES) <= set(taxonomy.ACTION_IDS)
    assert sorted(ACTION_IDS_BY_SALIENCE) == sorted(taxonomy.ACTION_IDS)
    assert set(cues.BEHAVIOUR_CUES) <= set(taxonomy.BEHAVIOUR_IDS)
    assert set(action_cues.HARM_CUES) == set(cues.HARM_IDS)


def test_name_and_version(labeller: OfflineLabeller) -> None:
    assert labeller.name == "offline"
    assert labeller.tag == f"offline@{labeller.version}"
    assert default_labeller() is labeller


@pytest.mark.parametrize(
    ("text", "turn", "first"),
    [
        ("Hi there!", 0, "opening"),
        ("Hello, I'm so anxious about losing my job", 0, "opening"),
        ("ok bye, thank you so much", 6, "closing"),
        ("Sometimes I think there's no point living anymore", 3, "crisis-risk"),
        ("I want to end it all. What should I do?", 2, "crisis-risk"),
        ("I keep thinking I might hurt myself", 2, "crisis-risk"),
        ("I just don't want to be here anymore", 2, "crisis-risk"),
        ("Honestly, what should I do?", 2, "seeking-advice"),
        ("ok", 4, "withdrawal"),
        ("I guess", 4, "withdrawal"),
        ("It's all my fault. I'm a failure and I'm stupid.", 2, "self-blame"),
        ("Nothing will ever change, it's hopeless", 2, "hopelessness"),
        ("There is just too much going on, I can't cope", 2, "overwhelm"),
        ("I'm furious at my sister, she lied to me", 2, "anger-at-others"),
        ("I have no friends and I feel so lonely", 2, "loneliness"),
        ("I'm worried about what will happen next year", 2, "worry-future"),
        ("I already tried that, it won't work", 2, "resistance"),
        ("That really helps, I feel a bit better now", 2, "relief"),
        # Indirect phrasings: what most seekers actually write.
        ("How do I even start?", 2, "seeking-advice"),
        ("Any idea how I could tell him?", 3, "seeking-advice"),
        ("What would you do?", 3, "seeking-advice"),
        ("Would you help me work out what to say?", 3, "seeking-advice"),
        ("That won't work.", 3, "resistance"),
        ("I've tried that.", 3, "resistance"),
        ("I've read the leaflets. I know about screens before bed.", 3, "resistance"),
        ("If you're going to tell me to consider other careers, don't bother.", 3, "resistance"),
        ("Forget it.", 3, "withdrawal"),
        ("Let's leave it, shall we.", 3, "withdrawal"),
        ("Anyway, did you catch the match? Shocking collapse.", 3, "withdrawal"),
        ("It is what it is.", 3, "withdrawal"),
        ("Maybe I'm just lazy...", 3, "self-blame"),
        ("Maybe I should have checked his part.", 3, "self-blame"),
        ("What's the point of telling anyone anything.", 3, "hopelessness"),
        ("People have stopped calling. Nobody listens.", 3, "loneliness"),
        ("The hearing is in nine days and I can't afford a lawyer.", 3, "worry-future"),
        ("I think I'll ring my sister tomorrow.", 3, "relief"),
        ("I hadn't thought of it like that.", 3, "relief"),
        ("Cheers, bye for now.", 3, "closing"),
    ],
)
def test_seeker_states(labeller: OfflineLabeller, text: str, turn: int, first: str) -> None:
    assert labeller.seeker_states(text, turn=turn)[0] == first


def test_a_crisis_cue_outweighs_relief_and_leave_taking(labeller: OfflineLabeller) -> None:
    cue = "Some nights I think I don't want to wake up any more. Everyone would cope. They'd be relieved."
    assert labeller.seeker_states(cue, turn=3) == ["crisis-risk"]
    for indirect in (
        "Sometimes I wish I just didn't wake up.",
        "I just want to not be here any more.",
        "The family would be better off without me.",
        "Some days I want to disappear.",
        "I want to say goodbye to everyone.",
    ):
        assert labeller.seeker_states(indirect, turn=3)[0] == "crisis-risk", indirect
    for ordinary in (
        "My alarm didn't go off and I didn't wake up until noon.",
        "I won't be here next week, I'm on holiday.",
        "He just disappeared from my life.",
        "I'm better off without him.",
        "I feel relieved, thank you so much, bye",
    ):
        assert "crisis-risk" not in labeller.seeker_states(ordinary, turn=3), ordinary


def test_a_plan_inside_a_question_is_not_relief(labeller: OfflineLabeller) -> None:
    assert "relief" not in labeller.seeker_states("Any idea how I could tell him?", turn=3)
    assert "relief" in labeller.seeker_states("I could tell him on Sunday.", turn=3)


def test_seeker_states_fall_back_by_length_and_affect(labeller: OfflineLabeller) -> None:
    story = "My landlord came by this morning and said the building will be sold next month to a developer."
    assert labeller.seeker_states(story, turn=2) == ["emotion-unnamed"]
    rant = (
        "Everything went wrong today, my car broke down, I missed the interview, my phone died, "
        "it rained the whole way home and then my neighbour shouted at me for no reason at all, terrible"
    )
    assert "venting" in labeller.seeker_states(rant, turn=2)
    assert labeller.seeker_states("hello", turn=5) != ["opening"]
    # A telling state makes the fallbacks unnecessary, however long the message.
    assert labeller.seeker_states(story + " Should I move out now or wait for the notice?", turn=2) == [
        "seeking-advice"
    ]
    for text in ("", "...", "Sure, I can tell you more about it", "I feel sad"):
        states = labeller.seeker_states(text, turn=3)
        assert states and set(states) <= set(taxonomy.STATE_IDS)


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("Are you having thoughts of hurting yourself?", "safety-check"),
        ("Can I ask, have you thought about suicide?", "safety-check"),
        ("Are you safe right now?", "safety-check"),
        ("Please call a crisis line, or the emergency number 911.", "refer-resource"),
        ("It might help to talk to a therapist or a counsellor.", "refer-resource"),
        ("Could you reach out to someone you trust tonight?", "refer-resource"),
        ("It sounds like you feel really alone right now.", "reflect-feeling"),
        ("So what you're saying is that your boss never listens?", "restatement"),
        ("That makes sense. Anyone would feel that way.", "validate-normalise"),
        ("You could try writing your thoughts down.", "suggest-option"),
        ("Maybe you can go for a short walk.", "suggest-option"),
        ("I've been through a breakup too, when I was in college.", "self-disclosure"),
        ("It took a lot of courage to tell me that, I'm proud of you.", "affirm-strength"),
        ("Things will get better, I'm here for you.", "reassure"),
        ("Let's think together about a first step.", "collaborative-plan"),
        ("Studies show that grief comes in waves.", "inform-psychoeducate"),
        ("Is there another way to look at it?", "reframe"),
        ("What do you want most out of this?", "invite-reflection"),
        ("To sum up, you feel stuck between work and home.", "summarise"),
        ("What happened after that?", "open-question"),
        ("How did that make you feel?", "open-question"),
        ("Did you tell him?", "closed-question"),
        ("So, is that something you do often?", "closed-question"),
        ("Hello! Nice to meet you.", "greet-close"),
        ("You're welcome, take care!", "greet-close"),
    ],
)
def test_support_actions_from_text_alone(labeller: OfflineLabeller, text: str, action: str) -> None:
    assert action in labeller.support_actions(text)


def test_support_actions_lead_with_the_annotated_strategy(labeller: OfflineLabeller) -> None:
    text = "I'm sorry you're going through this. What happened?"
    assert labeller.support_actions(text, strategy="Question")[0] == "open-question"
    assert labeller.support_actions(text, strategy="Affirmation and Reassurance")[0] == "reassure"
    # An annotation the cues did not see still yields its primary action first.
    assert labeller.support_actions("hmm", strategy="Self-disclosure") == ["self-disclosure"]
    # FailedESConv's raw spelling is understood.
    assert labeller.support_actions("Why?", strategy="Questions") == ["open-question"]


def test_support_actions_never_empty(labeller: OfflineLabeller) -> None:
    for text in ("", "hmm", "ok", "The weather is grey today."):
        actions = labeller.support_actions(text)
        assert actions and set(actions) <= set(taxonomy.ACTION_IDS)


def test_strategy_is_canonical(labeller: OfflineLabeller) -> None:
    assert labeller.strategy("How long have you felt this way?") == "Question"
    assert labeller.strategy("I went through something similar last year.") == "Self-disclosure"
    assert labeller.strategy("") in taxonomy.ESCONV_STRATEGIES


def test_affect_is_vader_compound(labeller: OfflineLabeller) -> None:
    assert labeller.affect("I am so happy and grateful, thank you!") > 0.5
    assert labeller.affect("I feel awful, hopeless and alone.") < -0.5
    assert labeller.affect("") == 0.0
    assert -1.0 <= labeller.affect("The bus is at nine.") <= 1.0


@pytest.mark.parametrize(
    ("text", "harms"),
    [
        ("At least you still have a job. It could be worse.", ["minimising"]),
        ("Honestly it's not a big deal.", ["minimising"]),
        ("Well, it's your fault. You should have known.", ["blaming"]),
        ("Everything happens for a reason!", ["toxic-positivity"]),
        ("Just stay positive and look on the bright side.", ["toxic-positivity"]),
        ("Get over it and calm down.", ["dismissive"]),
        ("That sounds really hard. Do you want to tell me more?", []),
        ("It might help to move on to a new job at least for a while.", []),
    ],
)
def test_harmful(labeller: OfflineLabeller, text: str, harms: list[str]) -> None:
    assert labeller.harmful(text) == harms


def test_behaviours(labeller: OfflineLabeller) -> None:
    reply = "Thanks, that's a good idea, I'll try it tonight."
    assert labeller.behaviours(reply, actions=["suggest-option"]) == [
        "thanks",
        "expresses-relief",
        "accepts-suggestion",
    ]
    assert labeller.behaviours("I already tried that, it won't work.", actions=["suggest-option"]) == [
        "rejects-suggestion"
    ]
    assert labeller.behaviours("ok", actions=["open-question"]) == ["disengages"]
    assert labeller.behaviours("Yes, exactly.") == ["agrees"]
    assert "escalates-distress" in labeller.behaviours("Nothing will ever change. I want to die.")
    detail = "My mother also lost her job last spring and my brother moved back home with his kids."
    assert labeller.behaviours(detail, before="I lost my job.") == ["shares-new-detail"]
    assert labeller.behaviours("") == []


def test_intensity_and_stage(labeller: OfflineLabeller) -> None:
    states = labeller.seeker_states("I want to kill myself", turn=2)
    assert labeller.intensity("I want to kill myself", states) >= 0.95
    assert labeller.stage(["seeking-advice"]) == "action"
    assert 0.0 <= labeller.intensity("a calm day", ["venting"]) <= 1.0


def test_safety_actions_lead_whatever_the_annotation(labeller: OfflineLabeller) -> None:
    text = "Have you talked to someone about this? Are you safe right now?"
    assert labeller.support_actions(text, strategy="Question")[:3] == [
        "safety-check",
        "refer-resource",
        "closed-question",
    ]
    assert labeller.support_actions("Please call a crisis line.", strategy="Information") == [
        "refer-resource"
    ]


def test_idioms_are_not_crisis_cues(labeller: OfflineLabeller) -> None:
    for text in ("This deadline is killing me", "We decided to end things last week"):
        assert "crisis-risk" not in labeller.seeker_states(text, turn=2)
    for text in ("I have nothing to live for", "I can't go on like this", "I'd rather be dead"):
        assert labeller.seeker_states(text, turn=2)[0] == "crisis-risk"
