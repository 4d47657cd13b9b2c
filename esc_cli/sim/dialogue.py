"""One simulated dialogue under the SAGE protocol, whatever engines play the two roles.

The loop: the seeker opens; then, up to `max_turns` times, the agent replies, the seeker judges the
reply (the signed change), the emotion moves, and unless that ends the dialogue (100, below 10, or the
last turn) the seeker answers; a goodbye in the answer ends it too. `max_turns` counts agent replies,
each followed by the seeker's reaction, so a full dialogue has at most 10 seeker reactions.
"""

from __future__ import annotations

from esc_cli.sim.engines import Agent, Seeker, SeekerMessage, Utterance
from esc_cli.sim.profile import Profile
from esc_cli.sim.protocol import MAX_TURNS, MAX_TURNS_REACHED, apply_change, stop_reason
from esc_cli.sim.records import Dialogue, Turn
from esc_cli.sim.seeds import dialogue_seed


async def run_dialogue(
    agent: Agent, seeker: Seeker, profile: Profile, seed_index: int, *, max_turns: int = MAX_TURNS
) -> Dialogue:
    """Play one dialogue between `agent` and a seeker with `profile`, under seed index `seed_index`."""
    agent_side = agent.session(dialogue_seed(profile.id, seed_index))
    # The agent learns where the seeker lives, as a deployment would know the user's country.
    tell_locale = getattr(agent_side, "set_locale", None)
    if tell_locale is not None:
        tell_locale(profile.locale)
    seeker_side = seeker.session(profile, seed_index)
    first = seeker_side.first_message()
    history = [Utterance("seeker", first)]
    emotion = profile.emotion_start
    turns: list[Turn] = []
    outcome = stop_reason(emotion, False, 0, max_turns) or MAX_TURNS_REACHED
    for index in range(max_turns if outcome == MAX_TURNS_REACHED else 0):
        seeker_before = history[-1].text
        reply = await agent_side.reply(list(history), index)
        history.append(Utterance("agent", reply.text))
        judgement = await seeker_side.judge(reply, list(history), index, emotion)
        emotion = apply_change(emotion, judgement.change)
        reason = stop_reason(emotion, False, index + 1, max_turns)
        message = SeekerMessage("")
        if not reason:
            message = await seeker_side.respond(list(history), index, emotion, judgement)
            history.append(Utterance("seeker", message.text))
            reason = stop_reason(emotion, message.goodbye, index + 1, max_turns)
        turns.append(
            Turn(
                index=index,
                seeker_before=seeker_before,
                seeker_states=list(reply.states),
                agent=reply.text,
                skills=list(reply.skills),
                strategy=reply.strategy,
                actions=list(judgement.actions),
                change=judgement.change,
                emotion=emotion,
                reasoning=judgement.reasoning,
                seeker_after=message.text,
                safety=list(judgement.safety),
                off_topic=judgement.off_topic,
                safety_net=reply.safety_net,
                safety_net_replaced=reply.net_replaced,
            )
        )
        if reason:
            outcome = reason
            break
    return Dialogue(
        profile=profile.id,
        seed=seed_index,
        personality=profile.personality,
        intention=profile.intention,
        risk=profile.risk,
        first_message=first,
        emotion_start=profile.emotion_start,
        turns=turns,
        final_emotion=emotion,
        outcome=outcome,
    )
