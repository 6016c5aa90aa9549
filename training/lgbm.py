"""The plain LightGBM global model that is both the evaluation's peer (peers.py) and the
training's distillation teacher (train.py): the 168 mean-scaled lags plus the 4 calendar
features of every window of the given series with targets before `end`, an L1 objective and
600 trees, one direct model per forecast step. Deterministic: fixed seed, single-threaded.
The validation studies (history_study.py, input_study.py, peer_study.py) score their variants
of it with validation_mae."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np

import milan
from milan import HISTORY, SEED


def origin_inputs(series, origins, lags=HISTORY, scale_of=milan.scale_of):
    """Inputs [len(origins), lags + 4] for forecasts from the given origins: the `lags` values
    before each origin over the scale of the last 168 of them (their mean unless a study passes
    another `scale_of`), and the calendar; and the scales."""
    hist = np.stack([series[o - lags : o] for o in origins])
    scale = np.array([scale_of(h[-HISTORY:]) for h in hist])
    cal = np.stack([milan.calendar(o) for o in origins])
    return np.concatenate([hist / scale[:, None], cal], axis=1).astype(np.float32), scale


def lag_windows(rows, series_ids, end):
    """Inputs [n, 172] (scaled lags, calendar) and scaled targets [n, horizon] of every window."""
    hs, cs, ys = [], [], []
    for i in series_ids:
        for t, h, y in milan.windows(rows[i], 0, end):
            s = milan.scale_of(h)
            hs.append(h / s)
            cs.append(milan.calendar(t))
            ys.append(y / s)
    return np.concatenate([np.asarray(hs), np.asarray(cs)], axis=1).astype(np.float32), np.asarray(ys)


PARAMS = dict(objective="l1", n_estimators=600, learning_rate=0.05, num_leaves=31)


def fit_step(x, y_step, **overrides):
    """One step's model, fitted on lag_windows' inputs and that step's column of targets.
    `overrides` replace PARAMS (peer_study.py's variants)."""
    import lightgbm as lgb

    params = {**PARAMS, **overrides}
    return lgb.LGBMRegressor(**params, random_state=SEED, n_jobs=1, deterministic=True, verbose=-1).fit(x, y_step)


def validation_mae(rows, train_ids, groups, step, fit_from, inputs, fit=fit_step):
    """A study's variant of the peer at one step: fitted on the training series' origins from
    `fit_from` with targets before the validation week, then its MAE on the validation week for
    each list of `groups` (each group scored as the sum of its series). `inputs(series, origins)`
    gives (inputs, scales) as origin_inputs does; `fit(x, y)` returns a model with `predict`.
    Returns ([MAE per list], training windows)."""
    val_start, val_end = milan.TEST_START - HISTORY, milan.TEST_START
    xs, ys = [], []
    for i in train_ids:
        y = rows[i]
        origins = range(fit_from, min(val_start, len(y)) - step + 1)
        if len(origins) > 0:
            x, s = inputs(y, origins)
            xs.append(x)
            ys.append(np.array([y[o + step - 1] for o in origins]) / s)
    model = fit(np.concatenate(xs), np.concatenate(ys))
    maes = []
    for gs in groups:
        err = []
        for g in gs:
            y = np.sum([rows[i][:val_end] for i in g], axis=0)
            x, s = inputs(y, range(val_start - step + 1, val_end - step + 1))
            err.append(np.abs(np.maximum(model.predict(x) * s, 0.0) - y[val_start:val_end]))
        maes.append(float(np.concatenate(err).mean()))
    return maes, sum(len(v) for v in ys)


def print_variants(score, variants, steps):
    """Runs a study's `score((variant, step)) -> (variant, step, [MAE per group size])` for every
    variant and step, two at a time, and prints the table: the first variant's MAE, the others'
    relative to it."""
    jobs = [(v, step) for v in variants for step in steps]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = {(v, step): maes for v, step, maes in pool.map(score, jobs)}
    rows, _, val_ids, _ = milan.load_split()
    sizes = list(milan.validation_groups(rows, val_ids, (5, 12, 2)))
    print("| variant | step | " + " | ".join(f"{k} square(s)" for k in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    first = variants[0]
    for v, step in jobs:
        base = results[(first, step)]
        cells = [f"{m:.3f}" + ("" if v == first else f" ({100 * (m / b - 1):+.1f} %)") for m, b in zip(results[(v, step)], base)]
        print(f"| {v} | {step} h | " + " | ".join(cells) + " |")
