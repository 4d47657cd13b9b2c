"""The shared text encoder: one sentence-embedding model for the judge, the offline agent, the crisis
detector and the verify screen (DESIGN §6). See `encoder.py`.

The names below load `encoder.py` (and numpy) on first use, so `esc_cli.text.store`, which the CLI
imports to name the embedding store, costs nothing for commands that never embed a text.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from esc_cli.text.encoder import DIMENSION, MODEL_ID, TextEncoder, cosine, shared_encoder

__all__ = ["DIMENSION", "MODEL_ID", "TextEncoder", "cosine", "shared_encoder"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("esc_cli.text.encoder"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
