"""The Trex encoder (Pei et al., "Trex", TSE 2022), sized for CPU training.

Inputs and outputs follow docs/TREX_DATA.md. The transformer layer is written out here rather
than taken from nn.TransformerEncoder so that the ONNX graph is plain MatMul/Softmax with an
additive mask (no fused kernels, no -inf, no NaN for fully padded rows).
"""
from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

BYTE_VOCAB = 258  # 0-255 bytes, 256 `##` (no value), 257 `<mask>`
NO_VALUE = 256
MASK_BYTE = 257
VALUE_BYTES = 8
MAX_IPOS = 256  # ipos is capped at 255 by the data writer
MAX_OPOS = 16  # opos is capped at 15
MASK_BIAS = -1e9  # finite, so a row with no real key still softmaxes without NaN


@dataclass(frozen=True)
class TrexConfig:
    vocab: int  # code-token vocabulary size (ids 0-3 special)
    archs: int  # number of architecture ids
    layers: int = 4
    width: int = 256
    heads: int = 4
    ffn: int = 1024
    dim: int = 128  # output embedding size D
    dropout: float = 0.1
    byte_dim: int = 16  # byte embedding size in the value encoder
    byte_channels: int = 32  # conv channels per byte position

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "TrexConfig":
        return TrexConfig(**d)


class ValueEncoder(nn.Module):
    """Hierarchical value embedding: byte embeddings, a 1-D convolution across the 8 byte
    positions (so neighbouring bytes combine, e.g. sign extension), then the flattened
    per-position features projected to the model width (flattening keeps byte order)."""

    def __init__(self, width: int, byte_dim: int, channels: int) -> None:
        super().__init__()
        self.byte_dim = byte_dim
        self.bytes = nn.Embedding(BYTE_VOCAB, byte_dim)
        self.conv = nn.Conv1d(byte_dim, channels, kernel_size=3, padding=1)
        self.proj = nn.Linear(VALUE_BYTES * channels, width)

    def forward(self, value: Tensor) -> Tensor:  # B×T×8 -> B×T×width
        b, t = value.shape[0], value.shape[1]
        x = self.bytes(value).reshape(-1, VALUE_BYTES, self.byte_dim).transpose(1, 2)
        x = F.gelu(self.conv(x))  # (B·T)×C×8
        return self.proj(x.flatten(1)).reshape(b, t, -1)


class EncoderLayer(nn.Module):
    """Pre-norm transformer layer: x + Attn(LN(x)), then x + FFN(LN(x)). Dropout acts on the
    two residual branches only: dropout on the B×H×T×T attention weights and on the FFN hidden
    layer cost about a sixth of a CPU training step (bernoulli sampling) for little gain."""

    def __init__(self, width: int, heads: int, ffn: int, dropout: float) -> None:
        super().__init__()
        assert width % heads == 0, "width must be a multiple of heads"
        self.heads = heads
        self.head_dim = width // heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.ff1 = nn.Linear(width, ffn)
        self.ff2 = nn.Linear(ffn, width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: Tensor, bias: Tensor) -> Tensor:
        """x: B×T×W; bias: B×1×1×T additive key mask (0 real, MASK_BIAS padding)."""
        b, t = x.shape[0], x.shape[1]
        qkv = self.qkv(self.norm1(x)).reshape(b, t, 3, self.heads, self.head_dim)
        qkv = qkv.permute(2, 0, 3, 1, 4)  # 3×B×H×T×Dh
        # scale q rather than the scores: T/Dh times fewer multiplications
        q, k, v = qkv[0] * (1.0 / math.sqrt(self.head_dim)), qkv[1], qkv[2]
        scores = torch.matmul(q, k.transpose(-1, -2))
        attn = torch.softmax(scores + bias, dim=-1)
        ctx = torch.matmul(attn, v).transpose(1, 2).reshape(b, t, -1)
        x = x + self.drop(self.out(ctx))
        h = self.ff2(F.gelu(self.ff1(self.norm2(x))))
        return x + self.drop(h)


class MlmHead(nn.Module):
    """BERT-style prediction head: dense, GELU, LayerNorm, then the class scores."""

    def __init__(self, width: int, classes: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width, width)
        self.norm = nn.LayerNorm(width)
        self.decoder = nn.Linear(width, classes)

    def forward(self, h: Tensor) -> Tensor:
        return self.decoder(self.norm(F.gelu(self.dense(h))))


class TrexEncoder(nn.Module):
    def __init__(self, cfg: TrexConfig) -> None:
        super().__init__()
        self.cfg = cfg
        w = cfg.width
        self.code = nn.Embedding(cfg.vocab, w)
        self.value = ValueEncoder(w, cfg.byte_dim, cfg.byte_channels)
        self.ipos = nn.Embedding(MAX_IPOS, w)
        self.opos = nn.Embedding(MAX_OPOS, w)
        self.arch = nn.Embedding(cfg.archs, w)
        self.embed_norm = nn.LayerNorm(w)
        self.embed_drop = nn.Dropout(cfg.dropout)
        self.layers = nn.ModuleList(
            [EncoderLayer(w, cfg.heads, cfg.ffn, cfg.dropout) for _ in range(cfg.layers)]
        )
        self.final_norm = nn.LayerNorm(w)  # pre-norm stacks need a norm on the output
        self.code_head = MlmHead(w, cfg.vocab)
        self.value_head = MlmHead(w, VALUE_BYTES * 256)  # 8 bytes × 256 classes
        # Similarity head tanh(x·W1)·W2. No bias on W2: a shared offset would pull every
        # embedding towards one direction and inflate all cosines.
        self.sim_w1 = nn.Linear(w, w)
        self.sim_w2 = nn.Linear(w, cfg.dim, bias=False)
        self.apply(_init_weights)

    def encode(
        self, code: Tensor, value: Tensor, ipos: Tensor, opos: Tensor, arch: Tensor, mask: Tensor
    ) -> Tensor:
        """The last layer's token vectors, B×T×W (after the final LayerNorm)."""
        x = self.code(code) + self.value(value) + self.ipos(ipos) + self.opos(opos) + self.arch(arch)
        x = self.embed_drop(self.embed_norm(x))
        bias = ((1.0 - mask) * MASK_BIAS)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return self.final_norm(x)

    def pool(self, hidden: Tensor, mask: Tensor) -> Tensor:
        """Masked mean over real tokens, then the similarity head: B×D (not normalised)."""
        m = mask.unsqueeze(-1)
        mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.sim_w2(torch.tanh(self.sim_w1(mean)))

    def forward(
        self, code: Tensor, value: Tensor, ipos: Tensor, opos: Tensor, arch: Tensor, mask: Tensor
    ) -> Tensor:
        """The exported graph: per-sequence `embedding`, B×D."""
        return self.pool(self.encode(code, value, ipos, opos, arch, mask), mask)

    def mlm_logits(self, hidden: Tensor) -> tuple[Tensor, Tensor]:
        """hidden: M×W at the chosen positions -> (M×vocab code scores, M×8×256 byte scores)."""
        return self.code_head(hidden), self.value_head(hidden).reshape(-1, VALUE_BYTES, 256)


def _init_weights(m: nn.Module) -> None:
    # BERT's N(0, 0.02) keeps the initial sum of five embeddings at a sane scale.
    if isinstance(m, (nn.Linear, nn.Embedding, nn.Conv1d)):
        nn.init.normal_(m.weight, std=0.02)
        if getattr(m, "bias", None) is not None:
            nn.init.zeros_(m.bias)


def save_model(path: str, model: TrexEncoder, extra: dict[str, Any] | None = None) -> None:
    """model.pt: weights + hyperparameters (+ vocab size inside the config)."""
    blob = {"format": 1, "config": model.cfg.to_dict(), "vocab": model.cfg.vocab,
            "state": model.state_dict(), **(extra or {})}
    atomic_save(blob, path)


def load_model(path: str) -> TrexEncoder:
    blob = torch.load(path, map_location="cpu")
    model = TrexEncoder(TrexConfig.from_dict(blob["config"]))
    model.load_state_dict(blob["state"])
    return model


def atomic_save(obj: Any, path: str) -> None:
    """Write to a temp file and rename, so a crash never leaves a half-written file."""
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)
