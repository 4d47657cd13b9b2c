"""Skill discovery: Intervention Units to prototypes, prototypes to skills with evidence (DESIGN §7).

Kept import-free, like `esc_cli.sim`, so importing a piece loads only what it needs. One idea a module:

    prototypes    key IUs grouped by (primary seeker state, primary action)
    effects       an action family's lift over the usual move in a state: where it helps, where it hurts
    risks         warning signs after failed IUs (behaviours, harmful phrasing) as a skill's risks
    excerpts      which successful IUs to quote, in the example format, with the CC BY-NC attribution
    merge         prototypes merged into skill plans by (action family, stage), plus the crisis plan
    turns, routing  supporter-turn clocks; turn windows and priorities for the router
    frontmatter   a plan's front matter; writer_offline / writer_llm write its prose
    crisis        carrying the crisis skill when the data cannot supply it
    pipeline      discover(ius, current=..., writer=...) -> Discovery
    claims, why   the IUs behind each claim of a skill (`esc skill why`)
    changes       the reviewable diff against the bank, and applying it
    validate      the project's lint on a discovered bank
    strategy_eval response-level strategy accuracy (`esc eval strategy`)
"""
