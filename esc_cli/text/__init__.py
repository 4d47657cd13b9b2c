"""The shared text encoder: one sentence-embedding model for the judge, the offline agent, the crisis
detector and the verify screen (DESIGN §6). See `encoder.py`."""

from __future__ import annotations

from esc_cli.text.encoder import DIMENSION, MODEL_ID, TextEncoder, cosine, shared_encoder

__all__ = ["DIMENSION", "MODEL_ID", "TextEncoder", "cosine", "shared_encoder"]
