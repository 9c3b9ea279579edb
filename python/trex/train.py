#!/usr/bin/env python3
"""Trains and exports the Trex encoder (docs/TREX_DATA.md).

  train.py pretrain --data DIR --out RUN [...]   masked LM on micro-trace sequences
  train.py finetune --data DIR --out RUN --init RUN_OR_MODEL_PT|none [...]
  train.py export   --model RUN/model.pt --out model.onnx
  train.py embed    --model RUN/model.pt --data DIR --out FILE   (float32 N×D, raw)

A training run keeps everything in RUN: checkpoint.pt (resumable), model.pt, log.jsonl.
Batches and masks are drawn from generators keyed by (seed, step), so a resumed run sees
exactly the batches an uninterrupted one would; only dropout uses the global torch RNG,
whose state the checkpoint carries.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
import warnings
from typing import Any, Callable, Optional, Protocol

# Before torch loads OpenMP: with spinning waits, two threads on a busy 2-core machine ran a
# step 4× slower than one thread (a worker spins while its peer is descheduled).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import Tensor  # noqa: E402

from data import Batch, TrexData  # noqa: E402
from model import (MASK_BYTE, VALUE_BYTES, TrexConfig, TrexEncoder, atomic_save, load_model,
                   save_model)

MASK_ID = 1  # `<mask>` code token
FIRST_REAL_ID = 4  # ids 0-3 are special; random replacements draw from 4…V−1
MASK_RATE = 0.2
VALUE_WEIGHT = 0.125  # α per byte: 8 × 0.125 makes code and value losses weigh the same
NEG_PER_POS = 5  # cosine fine-tuning: 1 similar : 5 dissimilar
COSINE_MARGIN = 0.1
VAL_SEED = 20241  # validation masks and pairs are fixed across runs and seeds, so runs compare
INPUT_NAMES = ["code", "value", "ipos", "opos", "arch", "mask"]


# ---------------------------------------------------------------------------------------------
# Shared training loop


class Task(Protocol):
    def loss(self, model: TrexEncoder, step: int) -> tuple[Tensor, int, dict[str, float]]:
        """The loss of training step `step`, the real tokens it used, extra numbers to log."""
        ...

    def validate(self, model: TrexEncoder) -> dict[str, float]:
        ...


def lr_factor(args: argparse.Namespace) -> Callable[[int], float]:
    """Linear warm-up to the peak, then linear or cosine decay to 0 at --steps."""
    warmup = args.warmup if args.warmup is not None else max(1, args.steps // 10)

    def f(step: int) -> float:  # step = optimiser steps already taken
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, args.steps - warmup))
        if args.decay == "cosine":
            return 0.5 * (1.0 + math.cos(math.pi * progress))
        return 1.0 - progress

    return f


def rng_state() -> dict[str, Any]:
    return {"python": random.getstate(), "numpy": np.random.get_state(),
            "torch": torch.get_rng_state()}


def set_rng_state(s: dict[str, Any]) -> None:
    random.setstate(s["python"])
    np.random.set_state(s["numpy"])
    torch.set_rng_state(s["torch"])


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def log_line(log: Any, entry: dict[str, Any]) -> None:
    log.write(json.dumps(entry) + "\n")
    log.flush()


def prune_log(path: str, step: int) -> None:
    """Drops the entries an interrupted run logged after its last checkpoint: the resumed run
    logs those steps again, and readers should see each step once."""
    if not os.path.exists(path):
        return
    keep = []
    with open(path) as f:
        for line in f:
            try:
                if json.loads(line).get("step", 0) <= step:
                    keep.append(line if line.endswith("\n") else line + "\n")
            except json.JSONDecodeError:  # a line cut short by the crash
                pass
    with open(path + ".tmp", "w") as f:
        f.writelines(keep)
    os.replace(path + ".tmp", path)


def train(args: argparse.Namespace, model: TrexEncoder, task: Task, resume: Optional[dict[str, Any]]) -> None:
    out = args.out
    decay, no_decay = [], []
    for name, p in model.named_parameters():  # no weight decay on biases, norms, embeddings
        plain = p.ndim < 2 or "norm" in name or name.startswith(("code.", "ipos.", "opos.", "arch."))
        (no_decay if plain else decay).append(p)
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.98), eps=1e-6)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lr_factor(args))
    step = 0
    if resume is not None:
        optimiser.load_state_dict(resume["optimiser"])
        scheduler.load_state_dict(resume["scheduler"])
        step = int(resume["step"])
        set_rng_state(resume["rng"])
        prune_log(os.path.join(out, "log.jsonl"), step)
        print(f"resumed {out} at step {step}", flush=True)

    def save_checkpoint() -> None:
        atomic_save({"model": model.state_dict(), "config": model.cfg.to_dict(),
                     "optimiser": optimiser.state_dict(), "scheduler": scheduler.state_dict(),
                     "step": step, "rng": rng_state(), "args": vars(args)},
                    os.path.join(out, "checkpoint.pt"))

    stop = args.steps if args.stop_after is None else min(args.steps, step + args.stop_after)
    with open(os.path.join(out, "log.jsonl"), "a") as log:
        tokens, seconds, losses = 0, 0.0, []  # training time only: not validation or saving
        while step < stop:
            t0 = time.perf_counter()
            model.train()
            loss, n, extra = task.loss(model, step)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            lr = optimiser.param_groups[0]["lr"]
            optimiser.step()
            scheduler.step()
            seconds += time.perf_counter() - t0
            step += 1
            tokens += n
            losses.append(float(loss))
            if step % args.log_every == 0 or step == stop:
                mean = sum(losses) / len(losses)
                tps = tokens / seconds if seconds > 0 else 0.0
                print(f"step {step}/{args.steps} loss {mean:.4f} lr {lr:.3e} tok/s {tps:.0f}", flush=True)
                log_line(log, {"step": step, "loss": mean, "lr": lr, "tokens_per_s": tps,
                               "time": time.time(), **extra})
                tokens, seconds, losses = 0, 0.0, []
            if (args.val_every and step % args.val_every == 0) or step == args.steps:
                v = task.validate(model)
                if v:
                    print(f"val {step}/{args.steps} " + " ".join(f"{k} {x:.4f}" for k, x in v.items()), flush=True)
                    log_line(log, {"step": step, **v})
            if step % args.save_every == 0 or step == stop:
                save_checkpoint()
    if step >= args.steps:
        save_model(os.path.join(out, "model.pt"), model)
        print(f"done {out}/model.pt", flush=True)


# ---------------------------------------------------------------------------------------------
# Pretraining: masked LM on code and values


def holdout_functions(count: int, share: float = 0.02) -> np.ndarray:
    """Validation functions: a fixed hash of the function id, so the split never depends on
    the seed or on the order of training. At least one when there are two or more."""
    h = (np.arange(count, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
    val = h < np.uint64(share * 2**32)
    if not val.any() and count > 1:
        val[int(np.argmin(h))] = True
    return val


class Pretrain:
    def __init__(self, data: TrexData, args: argparse.Namespace) -> None:
        self.data, self.args = data, args
        self.values = args.values == "on"
        is_val = holdout_functions(data.meta.functions)[data.function]
        self.train_idx = np.nonzero(~is_val)[0]
        self.val_idx = np.nonzero(is_val)[0][: args.val_max]
        if len(self.train_idx) == 0:
            raise ValueError("no training sequences")
        self._epoch, self._perm = -1, self.train_idx

    def indices(self, step: int) -> np.ndarray:
        """Batch `step` of an endless stream of epochs, each a fresh permutation (seed, epoch)."""
        n, b = len(self.train_idx), self.args.batch
        out = np.empty(b, dtype=np.int64)
        for i, pos in enumerate(range(step * b, step * b + b)):
            epoch = pos // n
            if epoch != self._epoch:
                self._epoch = epoch
                self._perm = np.random.default_rng([self.args.seed, epoch, 0]).permutation(self.train_idx)
            out[i] = self._perm[pos % n]
        return out

    def loss(self, model: TrexEncoder, step: int) -> tuple[Tensor, int, dict[str, float]]:
        batch = self.data.batch(self.indices(step), self.values)
        rng = np.random.default_rng([self.args.seed, step, 1])  # masks re-drawn at every use
        code_loss, value_loss, _, _, _ = mlm_loss(model, batch, rng, self.values)
        loss = code_loss + value_loss
        return loss, batch.tokens(), {"code_loss": float(code_loss), "value_loss": float(value_loss)}

    @torch.no_grad()
    def validate(self, model: TrexEncoder) -> dict[str, float]:
        if len(self.val_idx) == 0:
            return {}
        model.eval()
        code_sum = byte_sum = 0.0
        code_n = byte_n = 0
        for i in range(0, len(self.val_idx), self.args.batch):
            batch = self.data.batch(self.val_idx[i:i + self.args.batch], self.values)
            rng = np.random.default_rng([VAL_SEED, i])
            c, v, cn, vn, _ = mlm_loss(model, batch, rng, self.values)
            code_sum += float(c) * cn
            byte_sum += float(v) * vn
            code_n += cn
            byte_n += vn
        code = code_sum / max(1, code_n)
        value = byte_sum / max(1, byte_n)
        return {"val_loss": code + value, "val_ppl": math.exp(code)}


def mask_batch(batch: Batch, rng: np.random.Generator, vocab: int, values: bool) -> tuple[Tensor, Tensor, Tensor]:
    """Chooses ~20 % of each sequence's real tokens and corrupts them BERT-style.
    Returns (corrupted code, corrupted value, chosen B×T bool)."""
    real = batch.mask.numpy() > 0
    b, t = real.shape
    length = batch.length.numpy()
    scores = np.where(real, rng.random((b, t)), 2.0)  # padding sorts last, never chosen
    rank = scores.argsort(1, kind="stable").argsort(1, kind="stable")
    k = np.where(length > 0, np.maximum(1, np.rint(MASK_RATE * length)), 0)
    chosen = rank < k[:, None]
    # code: 80 % <mask>, 10 % random token, 10 % kept
    code = batch.code.numpy().copy()
    r = rng.random((b, t))
    code[chosen & (r < 0.8)] = MASK_ID
    swap = chosen & (r >= 0.8) & (r < 0.9)
    if vocab > FIRST_REAL_ID:
        code[swap] = rng.integers(FIRST_REAL_ID, vocab, size=int(swap.sum()))
    value = batch.value.numpy().copy()
    if values:  # the same positions, an independent 80/10/10 draw for the value
        r = rng.random((b, t))
        value[chosen & (r < 0.8)] = MASK_BYTE
        swap = chosen & (r >= 0.8) & (r < 0.9)
        value[swap] = rng.integers(0, 256, size=(int(swap.sum()), VALUE_BYTES))
    return torch.from_numpy(code), torch.from_numpy(value), torch.from_numpy(chosen)


def mlm_loss(model: TrexEncoder, batch: Batch, rng: np.random.Generator,
             values: bool) -> tuple[Tensor, Tensor, int, int, Tensor]:
    """(code CE, value loss = α·Σ_bytes CE, #code targets, #value targets, chosen)."""
    code, value, chosen = mask_batch(batch, rng, model.cfg.vocab, values)
    hidden = model.encode(code, value, batch.ipos, batch.opos, batch.arch, batch.mask)
    h = hidden[chosen]  # predict only at the chosen positions
    code_loss = F.cross_entropy(model.code_head(h), batch.code[chosen])
    with_value = batch.hasvalue[chosen]  # the value loss only where a true value exists
    n_val = int(with_value.sum()) if values else 0
    if n_val:
        logits = model.value_head(h[with_value]).reshape(-1, 256)
        target = batch.value[chosen][with_value].reshape(-1)
        value_loss = VALUE_WEIGHT * VALUE_BYTES * F.cross_entropy(logits, target)  # = α·Σ_b mean CE_b
    else:
        value_loss = hidden.new_zeros(())
    return code_loss, value_loss, int(chosen.sum()), n_val, chosen


# ---------------------------------------------------------------------------------------------
# Fine-tuning: function similarity


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """ROC AUC by the rank-sum statistic; tied scores count half."""
    scores = np.concatenate([pos, neg])
    uniq, inv, counts = np.unique(scores, return_inverse=True, return_counts=True)
    start = np.cumsum(counts) - counts  # 0-based rank of each distinct score's first copy
    ranks = (start + (counts + 1) / 2.0)[inv]  # average 1-based rank over ties
    p, n = len(pos), len(neg)
    return float((ranks[:p].sum() - p * (p + 1) / 2.0) / (p * n))


class Finetune:
    def __init__(self, data: TrexData, args: argparse.Namespace) -> None:
        if data.meta.kind != "finetune":
            raise ValueError(f"{data.dir}: kind {data.meta.kind}, expected finetune")
        self.data, self.args = data, args
        self.values = args.values == "on"
        self.chunks = data.chunks_by_function()
        usable = np.array([len(c) > 0 for c in self.chunks])
        group = data.group
        self.group = group
        train = np.nonzero(usable & (data.split == 0))[0]
        val = np.nonzero(usable & (data.split == 1))[0]
        self.train_groups = self._groups(train)
        if not self.train_groups:
            raise ValueError("no group has two or more training functions")
        self.anchors = np.concatenate(list(self.train_groups.values()))
        # Negatives come from other known groups; −1 ("no known group") may hide a twin.
        grouped = train[group[train] >= 0]
        self.negatives = grouped if len(self.train_groups) > 1 else train
        if len(np.unique(group[self.negatives])) < 2:
            raise ValueError("dissimilar pairs need training functions from two groups")
        self.val_pairs = self._val_pairs(val)

    def _groups(self, fns: np.ndarray) -> dict[int, np.ndarray]:
        g: dict[int, list[int]] = {}
        for f in fns:
            if self.group[f] >= 0:
                g.setdefault(int(self.group[f]), []).append(int(f))
        return {k: np.array(v) for k, v in sorted(g.items()) if len(v) >= 2}

    def _val_pairs(self, val: np.ndarray) -> Optional[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        groups = self._groups(val)
        if not groups or len(groups) < 2:
            return None
        rng = np.random.default_rng(VAL_SEED)
        keys = list(groups)
        grouped = np.concatenate(list(groups.values()))
        n_pos = self.args.val_pairs // 2
        a, b, y = [], [], []
        for i in range(self.args.val_pairs):
            if i < n_pos:
                x, z = rng.choice(groups[keys[rng.integers(len(keys))]], 2, replace=False)
            else:
                x = rng.choice(grouped)
                z = rng.choice(grouped[self.group[grouped] != self.group[x]])
            a.append(x)
            b.append(z)
            y.append(i < n_pos)
        return np.array(a), np.array(b), np.array(y)

    def embed_functions(self, model: TrexEncoder, fns: np.ndarray,
                        rng: Optional[np.random.Generator]) -> tuple[Tensor, int]:
        """Function embeddings, F×D: each the token-count-weighted mean of its chunks'
        embeddings, in-graph so gradients reach every chunk. With `rng`, a function with more
        than --max-chunks chunks uses a random subset of them (bounds the batch)."""
        seqs: list[np.ndarray] = []
        owner: list[int] = []
        for i, f in enumerate(fns):
            c = self.chunks[int(f)]
            if rng is not None and len(c) > self.args.max_chunks:
                c = np.sort(rng.choice(c, self.args.max_chunks, replace=False))
            seqs.append(c)
            owner.extend([i] * len(c))
        batch = self.data.batch(np.concatenate(seqs), self.values)
        e = model(*batch.inputs())  # S×D
        w = torch.zeros(len(fns), e.shape[0])
        w[torch.tensor(owner), torch.arange(e.shape[0])] = batch.length.float()
        w = w / w.sum(1, keepdim=True).clamp(min=1.0)
        return w @ e, batch.tokens()

    def loss(self, model: TrexEncoder, step: int) -> tuple[Tensor, int, dict[str, float]]:
        rng = np.random.default_rng([self.args.seed, step, 2])
        if self.args.loss == "contrastive":
            return self._contrastive(model, rng)
        b = self.args.batch
        n_pos = max(1, round(b / (1 + NEG_PER_POS)))
        anchors = rng.choice(self.anchors, b)
        partners = np.empty(b, dtype=np.int64)
        for i, a in enumerate(anchors):
            members = self.train_groups[int(self.group[a])]
            if i < n_pos:  # similar: another function of the same group
                partners[i] = rng.choice(members[members != a])
            else:  # dissimilar: a function of another group
                while True:
                    partners[i] = rng.choice(self.negatives)
                    if self.group[partners[i]] != self.group[a]:
                        break
        e, tokens = self.embed_functions(model, np.concatenate([anchors, partners]), rng)
        cos = F.cosine_similarity(e[:b], e[b:])
        similar = torch.arange(b) < n_pos
        loss = torch.where(similar, 1.0 - cos, (cos - COSINE_MARGIN).clamp(min=0.0)).mean()
        return loss, tokens, {}

    def _contrastive(self, model: TrexEncoder, rng: np.random.Generator) -> tuple[Tensor, int, dict[str, float]]:
        """In-batch InfoNCE: one (anchor, positive) pair per distinct group, every other
        positive is a negative; symmetric over the two directions."""
        keys = list(self.train_groups)
        picked = rng.choice(len(keys), min(self.args.batch, len(keys)), replace=False)
        pairs = np.array([rng.choice(self.train_groups[keys[k]], 2, replace=False) for k in picked])
        e, tokens = self.embed_functions(model, pairs.T.reshape(-1), rng)
        e = F.normalize(e, dim=-1)
        n = len(picked)
        logits = e[:n] @ e[n:].T / self.args.temperature
        target = torch.arange(n)
        loss = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
        return loss, tokens, {}

    @torch.no_grad()
    def validate(self, model: TrexEncoder) -> dict[str, float]:
        """val_auc over the fixed validation pairs; val_loss is the cosine pair loss on them
        (whatever --loss trains), so runs with either loss compare."""
        if self.val_pairs is None:
            return {}
        model.eval()
        a, b, y = self.val_pairs
        fns = np.unique(np.concatenate([a, b]))
        parts = []
        step = max(1, self.args.batch)
        for i in range(0, len(fns), step):
            parts.append(F.normalize(self.embed_functions(model, fns[i:i + step], None)[0], dim=-1))
        e = torch.cat(parts)
        where = {int(f): i for i, f in enumerate(fns)}
        cos = (e[[where[int(f)] for f in a]] * e[[where[int(f)] for f in b]]).sum(-1).numpy()
        loss = np.where(y, 1.0 - cos, np.maximum(0.0, cos - COSINE_MARGIN)).mean()
        return {"val_loss": float(loss), "val_auc": auc(cos[y], cos[~y])}


# ---------------------------------------------------------------------------------------------
# Commands


# Model options of a fresh model; None on the command line means "take the default" (or,
# for finetune --init, the pretrained model's value).
MODEL_DEFAULTS: dict[str, Any] = {"layers": 4, "width": 256, "heads": 4, "ffn": 1024, "dim": 128, "dropout": 0.1}


def fresh_config(args: argparse.Namespace, data: TrexData) -> TrexConfig:
    d = {k: v if getattr(args, k) is None else getattr(args, k) for k, v in MODEL_DEFAULTS.items()}
    return TrexConfig(vocab=data.meta.vocab, archs=max(1, len(data.meta.archs)), **d)


def check_fits(cfg: TrexConfig, data: TrexData) -> None:
    if data.meta.vocab > cfg.vocab or len(data.meta.archs) > cfg.archs:
        raise ValueError(f"{data.dir}: vocab {data.meta.vocab} / {len(data.meta.archs)} archs do not "
                         f"fit the model's {cfg.vocab} / {cfg.archs}")


def prepare_run(args: argparse.Namespace, data: TrexData,
                initial: Callable[[], TrexEncoder]) -> tuple[TrexEncoder, Optional[dict[str, Any]]]:
    """The model to train: from RUN/checkpoint.pt when one exists (resume), else `initial()`."""
    os.makedirs(args.out, exist_ok=True)
    vocab = os.path.join(args.data, "vocab.json")
    if os.path.exists(vocab):  # the model travels with its vocabulary
        shutil.copyfile(vocab, os.path.join(args.out, "vocab.json"))
    path = os.path.join(args.out, "checkpoint.pt")
    if not os.path.exists(path):
        seed_all(args.seed)
        model = initial()
        check_fits(model.cfg, data)
        return model, None
    ckpt = torch.load(path, map_location="cpu")
    for k in ("data", "batch", "seed", "lr", "loss", "values"):
        old = ckpt["args"].get(k)
        if old is not None and old != getattr(args, k, old):
            print(f"warning: resuming with --{k} {getattr(args, k)} (checkpoint has {old})", file=sys.stderr)
    model = TrexEncoder(TrexConfig.from_dict(ckpt["config"]))
    model.load_state_dict(ckpt["model"])
    return model, ckpt


def cmd_pretrain(args: argparse.Namespace) -> None:
    data = TrexData(args.data)
    model, resume = prepare_run(args, data, lambda: TrexEncoder(fresh_config(args, data)))
    train(args, model, Pretrain(data, args), resume)


def cmd_finetune(args: argparse.Namespace) -> None:
    data = TrexData(args.data)

    def initial() -> TrexEncoder:
        if args.init == "none":  # the no-pretraining ablation
            return TrexEncoder(fresh_config(args, data))
        path = os.path.join(args.init, "model.pt") if os.path.isdir(args.init) else args.init
        blob = torch.load(path, map_location="cpu")
        cfg = dict(blob["config"])
        if args.dropout is not None:  # the only model option that may change after pretraining
            cfg["dropout"] = args.dropout
        model = TrexEncoder(TrexConfig.from_dict(cfg))
        model.load_state_dict(blob["state"])
        return model

    model, resume = prepare_run(args, data, initial)
    train(args, model, Finetune(data, args), resume)


def example_inputs(cfg: TrexConfig, b: int = 2, t: int = 8) -> tuple[Tensor, ...]:
    g = torch.Generator().manual_seed(0)
    mask = torch.ones(b, t)
    mask[0, t // 2:] = 0.0  # padding in the trace, so the masking path is exported
    return (torch.randint(0, cfg.vocab, (b, t), generator=g), torch.randint(0, 258, (b, t, VALUE_BYTES), generator=g),
            torch.randint(0, 256, (b, t), generator=g), torch.randint(0, 16, (b, t), generator=g),
            torch.zeros(b, t, dtype=torch.int64), mask)


def cmd_export(args: argparse.Namespace) -> None:
    model = load_model(args.model).eval()
    axes: dict[str, dict[int, str]] = {n: {0: "B", 1: "T"} for n in INPUT_NAMES}
    axes["embedding"] = {0: "B"}
    with torch.no_grad(), warnings.catch_warnings():
        # torch 1.13 warns that prim::Constant lacks shape inference; the graph is still correct
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        torch.onnx.export(model, example_inputs(model.cfg), args.out, opset_version=14,
                          input_names=INPUT_NAMES, output_names=["embedding"], dynamic_axes=axes,
                          do_constant_folding=True)
    print(f"exported {args.out}", flush=True)


@torch.no_grad()
def cmd_embed(args: argparse.Namespace) -> None:
    model = load_model(args.model).eval()
    data = TrexData(args.data)
    check_fits(model.cfg, data)
    values = getattr(args, "values", "on") == "on"
    out = np.zeros((data.meta.sequences, model.cfg.dim), dtype="<f4")
    for i in range(0, data.meta.sequences, args.batch):
        idx = np.arange(i, min(i + args.batch, data.meta.sequences))
        out[idx] = model(*data.batch(idx, values).inputs()).numpy()
    out.tofile(args.out)
    print(f"embedded {data.meta.sequences}×{model.cfg.dim} into {args.out}", flush=True)


def parse(argv: Optional[list[str]]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="train.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", required=True, help="data directory (docs/TREX_DATA.md)")
    common.add_argument("--out", required=True, help="run directory; rerun to resume")
    common.add_argument("--steps", type=int, default=1000)
    common.add_argument("--stop-after", type=int, default=None,
                        help="run at most this many steps now, checkpoint and exit (resume later)")
    common.add_argument("--batch", type=int, default=32, help="sequences (pretrain) / pairs or groups (finetune)")
    common.add_argument("--lr", type=float, default=None, help="peak LR (pretrain 5e-4, finetune 1e-4)")
    common.add_argument("--warmup", type=int, default=None, help="warm-up steps (default steps/10)")
    common.add_argument("--decay", choices=["linear", "cosine"], default="linear")
    common.add_argument("--weight-decay", type=float, default=0.01)
    common.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    common.add_argument("--seed", type=int, default=1)
    common.add_argument("--save-every", type=int, default=200)
    common.add_argument("--log-every", type=int, default=10)
    common.add_argument("--val-every", type=int, default=200, help="0: validate only at the end")
    common.add_argument("--values", choices=["on", "off"], default="on",
                        help="off: every value becomes ## and the value loss is dropped (code-only ablation)")
    for name, default in MODEL_DEFAULTS.items():
        common.add_argument(f"--{name}", type=type(default), default=None, help=f"fresh model: {default}")

    pre = sub.add_parser("pretrain", parents=[common], help="masked LM on code and values")
    pre.add_argument("--val-max", type=int, default=2048, help="validation sequences at most")
    pre.set_defaults(run=cmd_pretrain)

    fine = sub.add_parser("finetune", parents=[common], help="similarity fine-tuning")
    fine.add_argument("--init", required=True, help="pretrained RUN or model.pt, or none")
    fine.add_argument("--loss", choices=["cosine", "contrastive"], default="cosine")
    fine.add_argument("--temperature", type=float, default=0.05)
    fine.add_argument("--max-chunks", type=int, default=4, help="chunks per function per training step")
    fine.add_argument("--val-pairs", type=int, default=1000)
    fine.set_defaults(run=cmd_finetune)

    exp = sub.add_parser("export", help="model.pt -> ONNX (opset 14)")
    exp.add_argument("--model", required=True)
    exp.add_argument("--out", required=True)
    exp.set_defaults(run=cmd_export)

    emb = sub.add_parser("embed", help="float32 N×D embeddings of every sequence")
    emb.add_argument("--model", required=True)
    emb.add_argument("--data", required=True)
    emb.add_argument("--out", required=True)
    emb.add_argument("--batch", type=int, default=64)
    emb.add_argument("--values", choices=["on", "off"], default="on")
    emb.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    emb.set_defaults(run=cmd_embed)

    args = p.parse_args(argv)
    if args.command in ("pretrain", "finetune"):
        if args.lr is None:
            args.lr = 5e-4 if args.command == "pretrain" else 1e-4
        if min(args.steps, args.batch, args.save_every, args.log_every) < 1:
            p.error("--steps, --batch, --save-every and --log-every must be positive")
    return args


def main(argv: Optional[list[str]] = None) -> int:
    args = parse(argv)
    if hasattr(args, "threads"):
        torch.set_num_threads(max(1, args.threads))
    torch.use_deterministic_algorithms(True)
    run: Callable[[argparse.Namespace], None] = args.run
    del args.run  # not picklable into the checkpoint's args
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
