"""The plain LightGBM global model that is both the evaluation's peer (peers.py) and the
training's distillation teacher (train.py): the 168 mean-scaled lags plus the 4 calendar
features of every window of the given series with targets before `end`, an L1 objective and
600 trees, one direct model per forecast step. Deterministic: fixed seed, single-threaded."""

from __future__ import annotations

import numpy as np

import milan
from milan import HISTORY, SEED


def origin_inputs(series, origins, lags=HISTORY):
    """Inputs [len(origins), lags + 4] for forecasts from the given origins: the `lags` values
    before each origin over the mean of the last 168 of them, and the calendar; and the scales."""
    hist = np.stack([series[o - lags : o] for o in origins])
    scale = np.array([milan.scale_of(h[-HISTORY:]) for h in hist])
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


def fit_step(x, y_step):
    """One step's model, fitted on lag_windows' inputs and that step's column of targets."""
    import lightgbm as lgb

    return lgb.LGBMRegressor(
        objective="l1", n_estimators=600, learning_rate=0.05, num_leaves=31,
        random_state=SEED, n_jobs=1, deterministic=True, verbose=-1,
    ).fit(x, y_step)
