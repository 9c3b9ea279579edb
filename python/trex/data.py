"""Reads a Trex data directory (docs/TREX_DATA.md) through numpy memmaps and builds batches."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import Tensor

from model import NO_VALUE

FORMAT = 1


@dataclass(frozen=True)
class Meta:
    window: int
    sequences: int
    functions: int
    vocab: int
    archs: list[str]
    kind: str  # "pretrain" | "finetune"


@dataclass
class Batch:
    """Model inputs as int64 (mask float32), trimmed to the longest real sequence."""
    code: Tensor  # B×T
    value: Tensor  # B×T×8 byte ids, 256 where the token has no value
    ipos: Tensor
    opos: Tensor
    arch: Tensor  # B×T (the sequence's arch repeated)
    mask: Tensor  # B×T float32, 1 real / 0 padding
    hasvalue: Tensor  # B×T bool (true value exists; decides the value loss)
    length: Tensor  # B int64 real tokens

    def inputs(self) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        return self.code, self.value, self.ipos, self.opos, self.arch, self.mask

    def tokens(self) -> int:
        return int(self.length.sum())


class TrexData:
    def __init__(self, directory: str) -> None:
        self.dir = directory
        with open(os.path.join(directory, "meta.json")) as f:
            m: dict[str, Any] = json.load(f)
        if m.get("format") != FORMAT:
            raise ValueError(f"{directory}: data format {m.get('format')}, expected {FORMAT}")
        self.meta = Meta(int(m["window"]), int(m["sequences"]), int(m["functions"]),
                         int(m["vocab"]), list(m["archs"]), str(m["kind"]))
        n, w = self.meta.sequences, self.meta.window
        self.code = self._map("code.u16", "<u2", (n, w))
        self.value = self._map("value.u8", "u1", (n, w, 8))
        self.hasvalue = self._map("hasvalue.u8", "u1", (n, w))
        self.ipos = self._map("ipos.u8", "u1", (n, w))
        self.opos = self._map("opos.u8", "u1", (n, w))
        self.arch = self._map("arch.u8", "u1", (n,))
        self.length = np.asarray(self._map("length.u16", "<u2", (n,)), dtype=np.int64)
        self.function = np.asarray(self._map("function.i32", "<i4", (n,)), dtype=np.int64)
        if self.meta.kind == "finetune":
            f = self.meta.functions
            self.group = np.asarray(self._map("group.i32", "<i4", (f,)), dtype=np.int64)
            self.split = np.asarray(self._map("split.u8", "u1", (f,)), dtype=np.int64)

    def _map(self, name: str, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
        path = os.path.join(self.dir, name)
        expected = int(np.prod(shape)) * np.dtype(dtype).itemsize
        if os.path.getsize(path) != expected:
            raise ValueError(f"{path}: {os.path.getsize(path)} bytes, expected {expected} for {shape}")
        if expected == 0:  # np.memmap refuses empty files
            return np.zeros(shape, dtype=dtype)
        return np.memmap(path, dtype=dtype, mode="r", shape=shape)

    def batch(self, idx: np.ndarray, values: bool = True) -> Batch:
        """Sequences `idx` as tensors; `values=False` turns every value into `##` (code-only)."""
        idx = np.asarray(idx, dtype=np.int64)
        length = self.length[idx]
        t = max(1, int(length.max())) if len(idx) else 1  # trim padding columns: saves compute
        real = np.arange(t)[None, :] < length[:, None]
        has = (self.hasvalue[idx, :t] != 0) & real
        if values:
            value = np.where(has[..., None], self.value[idx, :t].astype(np.int64), NO_VALUE)
        else:
            value = np.full((len(idx), t, 8), NO_VALUE, dtype=np.int64)
            has = np.zeros_like(has)
        arch = np.repeat(self.arch[idx].astype(np.int64)[:, None], t, axis=1)
        return Batch(
            code=torch.from_numpy(np.where(real, self.code[idx, :t], 0).astype(np.int64)),
            value=torch.from_numpy(value),
            ipos=torch.from_numpy(np.where(real, self.ipos[idx, :t], 0).astype(np.int64)),
            opos=torch.from_numpy(np.where(real, self.opos[idx, :t], 0).astype(np.int64)),
            arch=torch.from_numpy(arch),
            mask=torch.from_numpy(real.astype(np.float32)),
            hasvalue=torch.from_numpy(has),
            length=torch.from_numpy(length.copy()),
        )

    def chunks_by_function(self) -> list[np.ndarray]:
        """For each function 0…F−1, the indices of its sequences (chunks) in file order."""
        order = np.argsort(self.function, kind="stable")
        bounds = np.searchsorted(self.function[order], np.arange(self.meta.functions + 1))
        return [order[bounds[f]:bounds[f + 1]] for f in range(self.meta.functions)]


def write_data_dir(directory: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Writes a data directory (used by the self-test and benchmarks; TypeScript writes the real ones)."""
    os.makedirs(directory, exist_ok=True)
    dtypes = {"code.u16": "<u2", "value.u8": "u1", "hasvalue.u8": "u1", "ipos.u8": "u1",
              "opos.u8": "u1", "arch.u8": "u1", "length.u16": "<u2", "function.i32": "<i4",
              "group.i32": "<i4", "split.u8": "u1"}
    for name, arr in arrays.items():
        np.ascontiguousarray(arr, dtype=dtypes[name]).tofile(os.path.join(directory, name))
    with open(os.path.join(directory, "meta.json"), "w") as f:
        json.dump({"format": FORMAT, **meta}, f)
