"""Train the slice-operator load forecaster and export it to ONNX.

An ensemble of quantile MLPs (direct heads for the 6 steps x 3 quantiles, a linear skip path)
trained with JAX and optax (AdamW, cosine decay) on every distinct training series, on synthetic
slices (sums of 2-12 training series) and on short-history windows padded as the operator pads
a young slice's history; the p50 heads are also pulled towards a LightGBM teacher
(distillation, see fit_teacher and teacher_targets). Exported with onnx.helper
(MatMul, Relu, Exp, Log and a CumSum; export.py says why). Output: models/forecaster.onnx,
models/forecaster.card.json (contract read by src/forecast/card.ts and model.ts) and
models/MODEL_CARD.md. Run through `bash training/train.sh`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402
import lgbm  # noqa: E402
import milan  # noqa: E402
from export import to_onnx  # noqa: E402
from milan import HISTORY, HORIZON, QUANTILES, SEED  # noqa: E402
from model_card import card_markdown  # noqa: E402
from net import fit_ensemble, predict_ensemble  # noqa: E402

MODEL_NAME = "milan-quantile-mlp"
MODEL_VERSION = "2.2.1"
N_AGGREGATES = 240  # synthetic slices: sums of 2..12 training series
SHORT_SHARE = 0.3  # share of windows also seen with a short, padded history
SHORT_KNOWN = (6, 9, 12, 18, 24, 30, 36, 48, 60, 72, 96, 120, 144)
MIN_HISTORY = 6  # fewer known hours and the operator uses its fallback
SELECT_END = milan.TEST_START - 7 * 24  # 2013-11-18: model-selection validation week starts
BAND_BUCKETS = ((6, 24), (24, 72), (72, 168))  # [from, to) known hours, widening calibrated per bucket


class Windows:
    """Training windows as they are added, turned into the arrays the network is fitted on."""

    def __init__(self):
        self.hs, self.cs, self.ys, self.ws, self.known = [], [], [], [], []

    def add(self, t, h, y, k, n_known):
        """One window: origin t, history h (padded when n_known < HISTORY), targets y, of a
        series that sums k squares."""
        scale = milan.scale_of(h)
        self.hs.append(h / scale)
        self.cs.append(milan.calendar(t))
        self.ys.append(y / scale)
        # Weight by the series' own level (per member for a sum): the loss is then the MAE in
        # traffic units, the figure the evaluation reports, not a per-window relative error.
        self.ws.append(scale / k)
        self.known.append(n_known)

    def arrays(self):
        """(features, scaled targets, weights normalised to mean 1, known hours)."""
        w_derived, _ = features.derived_matrix()
        x = features.model_features(np.asarray(self.hs), np.asarray(self.cs), w_derived)
        w = np.asarray(self.ws)
        return x, np.asarray(self.ys, dtype=np.float32), (w / w.mean()).astype(np.float32), np.asarray(self.known)


def random_sums(rows, series_ids, n, end, rng):
    """n synthetic slices: (sum of the first `end` hours of 2-12 distinct series, members)."""
    long_enough = [rows[i] for i in series_ids if len(rows[i]) >= end]
    out = []
    for _ in range(n):
        k = int(rng.integers(2, 13))
        pick = rng.choice(len(long_enough), size=k, replace=False)
        out.append((np.sum([long_enough[j][:end] for j in pick], axis=0), k))
    return out


def build_samples(rows, series_ids, first_target, end_target, n_aggregates, short_share, profile, rng):
    """(features, scaled targets, weights, known hours) for single series and random sums."""
    series = [(rows[i], 1) for i in series_ids] + random_sums(rows, series_ids, n_aggregates, end_target, rng)
    out = Windows()
    for s, k in series:
        for t, h, y in milan.windows(s, first_target, end_target):
            out.add(t, h, y, k, HISTORY)
            if rng.random() < short_share:
                n = int(rng.choice(SHORT_KNOWN))
                out.add(t, features.pad_short(h, n, t, profile), y, k, n)
    return out.arrays()


def fit_teacher(rows, train_ids, end, log):
    """The distillation teacher: the evaluation's LightGBM peer (168 scaled lags + calendar, L1,
    600 trees), one model per step, fitted on the single training series' full-week windows with
    targets before `end`."""
    xt, yt = lgbm.lag_windows(rows, train_ids, end)
    models = []
    for k in range(HORIZON):
        t0 = time.time()
        models.append(lgbm.fit_step(xt, yt[:, k]))
        log(f"  teacher step {k + 1}: {len(xt)} windows, {time.time() - t0:.0f} s")
    return models


def teacher_targets(models, x, y, known):
    """Distillation targets [n, HORIZON] for the windows x: the teacher's p50 on full-history
    windows, the actual value on padded windows (the teacher only saw full weeks). Scaled units."""
    full = known >= HISTORY
    xf = np.concatenate([x[full, :HISTORY], x[full, -4:]], axis=1)
    out = np.array(y, dtype=np.float32)
    for k, m in enumerate(models):
        out[full, k] = m.predict(xf)
    return out


def short_windows(rows, series_ids, first_target, end_target, n_known, profile):
    """Validation windows of single series with only the last n_known hours known (padded)."""
    w_derived, _ = features.derived_matrix()
    hs, cs, ys, scales = [], [], [], []
    for i in series_ids:
        for t, h, y in milan.windows(rows[i], first_target, end_target):
            p = features.pad_short(h, n_known, t, profile)
            s = milan.scale_of(p)
            hs.append(p / s)
            cs.append(milan.calendar(t))
            ys.append(y)
            scales.append(s)
    x = features.model_features(np.asarray(hs), np.asarray(cs), w_derived)
    return x, np.asarray(ys), np.asarray(scales)


def band_factors(params, rows, val_ids, profile):
    """Per known-hours bucket: how much wider (p90-p50, p99-p90) must be for a padded history to
    miss its p90/p99 no more often than a full week does, on validation series and weeks."""
    lo, hi = SELECT_END, milan.TEST_START
    full = short_windows(rows, val_ids, lo, hi, HISTORY, profile)

    def misses(x, y, s, f90=1.0, f99=1.0):
        q = predict_ensemble(params, x) * s[:, None, None]
        p90 = q[:, :, 0] + f90 * (q[:, :, 1] - q[:, :, 0])
        p99 = p90 + f99 * (q[:, :, 2] - q[:, :, 1])
        return float((y > p90).mean()), float((y > p99).mean())

    m90, m99 = misses(*full)
    out = []
    grid = np.round(np.arange(1.0, 4.01, 0.05), 2)
    for a, b in BAND_BUCKETS:
        data = short_windows(rows, val_ids, lo, hi, a, profile)
        f90 = next((f for f in grid if misses(*data, f, 1.0)[0] <= m90), grid[-1])
        f99 = next((f for f in grid if misses(*data, f90, f)[1] <= m99), grid[-1])
        out.append({"fromPoints": a, "toPoints": b, "p90Factor": float(f90), "p99Factor": float(f99)})
    return out, {"p90Misses": m90, "p99Misses": m99}


def quick_eval(params, rows, series_ids, profile):
    """Python-side MAE on held-out series, 1 h and 6 h ahead (the reference is eval.ts)."""
    x, y, s = short_windows(rows, [i for i in series_ids if len(rows[i]) >= milan.TEST_END], milan.TEST_START, milan.TEST_END, HISTORY, profile)
    q = predict_ensemble(params, x) * s[:, None, None]
    return {f"mae_h{h}": float(np.abs(q[:, h - 1, 0] - y[:, h - 1]).mean()) for h in (1, 6)}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--duplicates", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--select", action="store_true", help="model-selection run: fit before 2013-11-18, report the later week")
    args = ap.parse_args()
    log = lambda s: print(s, flush=True)  # noqa: E731

    rng = np.random.default_rng(SEED)
    rows = milan.load_rows(args.data)
    distinct = milan.distinct_rows(rows, milan.load_duplicates(args.duplicates))
    train_ids, val_ids, held_out = milan.split_squares(distinct)
    log(f"{len(rows)} rows, {len(distinct)} distinct series: {len(train_ids)} train, {len(val_ids)} val, {len(held_out)} held out")

    t_start = time.time()
    end = SELECT_END if args.select else milan.TEST_START
    # The weekly shape a young slice's history is padded with: from the training series only.
    profile = features.weekly_profile(rows, train_ids, end)
    x, y, w, known = build_samples(rows, train_ids, 0, end, N_AGGREGATES, SHORT_SHARE, profile, rng)
    xv, yv, wv, _ = build_samples(rows, val_ids, SELECT_END, milan.TEST_START, 0, 0.0, profile, rng)
    log(f"{len(x)} training windows (targets before hour {end}), {len(xv)} validation windows")
    teacher = teacher_targets(fit_teacher(rows, train_ids, end, log), x, y, known)
    params, history = fit_ensemble(x, y, w, teacher, xv, yv, wv, SEED, log)
    train_seconds = time.time() - t_start
    if args.select:
        log(json.dumps(history))
        return

    bands, full_misses = band_factors(params, rows, val_ids, profile)
    log(f"short-history band factors: {json.dumps(bands)}")
    metrics = quick_eval(params, rows, held_out, profile)
    log(f"held-out distinct series: {json.dumps(metrics)}")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "forecaster.onnx")
    w_derived, _ = features.derived_matrix()
    n_params = to_onnx(params, w_derived, onnx_path, MODEL_NAME, MODEL_VERSION, xv[:512])
    card = make_card(onnx_path, n_params, params, history, bands, profile, full_misses, metrics, train_seconds, len(x), (train_ids, val_ids, held_out, distinct), rows)
    with open(os.path.join(args.out, "forecaster.card.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")
    with open(os.path.join(args.out, "MODEL_CARD.md"), "w") as f:
        f.write(card_markdown(card))
    log(f"wrote {onnx_path} ({card['sizeBytes']} bytes, {n_params} parameters) in {train_seconds:.0f} s of training")


def make_card(onnx_path, n_params, params, history, bands, profile, full_misses, metrics, train_seconds, n_windows, split, rows):
    from net import HIDDEN, MEMBERS, describe_optimizer

    train_ids, val_ids, held_out, distinct = split
    return {
        "schemaVersion": 1,
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "file": "forecaster.onnx",
        "sha256": sha256(onnx_path),
        "sizeBytes": os.path.getsize(onnx_path),
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
                    "scale = arithmetic mean of the 168 history values (oldest first, gaps filled, a short "
                    "history padded first); if scale < epsilon then scale = 1. history input = values / scale; "
                    "outputs are in the same scaled units: multiply by scale."
                ),
            },
            "calendar": {
                "timezone": "Europe/Rome",
                "at": "first forecast step = time of the last history point + stepSeconds",
                "features": ["sin(2*pi*hour/24)", "cos(2*pi*hour/24)", "sin(2*pi*dow/7)", "cos(2*pi*dow/7)"],
                "hour": "local hour of day 0..23 in timezone",
                "dow": "local day of week, 0 = Monday .. 6 = Sunday",
            },
            "shortHistory": {
                "minPoints": MIN_HISTORY,
                "padding": "weekly-profile",
                "description": (
                    "fewer than historyLength points: each unknown hour takes level * profile[its local hour of the "
                    "week] (level = mean of the known values / mean of the profile at their hours); with >= 24 known, "
                    "averaged with the same hour of the first known day after it times profile[its hour] / "
                    "profile[that hour]. Then p90 = p50 + p90Factor * (p90 - p50), p99 = p90' + p99Factor * (p99 - p90) for the bucket "
                    "of known points."
                ),
                "bands": bands,
                "profileIndex": "local hour of the week in timezone, 0 = Monday 00:00 .. 167 = Sunday 23:00",
                "profile": [float(v) for v in profile],
            },
        },
        "loss": {
            "type": "pinball (quantile) loss, one head per quantile and step, weighted by the series level (MAE in traffic units)",
            "costModel": (
                "DeepCog-style asymmetric provisioning cost: pinball at level tau equals "
                "alpha * under-provisioned + 1 * over-provisioned with alpha = tau / (1 - tau)"
            ),
            "alpha": {"p50": 1.0, "p90": 9.0, "p99": 99.0},
        },
        "training": {
            "data": "hourly_squares.csv (deduplicated: duplicate_rows.txt)",
            "distillation": (
                "p50 loss + |p50 - teacher|: teacher = LightGBM per step (168 scaled lags + calendar, L1, "
                "600 trees) fitted on the training series, on full-history windows; the actual value on padded ones"
            ),
            "seed": SEED,
            "framework": "JAX + optax, exported with onnx.helper",
            "members": MEMBERS,
            "inputs": int(params[0]["W0"].shape[0]),
            "hidden": list(HIDDEN),
            "optimizer": describe_optimizer(),
            "history": history,
            "trainSeconds": round(train_seconds, 1),
            "windows": int(n_windows),
            "syntheticAggregates": N_AGGREGATES,
            "shortHistoryShare": SHORT_SHARE,
            "shortHistoryKnown": list(SHORT_KNOWN),
            "fullHistoryValidationMisses": full_misses,
            "origin": "2013-11-01T00:00:00+01:00",
            "split": {
                "distinctSeries": len(distinct),
                "trainTargetsBeforeHour": milan.TEST_START,
                "testTargetHours": [milan.TEST_START, milan.TEST_END],
                "testWindow": "2013-11-25T00:00+01:00 .. 2013-12-16T00:00+01:00 (exclusive)",
                "sealedTargetHours": [milan.SEALED_START, milan.SEALED_END],
                "sealedWindow": "2013-12-16T00:00+01:00 .. 2013-12-20T00:00+01:00 (exclusive), reported once",
                "excludedFromEvaluation": "2013-12-20 .. 2014-01-01 (holidays)",
                "heldOutSquares": held_out,
                "validationSquares": val_ids,
                "trainSquares": train_ids,
                "evaluationSlices": milan.evaluation_slices(held_out, rows),
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


if __name__ == "__main__":
    main()
