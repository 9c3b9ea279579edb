#!/usr/bin/env python3
"""Self-check of the Trex trainer on tiny synthetic data: pretrain, interrupt and resume
(must equal an uninterrupted run), the code-only ablation, fine-tuning with both losses and
without pretraining, export and embed. Exits non-zero on the first failure.

  python3 python/trex/selftest.py [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as train.py: threads must not spin on a busy machine

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from data import TrexData, write_data_dir  # noqa: E402
from model import load_model  # noqa: E402

VOCAB = 40
ARCHS = ["x86", "x64", "arm", "mips"]


def synthetic_tokens(rng: np.random.Generator, n: int, vocab: int = VOCAB) -> tuple[np.ndarray, ...]:
    """n tokens of instructions (mnemonic + 1–3 operands): code, opos, ipos, operand?"""
    code, opos, ipos, operand = [], [], [], []
    i = 0
    while len(code) < n:
        for o in range(1 + int(rng.integers(1, 4))):
            code.append(int(rng.integers(4, vocab)))
            opos.append(min(o, 15))
            ipos.append(min(i, 255))
            operand.append(o > 0)
        i += 1
    return tuple(np.array(x[:n]) for x in (code, opos, ipos, operand))


def write_synthetic(directory: str, kind: str, functions: int, window: int, seed: int,
                    full: bool = False, vocab: int = VOCAB) -> None:
    """A data directory following docs/TREX_DATA.md. pretrain: per function 3 traces + 1
    dummy; finetune: groups of 2–3 near-identical functions (1–3 chunks), −1 singletons,
    whole groups split 80/20 train/validation. `full`: every sequence fills the window."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[np.ndarray, ...]] = []
    fn_of: list[int] = []
    arch_of: list[int] = []

    def add(f: int, code: np.ndarray, opos: np.ndarray, ipos: np.ndarray, has: np.ndarray,
            arch: int) -> None:
        n = len(code)
        pad = window - n
        value = np.where(has[:, None], rng.integers(0, 256, (n, 8)), 0)
        rows.append((np.pad(code, (0, pad)), np.pad(value, ((0, pad), (0, 0))), np.pad(has, (0, pad)),
                     np.pad(ipos, (0, pad)), np.pad(opos, (0, pad)), np.array(n)))
        fn_of.append(f)
        arch_of.append(arch)

    if kind == "pretrain":
        for f in range(functions):
            n = window if full else int(rng.integers(window // 4, window + 1))
            code, opos, ipos, operand = synthetic_tokens(rng, n, vocab)
            arch = int(rng.integers(len(ARCHS)))
            for trace in range(4):  # 3 micro-traces, then the dummy with every value `##`
                has = operand & (rng.random(n) < 0.8) if trace < 3 else np.zeros(n, bool)
                add(f, code, opos, ipos, has, arch)
        extra: dict[str, np.ndarray] = {}
    else:
        group: list[int] = []
        split: list[int] = []
        g = 0
        while len(group) < functions:
            size = 1 if rng.random() < 0.15 else int(rng.integers(2, 4))
            base = synthetic_tokens(rng, int(rng.integers(window // 2, 3 * window)), vocab)
            val = int(rng.random() < 0.2)
            for _ in range(size):
                f = len(group)
                code = base[0].copy()
                noise = rng.random(len(code)) < 0.1  # near-identical: 10 % tokens differ
                code[noise] = rng.integers(4, vocab, int(noise.sum()))
                arch = int(rng.integers(len(ARCHS)))
                for s in range(0, len(code), window):  # chunks of one function share `function`
                    sl = slice(s, s + window)
                    immediate = base[3][sl] & (rng.random(len(code[sl])) < 0.3)  # static code: few values
                    add(f, code[sl], base[1][sl], base[2][sl] - base[2][s], immediate, arch)
                group.append(g if size > 1 else -1)
                split.append(val)
            g += 1
        functions = len(group)
        extra = {"group.i32": np.array(group), "split.u8": np.array(split)}
    cols = list(zip(*rows))
    write_data_dir(directory, {
        "code.u16": np.stack(cols[0]), "value.u8": np.stack(cols[1]), "hasvalue.u8": np.stack(cols[2]),
        "ipos.u8": np.stack(cols[3]), "opos.u8": np.stack(cols[4]), "length.u16": np.stack(cols[5]),
        "arch.u8": np.array(arch_of), "function.i32": np.array(fn_of), **extra,
    }, {"window": window, "sequences": len(rows), "functions": functions, "vocab": vocab,
        "archs": ARCHS, "kind": kind})
    with open(os.path.join(directory, "vocab.json"), "w") as f:
        json.dump({"tokens": ["<pad>", "<mask>", "<unk>", "<sep>"] + [f"t{i}" for i in range(4, vocab)],
                   "archs": ARCHS}, f)


class Failure(Exception):
    pass


def check(ok: bool, what: str) -> None:
    if not ok:
        raise Failure(what)
    print(f"  ok  {what}", flush=True)


def train_py(*argv: str) -> str:
    cmd = [sys.executable, os.path.join(HERE, "train.py"), *argv]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"{' '.join(argv[:1])} exited {r.returncode}:\n{r.stdout}{r.stderr}")
    return r.stdout


def read_log(run: str) -> list[dict]:
    with open(os.path.join(run, "log.jsonl")) as f:
        return [json.loads(line) for line in f]


TINY = ["--layers", "2", "--width", "64", "--heads", "4", "--ffn", "128", "--dim", "32",
        "--threads", "2", "--batch", "8", "--log-every", "5", "--save-every", "5", "--val-every", "10"]


def run(tmp: str) -> None:
    pre, fine = os.path.join(tmp, "pre"), os.path.join(tmp, "fine")
    write_synthetic(pre, "pretrain", 40, 32, seed=1)
    write_synthetic(fine, "finetune", 60, 32, seed=2)
    d = TrexData(fine)
    check(d.meta.sequences > d.meta.functions, f"synthetic data: {TrexData(pre).meta.sequences} pretrain, "
          f"{d.meta.sequences} finetune sequences ({d.meta.functions} functions)")

    print("pretrain, 20 steps uninterrupted", flush=True)
    a = os.path.join(tmp, "run-a")
    out = train_py("pretrain", "--data", pre, "--out", a, "--steps", "20", *TINY)
    print("    " + out.strip().replace("\n", "\n    "))
    log_a = read_log(a)
    steps = [e for e in log_a if "loss" in e]
    check([e["step"] for e in steps] == [5, 10, 15, 20], "logged steps 5, 10, 15, 20")
    check(all(np.isfinite(e["loss"]) for e in steps) and steps[-1]["loss"] < steps[0]["loss"],
          "loss finite and falling")
    vals = [e for e in log_a if "val_ppl" in e]
    check(len(vals) == 2 and all(np.isfinite(e["val_ppl"]) for e in vals), "val_loss / val_ppl at steps 10, 20")
    check(os.path.exists(os.path.join(a, "model.pt")), "model.pt written")

    print("pretrain, interrupted at 10 then resumed", flush=True)
    b = os.path.join(tmp, "run-b")
    train_py("pretrain", "--data", pre, "--out", b, "--steps", "20", "--stop-after", "10", *TINY)
    ck = torch.load(os.path.join(b, "checkpoint.pt"), map_location="cpu")
    check(ck["step"] == 10 and not os.path.exists(os.path.join(b, "model.pt")), "stopped at step 10 without model.pt")
    # A crash after step 15 was logged but before its checkpoint: keep step 10's checkpoint.
    shutil.copyfile(os.path.join(b, "checkpoint.pt"), os.path.join(tmp, "step10.pt"))
    train_py("pretrain", "--data", pre, "--out", b, "--steps", "20", "--stop-after", "5", *TINY)
    shutil.copyfile(os.path.join(tmp, "step10.pt"), os.path.join(b, "checkpoint.pt"))
    out = train_py("pretrain", "--data", pre, "--out", b, "--steps", "20", *TINY)
    check(out.startswith("resumed") and "at step 10" in out and "step 15/20" in out, "rerun resumes at step 11")
    log_b = [e for e in read_log(b) if "loss" in e]
    check([e["step"] for e in log_b] == [5, 10, 15, 20], "log steps 5, 10 | 15, 20, each once")
    diff = max(abs(x["loss"] - y["loss"]) for x, y in zip(steps, log_b))
    check(diff <= 1e-6, f"losses equal the uninterrupted run's (max diff {diff:.2e})")
    wa, wb = torch.load(os.path.join(a, "model.pt"))["state"], torch.load(os.path.join(b, "model.pt"))["state"]
    wdiff = max(float((wa[k] - wb[k]).abs().max()) for k in wa)
    check(wdiff <= 1e-6, f"final weights equal (max diff {wdiff:.2e})")
    out = train_py("pretrain", "--data", pre, "--out", b, "--steps", "20", *TINY)
    check("at step 20" in out and not re.search(r"^step ", out, re.M), "rerun of a finished run trains nothing")

    print("pretrain --values off (code-only ablation)", flush=True)
    c = os.path.join(tmp, "run-c")
    train_py("pretrain", "--data", pre, "--out", c, "--steps", "5", "--values", "off", *TINY)
    check(all(e["value_loss"] == 0.0 for e in read_log(c) if "loss" in e), "no value loss")

    for loss, init in (("cosine", a), ("contrastive", a), ("cosine", "none")):
        print(f"finetune --loss {loss} --init {'pretrained' if init != 'none' else 'none'}", flush=True)
        run_f = os.path.join(tmp, f"fine-{loss}-{'none' if init == 'none' else 'pre'}")
        out = train_py("finetune", "--data", fine, "--out", run_f, "--init", init, "--loss", loss,
                       "--steps", "10", "--lr", "1e-3", "--val-pairs", "200", *TINY)
        print("    " + out.strip().replace("\n", "\n    "))
        aucs = [e["val_auc"] for e in read_log(run_f) if "val_auc" in e]
        check(len(aucs) == 1 and 0.0 <= aucs[0] <= 1.0, f"val_auc {aucs[-1]:.3f}")
    f1 = os.path.join(tmp, "fine-cosine-pre")

    print("export and embed", flush=True)
    onnx = os.path.join(tmp, "model.onnx")
    train_py("export", "--model", os.path.join(f1, "model.pt"), "--out", onnx)
    blob = open(onnx, "rb").read()
    names = ("code", "value", "ipos", "opos", "arch", "mask", "embedding")
    check(len(blob) > 10000 and all(n.encode() in blob for n in names),
          f"ONNX written ({len(blob)} bytes) with the contract's input and output names")
    emb = os.path.join(tmp, "emb.f32")
    train_py("embed", "--model", os.path.join(f1, "model.pt"), "--data", fine, "--out", emb, "--batch", "16")
    e = np.fromfile(emb, dtype="<f4")
    model = load_model(os.path.join(f1, "model.pt")).eval()
    check(e.size == d.meta.sequences * model.cfg.dim and np.isfinite(e).all(),
          f"embed wrote {d.meta.sequences}×{model.cfg.dim} float32")
    e = e.reshape(d.meta.sequences, -1)
    idx = np.array([0, 3, 7])
    with torch.no_grad():
        trimmed = d.batch(idx)  # trimmed to the longest of the three
        ref = model(*trimmed.inputs()).numpy()
        w = d.meta.window  # the same sequences padded to the full window
        padded = [torch.nn.functional.pad(x, (0, 0, 0, w - x.shape[1]) if x.dim() == 3 else (0, w - x.shape[1]))
                  for x in trimmed.inputs()]
        full = model(*padded).numpy()
    check(np.abs(e[idx] - ref).max() < 1e-5, "embed equals the in-process model")
    check(np.abs(full - ref).max() < 1e-5, f"padding changes nothing (max diff {np.abs(full - ref).max():.1e})")
    with torch.no_grad():
        empty = [x.clone() for x in padded]
        empty[5].zero_()  # no real token at all: the large finite mask bias must not give NaN
        check(bool(torch.isfinite(model(*empty)).all()), "an all-padding sequence embeds to finite numbers")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--keep", help="work in this directory and keep it")
    args = p.parse_args()
    t0 = time.time()
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            run(args.keep)
        else:
            with tempfile.TemporaryDirectory(prefix="trex-selftest-") as tmp:
                run(tmp)
    except Failure as f:
        print(f"FAIL {f}", flush=True)
        return 1
    print(f"selftest passed in {time.time() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
