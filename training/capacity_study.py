"""How little over-provisioning can any headroom on the model's quantiles reach at 1 % of hours
under-provisioned? The bound behind the capacity row of docs/forecaster.md's targets.

Scores an ONNX model's 1 h quantiles on the validation week (2013-11-18 .. 24; the test and
sealed windows play no part) for the validation squares and the seeded sums of 5 and 12 of them
that select_study.py scores. Capacity rules, each as % of hours under-provisioned and
over-provisioning (idle capacity over the total load, as the evaluation counts it):
  - per-slice conformal: p50, p90 or p99 times the operator's ConformalCalibrator factor
    (target 0.99, the last 336 ratios actual / quantile, clamped to [0.5, 3]);
  - hindsight bounds, not deployable: the single factor on p50, p90 or p99, and the single c
    in p50 + c (p99 - p50), chosen after the fact as the smallest that leaves at most 1 % of
    the week's hours under. No rule of these shapes fitted online can beat them.
The shipped model saw the training squares up to the test window, the validation week
included, so its figures here are if anything optimistic.

    training/.venv/bin/python training/capacity_study.py MODEL.onnx   # a few seconds
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lgbm  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY  # noqa: E402
from train import SELECT_END  # noqa: E402

TARGET = 0.99  # the evaluation's strict conformal target, and 1 % of hours under
WINDOW = 336  # ConformalCalibrator's ratios per slice
FACTOR_BOUNDS = (0.5, 3.0)
NAMES = ("p50", "p90", "p99")


def conformal_capacity(q, actual, first):
    """q[j] * the conformal factor from the ratios actual / q of the WINDOW hours before j, for
    every j >= first (as ConformalCalibrator: the ceil((n + 1) target)-th smallest ratio). The
    calibrator's rule of factor 1 below 24 ratios never applies here: main's origins start 240
    hours before the validation week."""
    out = []
    for j in range(first, len(q)):
        ratios = np.sort(actual[max(0, j - WINDOW) : j] / np.maximum(q[max(0, j - WINDOW) : j], 1e-9))
        k = min(len(ratios), math.ceil((len(ratios) + 1) * TARGET))
        out.append(q[j] * np.clip(ratios[k - 1], *FACTOR_BOUNDS))
    return np.array(out)


def hindsight(base, unit, actual):
    """The smallest c with actual <= base + c * unit on all but 1 % of the hours."""
    return float(np.quantile((actual - base) / np.maximum(unit, 1e-9), TARGET, method="higher"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: capacity_study.py MODEL.onnx (the shipped one: models/forecaster.onnx)")
    sess = ort.InferenceSession(sys.argv[1])
    rows, _, val_ids, _ = milan.load_split()
    groups = milan.validation_groups(rows, val_ids, (5, 12, 2))  # select_study.py's draws
    origins = np.arange(HISTORY, milan.TEST_START)
    first = int(np.searchsorted(origins, SELECT_END))
    print("| series | MAE 1 h | MAPE 1 h | rule | under-prov. % | over-prov. % |")
    print("|---|---|---|---|---|---|")
    for size in (1, 5, 12):
        qs, ys, conformal = [], [], {n: [] for n in NAMES}
        for g in groups[size]:
            y = np.sum([rows[i][: milan.TEST_START] for i in g], axis=0)
            x, scale = lgbm.origin_inputs(y, origins)
            q = np.maximum(sess.run(None, {"history": x[:, :HISTORY], "calendar": x[:, HISTORY:]})[0][:, 0, :] * scale[:, None], 0.0)
            actual = y[origins]
            for n, col in zip(NAMES, q.T):
                conformal[n].append(conformal_capacity(col, actual, first))
            qs.append(q[first:])
            ys.append(actual[first:])
        q, y = np.concatenate(qs), np.concatenate(ys)

        def cells(cap):
            return f"{100 * np.mean(y > cap):.2f} | {100 * np.maximum(cap - y, 0).sum() / y.sum():.1f}"

        err = np.abs(q[:, 0] - y)
        mape = f"{100 * np.mean(err / y):.2f} %" if size > 1 else ""  # squares have hours at 0
        label = f"{len(groups[size])} x {size} square(s) | {err.mean():.3f} | {mape}"
        for n in NAMES:
            print(f"| {label} | {n} x conformal({TARGET}) | {cells(np.concatenate(conformal[n]))} |")
        for j, n in enumerate(NAMES):
            f = hindsight(0.0, q[:, j], y)
            print(f"| {label} | hindsight: {n} x {f:.3f} | {cells(q[:, j] * f)} |")
        c = hindsight(q[:, 0], q[:, 2] - q[:, 0], y)
        print(f"| {label} | hindsight: p50 + {c:.3f} (p99 - p50) | {cells(q[:, 0] + c * (q[:, 2] - q[:, 0]))} |", flush=True)


if __name__ == "__main__":
    main()
