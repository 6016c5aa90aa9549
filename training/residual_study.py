"""Can the operator correct a forecast with the forecaster's own recent errors?

An operator sees every slice's actual load an hour later, so it could add to each forecast a
share of the last error of the same step (`last error x a`), the mean error at the same hour on
the last 7 days (`same hour x a`; the online residual correction that peers such as ETS carry in
their state), or the last error of the other slices it runs (`fleet's last error x a`: the mean
scaled error of the validation squares outside the series). This scores them on the validation
week (2013-11-18 .. 24; the test and sealed windows play no part), for an ONNX model's p50 and
for the LightGBM peer fitted as select_study.py fits it (training squares, targets before the
validation week), on the validation squares and the seeded sums of 2, 5 and 12 of them that
select_study.py scores: MAE at 1 h and 6 h relative to the uncorrected forecast, and the
autocorrelation of the scaled errors (lag 1 h and 24 h) that such a correction would live on.
The shipped model was trained on the training squares up to the test window, the validation
week included, so compare each forecaster with itself, not the two with each other.

    training/.venv/bin/python training/residual_study.py MODEL.onnx   # about 30 s
"""

from __future__ import annotations

import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lgbm  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY, HORIZON  # noqa: E402
from train import SELECT_END  # noqa: E402

STEPS = (1, 6)
DAYS = 7  # same-hour errors of the last week
SHARES = (0.1, 0.2, 0.3)


def model_forecaster(path):
    sess = ort.InferenceSession(path)

    def forecast(series, origins):
        x, scale = lgbm.origin_inputs(series, origins)
        q = sess.run(None, {"history": x[:, :HISTORY], "calendar": x[:, HISTORY:]})[0]
        return np.maximum(q[:, :, 0] * scale[:, None], 0.0), scale

    return forecast


def peer_forecaster(rows, train_ids):
    x, y = lgbm.lag_windows(rows, train_ids, SELECT_END)
    models = {step: lgbm.fit_step(x, y[:, step - 1]) for step in STEPS}

    def forecast(series, origins):
        xs, scale = lgbm.origin_inputs(series, origins)
        out = np.zeros((len(origins), HORIZON))
        for step, m in models.items():
            out[:, step - 1] = np.maximum(m.predict(xs) * scale, 0.0)
        return out, scale

    return forecast


def scaled_errors(y, f, scale, origins, step):
    """Scaled error of the forecast for origins[j] + step - 1 made at origins[j]."""
    return (y[origins + step - 1] - f[:, step - 1]) / scale


def corrections(y, f, scale, origins, step, fleet):
    """Per variant, the forecasts of the validation week's targets from origin o for o + step - 1,
    each corrected only with errors known at o (targets before o). fleet: the other series' mean
    scaled error per origin."""
    k = step - 1
    err = scaled_errors(y, f, scale, origins, step)
    sel = np.where((origins >= SELECT_END - k) & (origins + k < milan.TEST_START))[0]
    base = f[sel, k]
    last = err[sel - step]  # target o - 1, forecast from o - step
    same = np.mean([err[sel - 24 * d] for d in range(1, DAYS + 1)], axis=0)
    out = {"none": base}
    for a in SHARES:
        out[f"last error x {a}"] = np.maximum(base + a * last * scale[sel], 0.0)
    for a in (0.5, 1.0):
        out[f"same hour x {a}"] = np.maximum(base + a * same * scale[sel], 0.0)
    for a in SHARES:
        out[f"fleet's last error x {a}"] = np.maximum(base + a * fleet[sel - step] * scale[sel], 0.0)
    e = err[sel]
    acf = [float(np.corrcoef(e[lag:], e[:-lag])[0, 1]) for lag in (1, 24)]
    return out, y[origins[sel] + k], acf


def study(name, forecast, rows, groups):
    first = SELECT_END - DAYS * 24 - max(STEPS)
    squares = [g[0] for g in groups[1]]
    for step in STEPS:
        origins = np.arange(first, milan.TEST_START - step + 1)
        square_errors = {}
        for i in squares:
            y = rows[i][: milan.TEST_START]
            square_errors[i] = scaled_errors(y, *forecast(y, origins), origins, step)
        maes, acfs = {}, {}
        for size, gs in groups.items():
            errs, lags = {}, []
            for g in gs:
                y = np.sum([rows[i][: milan.TEST_START] for i in g], axis=0)
                f, scale = forecast(y, origins)
                fleet = np.mean([e for i, e in square_errors.items() if i not in g], axis=0)
                variants, actual, acf = corrections(y, f, scale, origins, step, fleet)
                for v, p in variants.items():
                    errs.setdefault(v, []).append(np.abs(p - actual))
                lags.append(acf)
            maes[size] = {v: float(np.concatenate(e).mean()) for v, e in errs.items()}
            acfs[size] = np.mean(lags, axis=0)
        sizes = list(groups)
        print(f"\n{name}, {step} h | " + " | ".join(f"{k} square(s)" for k in sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for v in maes[sizes[0]]:
            cells = [
                f"{maes[k][v]:.3f}" if v == "none" else f"{100 * (maes[k][v] / maes[k]['none'] - 1):+.1f} %"
                for k in sizes
            ]
            print(f"| {v} | " + " | ".join(cells) + " |")
        print("| error autocorrelation, lag 1 h / 24 h | " + " | ".join(f"{acfs[k][0]:.2f} / {acfs[k][1]:.2f}" for k in sizes) + " |", flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: residual_study.py MODEL.onnx (the shipped one: models/forecaster.onnx)")
    rows, train_ids, val_ids, _ = milan.load_split()
    groups = milan.validation_groups(rows, val_ids, (5, 12, 2))  # select_study.py's draws
    study("model", model_forecaster(sys.argv[1]), rows, groups)
    study("LightGBM peer", peer_forecaster(rows, train_ids), rows, groups)


if __name__ == "__main__":
    main()
