"""Self-evolution of the bank (DESIGN §7, issue 7): traces -> findings -> proposals -> paired checks
-> one git commit per accepted edit on `esc/evolve/<date>-<slug>`. Evolution reads only the train
profiles; `profiles/verify` belongs to the CI gate.

Kept import-free. The pieces, one idea a module:

    findings          Finding and TraceEvidence: category, kind, skill, observable states, strength
    traces            the flat turn view the analysts read, evidence excerpts, grouping
    missing, unsafe, profile_failures   the offline analyst's three categories; risk_match: known risks
    analysis          the Analyst protocol and the offline analyst; llm_analyst: prompts/evolve_analyze.j2
    operations        edits on one skill (version bump + evidence); newskills: restore or template
    proposals         Proposal = edit steps for one finding; materialise() applies them
    proposer          the offline proposer's rules; llm_proposer: prompts/evolve_propose.j2
    bankstate         banks in memory, lint of an edit on a temporary copy, changed files
    checking          the acceptance rule on paired runs (settings.AcceptanceRule)
    loop              the Evolver: rounds of analyse, propose, check, keep
    sources, pipeline, outputs, branch, prdesc   `esc evolve`: read the base ref and the train
                      profiles, write the outputs, commit and push the branch, the PR description
"""
