"""The evaluation's neural peer: N-HiTS (Challu et al., AAAI 2023) from Nixtla's neuralforecast.

One global model, fitted as the LightGBM peer is (peers.py): on the training squares, with
every target before the split's `trainTargetsBeforeHour`. Input: the last 168 hours of the
series, scaled per window by neuralforecast ("robust": less the median, over the mean absolute
deviation from it), and the 4 calendar features of milan.calendar as known-future inputs;
output: the next 6 hours, L1 loss. It then forecasts each evaluated square and slice from every
origin of the window, as the LightGBM peer does.

Runs in its own venv (training/venv.sh with venv_name=neural): PyTorch from PyPI brings its
CUDA libraries (about 6 GB installed), which neither training nor the other peers need.
Deterministic: fixed seed, one thread, PyTorch's deterministic algorithms.

Writes JSON {series: {name: {method: {horizon: [forecast per target hour]}}}} for targets
[first, end), as peers.py does; tools/eval/peers.ts merges the two.
"""

from __future__ import annotations

import logging
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import milan  # noqa: E402
from milan import HISTORY, HORIZON, SEED  # noqa: E402
from peers import HORIZONS, Run, eval_series  # noqa: E402

METHOD = "N-HiTS (neuralforecast)"
METHOD_COLUMN = "NHITS"  # neuralforecast's column of the model's forecasts
CALENDAR = ["hour_sin", "hour_cos", "dow_sin", "dow_cos"]
# Optimiser steps of 1,024 windows each (neuralforecast's default batch): about 24 passes over the
# 43,432 training windows, the LightGBM peer's.
MAX_STEPS = 1000
T0 = np.datetime64("2013-11-01T00:00")


def frame(uid, values, t_first):
    """Long-format rows of one series whose first value is at hour index t_first."""
    import pandas as pd

    t = np.arange(t_first, t_first + len(values))
    cal = np.stack([milan.calendar(int(k)) for k in t]) if len(t) else np.zeros((0, 4))
    df = pd.DataFrame({"unique_id": uid, "ds": T0 + t.astype("timedelta64[h]"), "y": values})
    for j, c in enumerate(CALENDAR):
        df[c] = cal[:, j]
    return df


def fit(rows, card, log):
    import pandas as pd
    import torch
    from neuralforecast import NeuralForecast
    from neuralforecast.losses.pytorch import MAE
    from neuralforecast.models import NHITS

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    split = card["training"]["split"]
    end = split["trainTargetsBeforeHour"]
    # As lgbm.lag_windows: a square too short for one whole window gives none.
    ids = [i for i in split["trainSquares"] if len(rows[i][:end]) >= HISTORY + HORIZON]
    df = pd.concat([frame(str(i), rows[i][:end], 0) for i in ids], ignore_index=True)
    model = NHITS(
        h=HORIZON,
        input_size=HISTORY,
        futr_exog_list=CALENDAR,
        loss=MAE(),
        scaler_type="robust",
        max_steps=MAX_STEPS,
        random_seed=SEED,
        enable_progress_bar=False,
        enable_model_summary=False,
        logger=False,
        enable_checkpointing=False,
        accelerator="cpu",
        devices=1,
        deterministic=True,
    )
    nf = NeuralForecast(models=[model], freq="h")
    t = time.time()
    nf.fit(df=df)
    log(f"  N-HiTS peer: {len(ids)} series, targets before hour {end}, {time.time() - t:.0f} s")
    return nf


def forecasts(nf, y, first, end):
    """{h: forecast per target first..end-1}: one window per origin, all in one predict()."""
    import pandas as pd

    hmax = max(HORIZONS)
    origins = list(range(first - hmax + 1, end))
    hist = pd.concat([frame(str(o), y[o - HISTORY : o], o - HISTORY) for o in origins], ignore_index=True)
    futr = pd.concat([frame(str(o), np.zeros(HORIZON), o) for o in origins], ignore_index=True).drop(columns="y")
    pred = nf.predict(df=hist, futr_df=futr)
    by_origin = {
        int(uid): np.maximum(g.sort_values("ds")[METHOD_COLUMN].to_numpy(), 0.0) for uid, g in pred.groupby("unique_id")
    }
    return {h: [float(by_origin[t - h + 1][h - 1]) for t in range(first, end)] for h in HORIZONS}


def main():
    run = Run()
    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning_fabric").setLevel(logging.ERROR)
    nf = fit(run.rows, run.card, run.log)
    result = {}
    for name, y in eval_series(run.rows, run.card, run.t1):
        t = time.time()
        result[name] = {METHOD: forecasts(nf, y, run.first, run.t1)}
        run.log(f"  {name}: {time.time() - t:.0f} s")
    run.write(result)


if __name__ == "__main__":
    main()
