"""Does a second week of history help? The LightGBM peer's recipe with 168 and with 336 lags.

Two models per forecast step, the same but for the lags they read: the last 168 or the last 336
hours, both scaled by the mean of the last 168 (as the forecaster scales), plus the 4 calendar
features. Both are fitted on the same windows: the training squares' origins from hour 336
(the first with two weeks before it), targets before the validation week: three days. Scored
on the validation week (2013-11-18 .. 24), on the validation squares and the seeded sums of 2,
5 and 12 of them that select_study.py scores (MAE, 1 h and 6 h). The test and sealed windows
play no part.

    training/.venv/bin/python training/history_study.py     # about 2 minutes
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lgbm  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY  # noqa: E402

LAGS = (HISTORY, 2 * HISTORY)
STEPS = (1, 6)
FIT_FROM = 2 * HISTORY  # the first origin with two weeks of history before it


def main():
    rows, train_ids, val_ids, _ = milan.load_split()
    groups = milan.validation_groups(rows, val_ids, (5, 12, 2))  # select_study.py's draws
    print("| lags | step | windows | " + " | ".join(f"{k} square(s) MAE" for k in groups) + " |")
    print("|---|---|---|" + "---|" * len(groups))
    for lags in LAGS:
        for step in STEPS:
            inputs = lambda y, origins: lgbm.origin_inputs(y, origins, lags)  # noqa: E731
            maes, windows = lgbm.validation_mae(rows, train_ids, groups.values(), step, FIT_FROM, inputs)
            print(f"| {lags} | {step} h | {windows} | " + " | ".join(f"{m:.3f}" for m in maes) + " |", flush=True)


if __name__ == "__main__":
    main()
