"""Training inputs shared by the heads that read n-grams and nearest seeds: the crisis cue head
(`esc_cli.safety.train`) and the judge's harm head (`esc_cli.judge.train`).

At run time the heads read these inputs with `heads.lexicon_input` and `heads.nearest_similarity`;
while fitting, a training row must not be compared with its own family or seed line, and the n-grams
become one sparse column each. Needs scipy (a training dependency, never a runtime one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from esc_cli.safety.heads import ngrams


def nearest_outside(
    rows: npt.NDArray[np.floating[Any]],
    own: Sequence[Any] | npt.NDArray[Any],
    bank: npt.NDArray[np.floating[Any]],
    bank_own: Sequence[Any] | npt.NDArray[Any],
    k: int,
) -> npt.NDArray[np.float64]:
    """Mean cosine of each row to its k nearest bank rows, leaving out the bank rows of the row's own
    group (`own[i]` against `bank_own[j]`: a family, or a seed line). 0 for an empty bank."""
    if bank.shape[0] == 0:
        return np.zeros(rows.shape[0])
    sims = rows.astype(np.float64) @ bank.astype(np.float64).T
    sims[np.asarray(own)[:, None] == np.asarray(bank_own)[None, :]] = -1.0
    k = min(k, bank.shape[0])
    result: npt.NDArray[np.float64] = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
    return result


def lexicon_matrix(
    texts: Sequence[str], vocabulary: Sequence[str], longest: int, scale: float = 1.0, dtype: Any = np.float64
) -> Any:
    """One sparse row per text, one column per vocabulary n-gram: scale / sqrt(how many of them the
    text has) where present, as `heads.lexicon_input` sums the shipped weights."""
    from scipy import sparse

    column = {g: c for c, g in enumerate(vocabulary)}
    lexical = sparse.lil_matrix((len(texts), len(vocabulary)), dtype=dtype)
    for r, text in enumerate(texts):
        present = [column[g] for g in ngrams(text, longest) if g in column]
        for c in present:
            lexical[r, c] = scale / np.sqrt(len(present))
    return lexical.tocsr()
