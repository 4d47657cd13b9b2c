"""Which excerpts discovery quotes: the lines that fit other seekers of the skill come first."""

from __future__ import annotations

from discover_helpers import iu

from esc_cli.discover.config import DiscoveryConfig
from esc_cli.discover.excerpts import example_ius, portability
from esc_cli.iu.records import IU

GENERIC = [
    "That sounds really hard. How are you feeling about all of it right now?",
    "It makes sense that you feel low after something like that. What has been the hardest part?",
    "I'm sorry you're going through this. How long have you been feeling this way?",
    "That is a lot to carry on your own. How are you coping day to day?",
]
SPECIFIC = "Tell me about Biscuit's favourite walk along the canal in Leeds, and the red lead you bought him."
SEEKERS = [
    "I lost my job last week and I can't stop thinking about it.",
    "My girlfriend left me and the flat feels so empty now.",
    "I failed my exams again and my parents are so disappointed.",
    "My mum is ill and I feel like I'm falling apart.",
    "I've been so lonely since I moved to a new city.",
]


def _ius() -> list[IU]:
    # The specific line has the largest change, so the strongest-first order would quote it first.
    records = [iu(1, "venting", "reflect-feeling", 4.0, text=SPECIFIC, seeker=SEEKERS[0])]
    records += [
        iu(n + 2, "venting", "reflect-feeling", 3.0 - n / 5, text=text, seeker=SEEKERS[n + 1])
        for n, text in enumerate(GENERIC)
    ]
    return [IU.model_validate(r) for r in records]


def test_a_line_said_to_one_seeker_fits_the_others_less_than_a_line_that_travels() -> None:
    fits = portability(_ius())
    specific = fits["esconv:train:0001:2"]
    assert all(specific < fits[f"esconv:train:{n + 2:04d}:2"] for n in range(len(GENERIC)))


def test_discovery_quotes_the_lines_that_travel_before_the_strongest_one() -> None:
    chosen = example_ius(_ius(), DiscoveryConfig(max_examples=3))
    assert len(chosen) == 3
    assert SPECIFIC not in [c.action.text for c in chosen]


def test_with_no_more_candidates_than_examples_all_are_quoted_strongest_first() -> None:
    ius = _ius()[:2]
    assert [c.id for c in example_ius(ius, DiscoveryConfig(max_examples=3))] == [i.id for i in ius]
