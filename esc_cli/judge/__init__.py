"""The offline judge, version 3 (DESIGN §6): a learned reading of a reply in its context.

turns.py      human-rated material as judged turns (context, reply, the seeker's rating)
features.py   the one feature map from (context, reply) to numbers, for training and judging
heads.py      the shipped heads (esc_cli/assets/judge_heads.json): load and apply
reading.py    `read_reply`: relevance, quality, harm kinds and the learned change of one reply
train.py      `python -m esc_cli.judge.train`: rebuild the heads from train and valid data
validity.py   `esc eval judge`: agreement with real seekers, relevance, failed vs successful, pairs
"""
