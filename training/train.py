"""Train the slice-operator load forecaster and export it to ONNX.

A global quantile MLP over all training squares (and sums of them, so it also sees slice-like
aggregates), trained in numpy with hand-written Adam. Output: models/forecaster.onnx,
models/forecaster.card.json (machine-readable contract read by src/forecast/model.ts) and
models/MODEL_CARD.md. Run through `bash training/train.sh`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import milan  # noqa: E402
from milan import HISTORY, HORIZON, QUANTILES, SEED  # noqa: E402

MODEL_NAME = "milan-quantile-mlp"
MODEL_VERSION = "1.0.0"
HIDDEN = (128,)
N_AGGREGATES = 60  # synthetic "slices": sums of 2..12 training squares
# Few epochs on purpose: with ~3 weeks of training time the MLP starts to memorise
# date-specific patterns after a handful of epochs; the epoch count is chosen on a later
# time window (see main()), not on other squares of the same weeks.
EPOCHS = 12
BATCH = 256
LR = 1e-3
WEIGHT_DECAY = 1e-4
# DeepCog-style cost asymmetry. A pinball loss at level tau is exactly the linear cost
# alpha * under-provisioned + 1 * over-provisioned with alpha = tau / (1 - tau), whose minimiser
# is the tau-quantile. The capacity head (p99) therefore prices one unit of unserved traffic like
# alpha = 99 units of idle capacity; p90 uses alpha = 9; p50 (the accuracy head) is symmetric.
HEAD_WEIGHTS = (1.0, 1.0, 1.0)
SELECT_END = milan.TEST_START - 7 * 24  # 2013-11-18: model-selection validation week starts


# --------------------------------------------------------------------------------------------
# data


def build_samples(rows, squares, first_target, end_target, n_aggregates, rng):
    """Scaled (history, calendar, target) arrays for single squares and random aggregates."""
    series = [rows[i] for i in squares]
    if n_aggregates:
        long_enough = [rows[i] for i in squares if len(rows[i]) >= end_target]
        for _ in range(n_aggregates):
            k = int(rng.integers(2, 13))
            pick = rng.choice(len(long_enough), size=k, replace=False)
            series.append(np.sum([long_enough[j][:end_target] for j in pick], axis=0))
    hs, cs, ys = [], [], []
    for s in series:
        for t, h, y in milan.windows(s, first_target, end_target):
            scale = milan.scale_of(h)
            hs.append(h / scale)
            cs.append(milan.calendar(t))
            ys.append(y / scale)
    return (
        np.asarray(hs, dtype=np.float32),
        np.asarray(cs, dtype=np.float32),
        np.asarray(ys, dtype=np.float32),
    )


# --------------------------------------------------------------------------------------------
# model (numpy)


def init_params(rng):
    sizes = (HISTORY + 4, *HIDDEN, HORIZON * 3)
    p = {}
    for i in range(len(sizes) - 1):
        fan_in = sizes[i]
        p[f"W{i}"] = (rng.standard_normal((sizes[i], sizes[i + 1])) * math.sqrt(2 / fan_in)).astype(
            np.float32
        )
        p[f"b{i}"] = np.zeros(sizes[i + 1], dtype=np.float32)
    # Last layer small so training starts close to the linear skip path.
    p[f"W{len(sizes) - 2}"] *= 0.1
    # Linear skip from the input to the outputs: an autoregressive path the MLP corrects.
    p["Ws"] = np.zeros((HISTORY + 4, HORIZON * 3), dtype=np.float32)
    # Start the quantile deltas at a sensible spread (softplus(-1) ~ 0.31 of the scale).
    b_last = p[f"b{len(sizes) - 2}"].reshape(HORIZON, 3)
    b_last[:, 1:] = -1.0
    return p


def softplus(x):
    return np.logaddexp(0.0, x)


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def forward(p, x):
    n_layers = len(HIDDEN)
    acts = [x]
    a = x
    for i in range(n_layers):
        a = np.maximum(a @ p[f"W{i}"] + p[f"b{i}"], 0.0)
        acts.append(a)
    o = a @ p[f"W{n_layers}"] + p[f"b{n_layers}"] + x @ p["Ws"]
    o3 = o.reshape(-1, HORIZON, 3)
    p50 = o3[:, :, 0]
    p90 = p50 + softplus(o3[:, :, 1])
    p99 = p90 + softplus(o3[:, :, 2])
    return np.stack([p50, p90, p99], axis=2), (acts, o3)


def loss_and_grads(p, x, y):
    q, (acts, o3) = forward(p, x)
    n = x.shape[0]
    total = 0.0
    gq = np.zeros_like(q)
    for k, tau in enumerate(QUANTILES):
        u = y - q[:, :, k]
        total += HEAD_WEIGHTS[k] * np.maximum(tau * u, (tau - 1) * u).mean()
        gq[:, :, k] = HEAD_WEIGHTS[k] * np.where(u > 0, -tau, 1 - tau) / (n * HORIZON)
    g3 = np.empty_like(o3)
    g3[:, :, 0] = gq[:, :, 0] + gq[:, :, 1] + gq[:, :, 2]
    g3[:, :, 1] = (gq[:, :, 1] + gq[:, :, 2]) * sigmoid(o3[:, :, 1])
    g3[:, :, 2] = gq[:, :, 2] * sigmoid(o3[:, :, 2])
    go = g3.reshape(n, HORIZON * 3)
    grads = {}
    n_layers = len(HIDDEN)
    grads["Ws"] = acts[0].T @ go
    grads[f"W{n_layers}"] = acts[-1].T @ go
    grads[f"b{n_layers}"] = go.sum(0)
    g = go @ p[f"W{n_layers}"].T
    for i in range(n_layers - 1, -1, -1):
        g = g * (acts[i + 1] > 0)
        grads[f"W{i}"] = acts[i].T @ g
        grads[f"b{i}"] = g.sum(0)
        if i > 0:
            g = g @ p[f"W{i}"].T
    return total, grads


def pinball(p, x, y, batch=4096):
    tot = 0.0
    for i in range(0, len(x), batch):
        q, _ = forward(p, x[i : i + batch])
        for k, tau in enumerate(QUANTILES):
            u = y[i : i + batch] - q[:, :, k]
            tot += HEAD_WEIGHTS[k] * np.maximum(tau * u, (tau - 1) * u).sum() / HORIZON
    return tot / len(x)


def train(p, x, y, xv, yv, rng, log, keep_epoch=None):
    """Adam with cosine decay; returns the params of the best validation epoch, or of
    keep_epoch when given (the final refit has no later-in-time validation data left)."""
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(val) for k, val in p.items()}
    b1, b2, eps = 0.9, 0.999, 1e-8
    step = 0
    best = (pinball(p, xv, yv), 0, {k: val.copy() for k, val in p.items()})
    steps_per_epoch = math.ceil(len(x) / BATCH)
    total_steps = EPOCHS * steps_per_epoch
    for epoch in range(1, EPOCHS + 1):
        t0 = time.time()
        order = rng.permutation(len(x))
        running = 0.0
        for s in range(steps_per_epoch):
            idx = order[s * BATCH : (s + 1) * BATCH]
            loss, grads = loss_and_grads(p, x[idx], y[idx])
            running += loss
            step += 1
            lr = LR * 0.5 * (1 + math.cos(math.pi * step / total_steps))  # cosine decay
            for k in p:
                g = grads[k] + WEIGHT_DECAY * p[k]
                m[k] = b1 * m[k] + (1 - b1) * g
                v[k] = b2 * v[k] + (1 - b2) * g * g
                mh = m[k] / (1 - b1**step)
                vh = v[k] / (1 - b2**step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        val = pinball(p, xv, yv)
        if (keep_epoch is None and val < best[0]) or epoch == keep_epoch:
            best = (val, epoch, {k: val_.copy() for k, val_ in p.items()})
        log(
            f"epoch {epoch:3d} train {running / steps_per_epoch:.5f} val {val:.5f} "
            f"({time.time() - t0:.1f}s)"
        )
    log(f"best val {best[0]:.5f} at epoch {best[1]}")
    return best[2], best[1], float(best[0])


# --------------------------------------------------------------------------------------------
# ONNX export


def to_onnx(p) -> onnx.ModelProto:
    n_layers = len(HIDDEN)
    inits = [numpy_helper.from_array(v.astype(np.float32), name=k) for k, v in sorted(p.items())]
    inits += [
        numpy_helper.from_array(np.array([-1, HORIZON, 3], dtype=np.int64), "out_shape"),
        numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), "split_sizes"),
    ]
    nodes = [helper.make_node("Concat", ["history", "calendar"], ["x"], axis=1)]
    prev = "x"
    for i in range(n_layers):
        nodes += [
            helper.make_node("MatMul", [prev, f"W{i}"], [f"mm{i}"]),
            helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"z{i}"]),
            helper.make_node("Relu", [f"z{i}"], [f"h{i}"]),
        ]
        prev = f"h{i}"
    nodes += [
        helper.make_node("MatMul", [prev, f"W{n_layers}"], ["mm_out"]),
        helper.make_node("Add", ["mm_out", f"b{n_layers}"], ["z_out"]),
        helper.make_node("MatMul", ["x", "Ws"], ["skip"]),
        helper.make_node("Add", ["z_out", "skip"], ["o"]),
        helper.make_node("Reshape", ["o", "out_shape"], ["o3"]),
        helper.make_node("Split", ["o3", "split_sizes"], ["base", "d90", "d99"], axis=2),
        # Monotone quantiles by construction: p90 = p50 + softplus(.), p99 = p90 + softplus(.)
        helper.make_node("Softplus", ["d90"], ["s90"]),
        helper.make_node("Softplus", ["d99"], ["s99"]),
        helper.make_node("Add", ["base", "s90"], ["q90"]),
        helper.make_node("Add", ["q90", "s99"], ["q99"]),
        helper.make_node("Concat", ["base", "q90", "q99"], ["quantiles"], axis=2),
    ]
    graph = helper.make_graph(
        nodes,
        MODEL_NAME,
        [
            helper.make_tensor_value_info("history", TensorProto.FLOAT, ["N", HISTORY]),
            helper.make_tensor_value_info("calendar", TensorProto.FLOAT, ["N", 4]),
        ],
        [helper.make_tensor_value_info("quantiles", TensorProto.FLOAT, ["N", HORIZON, 3])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17)],
        producer_name="slice-operator/training",
        producer_version=MODEL_VERSION,
    )
    # IR version 8 is the one that goes with opset 17; older runtimes reject newer IR versions.
    model.ir_version = 8
    model.doc_string = "Milan cellular activity quantile forecaster (data: Telecom Italia, ODbL 1.0)"
    onnx.checker.check_model(model, full_check=True)
    return model


# --------------------------------------------------------------------------------------------
# evaluation (quick, Python side; the reference table is `npm run eval:forecast`)


def quick_eval(sess, rows, squares):
    mae = {"model": [], "last_value": [], "same_hour_yesterday": []}
    under = []
    for i in squares:
        r = rows[i]
        if len(r) < milan.TEST_END:
            continue
        ws = list(milan.windows(r, milan.TEST_START, milan.TEST_END))
        scales = np.array([milan.scale_of(h) for _, h, _ in ws])
        hist = np.stack([h / s for (_, h, _), s in zip(ws, scales)]).astype(np.float32)
        cal = np.stack([milan.calendar(t) for t, _, _ in ws]).astype(np.float32)
        q = sess.run(["quantiles"], {"history": hist, "calendar": cal})[0]
        y = np.array([yy[0] for _, _, yy in ws])
        p50 = q[:, 0, 0] * scales
        p99 = q[:, 0, 2] * scales
        mae["model"].append(np.abs(p50 - y).mean())
        mae["last_value"].append(np.abs(np.array([h[-1] for _, h, _ in ws]) - y).mean())
        mae["same_hour_yesterday"].append(np.abs(np.array([h[-24] for _, h, _ in ws]) - y).mean())
        under.append((y > p99).mean())
    out = {k: float(np.mean(v)) for k, v in mae.items()}
    out["under_provisioned_p99"] = float(np.mean(under))
    out["squares"] = len(under)
    return out


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    args = ap.parse_args()
    globals()["EPOCHS"] = args.epochs
    log = lambda s: print(s, flush=True)  # noqa: E731

    np.random.seed(SEED)
    rng = np.random.default_rng(SEED)
    rows = milan.load_rows(args.data)
    train_sq, val_sq, held_out = milan.split_squares(len(rows))
    log(f"{len(rows)} squares: {len(train_sq)} train, {len(val_sq)} val, {len(held_out)} held out")

    # Phase 1 (model selection): train on targets before SELECT_END, validate on the week after
    # it on separate squares. Validating on other squares of the SAME weeks would reward
    # memorising those weeks and pick models that are worse on the later test window.
    t0 = time.time()
    h, c, y = build_samples(rows, train_sq, 0, SELECT_END, N_AGGREGATES, rng)
    hv, cv, yv = build_samples(rows, val_sq, SELECT_END, milan.TEST_START, N_AGGREGATES // 4, rng)
    x = np.concatenate([h, c], axis=1)
    xv = np.concatenate([hv, cv], axis=1)
    log(f"selection: {len(x)} training windows, {len(xv)} validation windows (later week)")
    _, best_epoch, best_val = train(init_params(np.random.default_rng(SEED)), x, y, xv, yv, rng, log)

    # Phase 2 (final fit): all targets before the held-out window (no look-ahead), same schedule,
    # weights kept at the selected epoch. Validation numbers here are only logged.
    h, c, y = build_samples(rows, train_sq, 0, milan.TEST_START, N_AGGREGATES, rng)
    hv, cv, yv = build_samples(rows, val_sq, 0, milan.TEST_START, N_AGGREGATES // 4, rng)
    x = np.concatenate([h, c], axis=1)
    xv = np.concatenate([hv, cv], axis=1)
    log(f"final: {len(x)} training windows, keeping epoch {best_epoch}")
    p = init_params(np.random.default_rng(SEED))
    p, _, _ = train(p, x, y, xv, yv, rng, log, keep_epoch=best_epoch)
    train_seconds = time.time() - t0

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "forecaster.onnx")
    model = to_onnx(p)
    onnx.save(model, onnx_path)

    # The exported graph must compute what numpy trained.
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    q_ort = sess.run(["quantiles"], {"history": hv[:512], "calendar": cv[:512]})[0]
    q_np, _ = forward(p, xv[:512])
    max_diff = float(np.abs(q_ort - q_np).max())
    assert max_diff < 1e-3, f"onnxruntime differs from numpy by {max_diff}"
    assert np.all(np.diff(q_ort, axis=2) >= 0), "quantiles not monotone"
    metrics = quick_eval(sess, rows, held_out)
    log(f"held-out squares, 1 h ahead: {json.dumps(metrics)}")

    size = os.path.getsize(onnx_path)
    n_params = int(sum(v.size for v in p.values()))
    card = {
        "schemaVersion": 1,
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "file": "forecaster.onnx",
        "sha256": sha256(onnx_path),
        "sizeBytes": size,
        "parameters": n_params,
        "createdBy": "bash training/train.sh",
        "contract": {
            "opset": 17,
            "inputs": [
                {"name": "history", "dtype": "float32", "shape": ["N", HISTORY]},
                {"name": "calendar", "dtype": "float32", "shape": ["N", 4]},
            ],
            "outputs": [{"name": "quantiles", "dtype": "float32", "shape": ["N", HORIZON, 3]}],
            "historyLength": HISTORY,
            "horizonSteps": HORIZON,
            "stepSeconds": 3600,
            "quantiles": list(QUANTILES),
            "monotone": True,
            "scaling": {
                "rule": "mean",
                "epsilon": milan.SCALE_EPSILON,
                "description": (
                    "scale = arithmetic mean of the 168 history values (oldest first, gaps filled); "
                    "if scale < epsilon then scale = 1. history input = values / scale; "
                    "outputs are in the same scaled units: multiply by scale."
                ),
            },
            "calendar": {
                "timezone": "Europe/Rome",
                "at": "first forecast step = time of the last history point + stepSeconds",
                "features": [
                    "sin(2*pi*hour/24)",
                    "cos(2*pi*hour/24)",
                    "sin(2*pi*dow/7)",
                    "cos(2*pi*dow/7)",
                ],
                "hour": "local hour of day 0..23 in timezone",
                "dow": "local day of week, 0 = Monday .. 6 = Sunday",
            },
        },
        "loss": {
            "type": "pinball (quantile) loss, one head per quantile, equal head weights",
            "costModel": (
                "DeepCog-style asymmetric provisioning cost: pinball at level tau equals "
                "alpha * under-provisioned + 1 * over-provisioned with alpha = tau / (1 - tau)"
            ),
            "alpha": {"p50": 1.0, "p90": 9.0, "p99": 99.0},
        },
        "training": {
            "data": "hourly_squares.csv",
            "seed": SEED,
            "epochs": EPOCHS,
            "bestEpoch": best_epoch,
            "selectionValidationPinball": best_val,
            "selection": "epoch chosen on validation squares, targets 2013-11-18..2013-11-25, "
            "after training on targets before 2013-11-18; final fit on targets before 2013-11-25",
            "trainSeconds": round(train_seconds, 1),
            "windows": int(len(x)),
            "syntheticAggregates": N_AGGREGATES,
            "hidden": list(HIDDEN),
            "optimizer": f"Adam lr={LR} cosine decay, batch {BATCH}, weight decay {WEIGHT_DECAY}",
            "origin": "2013-11-01T00:00:00+01:00",
            "split": {
                "trainTargetsBeforeHour": milan.TEST_START,
                "testTargetHours": [milan.TEST_START, milan.TEST_END],
                "testWindow": "2013-11-25T00:00+01:00 .. 2013-12-16T00:00+01:00 (exclusive)",
                "excludedFromEvaluation": "2013-12-20 .. 2014-01-01 (holidays)",
                "heldOutSquares": held_out,
                "validationSquares": val_sq,
                "trainSquares": train_sq,
            },
        },
        "heldOutQuickEval": metrics,
        "dataAttribution": (
            "Telecom Italia, 'Telecommunications - SMS, Call, Internet - MI', Harvard Dataverse "
            "doi:10.7910/DVN/EGZHFV (Barlacchi et al., Scientific Data 2:150055, 2015), "
            "licensed ODbL 1.0."
        ),
        "license": "Model weights derived from ODbL 1.0 data; keep the data attribution.",
        "createdAt": dt.date.today().isoformat(),
    }
    with open(os.path.join(args.out, "forecaster.card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "MODEL_CARD.md"), "w") as f:
        f.write(model_card_md(card))
    log(f"wrote {onnx_path} ({size} bytes, {n_params} parameters)")


def model_card_md(card) -> str:
    c = card["contract"]
    m = card["heldOutQuickEval"]
    t = card["training"]
    return f"""# Model card: {card['name']} {card['version']}

Load forecaster embedded in slice-operator (`src/forecast/`). Produced by `bash training/train.sh`;
machine-readable contract in `forecaster.card.json` (validated by the operator at load).

## Data and attribution

{card['dataAttribution']}
Subset in `shared/data/milan/hourly_squares.csv`: hourly activity of {len(t['split']['trainSquares']) + len(t['split']['validationSquares']) + len(t['split']['heldOutSquares'])} grid
squares (~235 m) from 2013-11-01 00:00 CET. Units are rescaled activity counts.

## Intended use

Short-term (1-6 h) hourly load forecasts with quantiles for capacity planning of network slices.
Not validated for holidays (Dec 20 - Jan 1 excluded from evaluation), other cities, or sub-hourly
data. Quantiles for single small cells are wide; the operator calibrates the capacity quantile
online (`src/forecast/calibration.ts`).

## Contract

- inputs: `history` float32 [N,{c['historyLength']}] (oldest first, divided by scale), `calendar` float32 [N,4]
- output: `quantiles` float32 [N,{c['horizonSteps']},3] — p50, p90, p99 in scaled units, monotone by
  construction (p90 = p50 + softplus, p99 = p90 + softplus)
- scaling: {c['scaling']['description']}
- calendar: {', '.join(c['calendar']['features'])} at the {c['calendar']['at']}; hour and
  day of week (0 = Monday) in {c['calendar']['timezone']}
- opset 17, IR version 8

## Model and training

- Global MLP {HISTORY + 4} -> {' -> '.join(str(h) for h in t['hidden'])} -> {HORIZON * 3} (ReLU) plus a linear skip
  from the input; {card['parameters']} parameters, {card['sizeBytes']} bytes.
- Trained on {len(t['split']['trainSquares'])} squares plus {t['syntheticAggregates']} synthetic aggregates
  (sums of 2-12 training squares, so the model also learns slice-sized series); {t['windows']} windows,
  all targets before 2013-11-25. Model selection: a run on targets before 2013-11-18, validated on {len(t['split']['validationSquares'])} separate squares
  and a later week (2013-11-18..24)
  chose the epoch ({t['bestEpoch']} of {t['epochs']}); the final fit then used all targets before 2013-11-25.
- Loss: {card['loss']['type']}. Cost model: {card['loss']['costModel']}; alpha =
  {card['loss']['alpha']['p50']:g} (p50), {card['loss']['alpha']['p90']:g} (p90), {card['loss']['alpha']['p99']:g} (p99):
  for the capacity head one unit of unserved traffic costs as much as 99 units of idle capacity.
- {t['optimizer']}; seed {t['seed']}; numpy, single-threaded BLAS (reruns are bit-identical).

## Evaluation split

- Held-out time: targets {t['split']['testWindow']}.
- Held-out squares ({len(t['split']['heldOutSquares'])}, 20 %, never seen in training): rows
  {', '.join(str(i) for i in t['split']['heldOutSquares'])} (0-based row index in the CSV).

Quick Python check on held-out squares, 1 h ahead ({m['squares']} squares with a complete test window):
MAE model {m['model']:.3f}, last value {m['last_value']:.3f}, same hour yesterday
{m['same_hour_yesterday']:.3f}; share of hours above p99: {100 * m['under_provisioned_p99']:.2f} %.
Full comparison (Holt-Winters, sMAPE, MASE, slice aggregates, capacity metrics): `npm run eval:forecast`,
results in `docs/forecaster.md`.

## Limitations

- Two months of one city; weekly seasonality is learned from only ~3 training weeks.
- Calendar features assume the series' local time zone is the card's time zone unless overridden.
- Quantiles are learned on single squares and aggregates of up to 12; for much larger or much
  smoother series, rely on the online conformal calibration.
"""


if __name__ == "__main__":
    main()
