"""Simulated SAGE seekers, the skill-routed agent, and the runs they make (DESIGN §5-§6).

Kept import-free so `esc_cli.sim.router` loads nothing else. The pieces, one idea a module:

    protocol      SAGE's rules: emotion 0..100 from 40, changes in [-10, 10], stops, goodbyes
    router        route_skills(states, turn, skills, recent=..., limit=2)
    engines       the Agent / Seeker protocols and their per-dialogue sessions
    agent_offline the bank-driven offline agent and the --no-skills baseline
    seeker_offline the offline seeker: outcome table + rules (rules.py) + crisis (crisis.py)
    agent_llm, seeker_llm   the model-backed roles (prompts/agent.j2, seeker_analyze.j2, seeker_reply.j2)
    outcome       the outcome table: calibrate from IUs, the packaged default
    dialogue      one dialogue; runner: simulate / simulate_sync; summary: summarise
    runfolder     a run folder with resume; runstore: reading and writing its files; records: the format
    compare       paired comparison of two runs
"""
