"""Python peers of the forecaster, for the evaluation (`npm run eval:forecast`).

Forecasts, on the series and windows the TypeScript evaluation scores (read from the model
card: held-out distinct squares and the evaluation slices, sums of 2, 5 and 12 of them):
- statsforecast AutoETS (daily season) and MSTL (daily + weekly seasons, AutoETS trend), with
  parameters fitted once on the data before the first scored origin, then applied at every
  origin with `forward` (no refit on test data);
- a plain LightGBM global model: the 168 mean-scaled lags plus the 4 calendar features, L1
  objective, 600 trees, one direct model per horizon, fitted on the training squares and all
  targets before the test window.

Writes JSON {series: {name: {method: {horizon: [forecast per target hour]}}}}, targets
[first, end) where first = window start - warm-up (the evaluation's online calibration sees
the warm-up week unscored). Deterministic: fixed seeds, single-threaded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lgbm  # noqa: E402
import milan  # noqa: E402

HORIZONS = (1, 6)
WARMUP = 168
# At each origin the statistical peers see the last three weeks (AutoETS) or two (MSTL: two
# weekly cycles for its decomposition), which bounds the per-origin cost.
ETS_WINDOW = 3 * 168
MSTL_WINDOW = 2 * 168
# On 2 shared cores a forward pass costs about 0.1 s (AutoETS) and 1-2 s (MSTL, which redoes its
# decomposition) per origin, so they forecast from every 3rd and every 47th origin (47 is prime
# to 24: the origins rotate through the hours of the day). The evaluation compares each method
# with ours on the targets that method forecast. LightGBM forecasts from every origin.
ETS_ORIGIN_STEP = 3
MSTL_ORIGIN_STEP = 47


def eval_series(rows, card, end):
    """(name, values) of the evaluated squares and slices, as tools/eval/eval.ts builds them."""
    split = card["training"]["split"]
    out = []
    for i in split["heldOutSquares"]:
        if len(rows[i]) >= end:
            out.append((f"square-{i}", rows[i][:end]))
    for members in split["evaluationSlices"]:
        out.append((f"slice-{'+'.join(str(i) for i in members)}", np.sum([rows[i][:end] for i in members], axis=0)))
    return out


def stat_forecasts(model_factory, window, y, first, end, fit_end, origin_step=1, scored_from=0):
    """{h: forecast per target first..end-1 (None where not forecast)}, parameters fitted once
    on the data before fit_end; origins o with o % origin_step == 0 and targets >= scored_from."""
    model = model_factory()
    lo = max(0, fit_end - window)
    model.fit(y[lo:fit_end].astype(np.float64))
    hmax = max(HORIZONS)
    by_origin = {}
    for o in range(first - hmax + 1, end):
        if o % origin_step == 0 and o + hmax - 1 >= scored_from:
            # forward() keeps the fitted initial states, seasonal ones included: the window must
            # start at the same phase of the week as the fitted data did, or the seasons shift.
            start = max(lo, o - window)
            start -= (start - lo) % 168
            by_origin[o] = model.forward(y=y[start:o].astype(np.float64), h=hmax)["mean"]
    return {
        h: [max(0.0, float(by_origin[t - h + 1][h - 1])) if t - h + 1 in by_origin else None for t in range(first, end)]
        for h in HORIZONS
    }


def lgbm_peer(rows, card, log):
    split = card["training"]["split"]
    x, y = lgbm.lag_windows(rows, split["trainSquares"], split["trainTargetsBeforeHour"])
    models = {}
    for h in HORIZONS:
        t0 = time.time()
        models[h] = lgbm.fit_step(x, y[:, h - 1])
        log(f"  LightGBM peer h={h}: {len(x)} windows, {time.time() - t0:.0f} s")
    return models


def lgbm_forecasts(models, y, first, end):
    hmax = max(HORIZONS)
    origins = list(range(first - hmax + 1, end))
    x, scale = lgbm.origin_inputs(y, origins)
    out = {}
    for h in HORIZONS:
        pred = np.maximum(models[h].predict(x) * scale, 0.0)
        at = {o: p for o, p in zip(origins, pred)}
        out[h] = [float(at[t - h + 1]) for t in range(first, end)]
    return out


class Run:
    """A peer script's run: its arguments (--data, --card, --out, --window), the card, the rows,
    the window's target hours [t0, t1) and the first forecast target (t0 minus the warm-up)."""

    def __init__(self):
        ap = argparse.ArgumentParser()
        ap.add_argument("--data", required=True)
        ap.add_argument("--card", required=True)
        ap.add_argument("--out", required=True)
        ap.add_argument("--window", choices=["test", "sealed"], default="test")
        self.args = ap.parse_args()
        warnings.filterwarnings("ignore")
        with open(self.args.card, encoding="utf8") as f:
            self.card = json.load(f)
        self.rows = milan.load_rows(self.args.data)
        test = self.args.window == "test"
        self.t0, self.t1 = (milan.TEST_START, milan.TEST_END) if test else (milan.SEALED_START, milan.SEALED_END)
        self.first = self.t0 - WARMUP
        self.started = time.time()

    @staticmethod
    def log(s):
        print(s, file=sys.stderr, flush=True)

    def write(self, result):
        """Writes {series: {name: {method: {horizon: [forecast per target hour]}}}} to --out."""
        doc = {
            "window": self.args.window,
            "targets": [self.first, self.t1],
            "horizons": list(HORIZONS),
            "seconds": round(time.time() - self.started, 1),
            "series": {n: {m: {str(h): v for h, v in fc.items()} for m, fc in ms.items()} for n, ms in result.items()},
        }
        os.makedirs(os.path.dirname(os.path.abspath(self.args.out)), exist_ok=True)
        with open(self.args.out, "w", encoding="utf8") as f:
            json.dump(doc, f)
        self.log(f"wrote {self.args.out} ({doc['seconds']} s)")


def main():
    run = Run()
    log, card, rows, first, t0, t1 = run.log, run.card, run.rows, run.first, run.t0, run.t1
    from statsforecast.models import MSTL, AutoETS

    fit_end = first - max(HORIZONS) + 1
    series = eval_series(rows, card, t1)
    models = lgbm_peer(rows, card, log)
    result = {}
    for name, y in series:
        t = time.time()
        result[name] = {
            "AutoETS (statsforecast)": stat_forecasts(
                lambda: AutoETS(season_length=24), ETS_WINDOW, y, first, t1, fit_end, ETS_ORIGIN_STEP, t0
            ),
            "MSTL 24+168 (statsforecast)": stat_forecasts(
                lambda: MSTL(season_length=[24, 168]), MSTL_WINDOW, y, first, t1, fit_end, MSTL_ORIGIN_STEP, t0
            ),
            "LightGBM (168 lags)": lgbm_forecasts(models, y, first, t1),
        }
        log(f"  {name}: {time.time() - t:.0f} s")
    run.write(result)


if __name__ == "__main__":
    main()
