"""Intervention Units: support dialogues cut into (seeker state, intervention, change after it).

segment        consecutive same-speaker utterances merged into turns
outcome        which evidence decides the change: feedback > affect > survey > failed dialogue
extract        one IU per supporter turn, with stable ids (`esconv:train:0012:7`)
parallel       extraction across processes, to JSON lines (what `esc iu extract` runs)
labeller       the offline labeller: states, actions, strategy, affect, harms, behaviours
cues           lexical cues of seeker states and behaviours; action_cues: of support actions, harms
prefilter      the words and literals each cue alternative needs, so most are never run (and their
               table, esc_cli/assets/cue_anchors.json: python -m esc_cli.iu.prefilter --write)
strategy_model the learnt ESConv strategy model (weights in esc_cli/assets/strategy_weights.json)
train_strategy rebuilds those weights: python -m esc_cli.iu.train_strategy --help
minilm         the MiniLM sentence encoder in torch (optional `encoder` extra)
encoder_model  the encoder strategy model: MiniLM + low-rank adapters + the linear model
               (adapters in esc_cli/assets/strategy_adapter.json; `--strategy-model encoder`)
train_adapter  rebuilds those adapters: python -m esc_cli.iu.train_adapter --help
llm_labeller   the LLM labeller (prompts/iu_label.j2) through esc_cli.llm
records        the IU record; store: reading ius.jsonl; stats: the tables of `esc iu stats`
"""
