"""Is the LightGBM peer a weak setting of LightGBM? Its recipe with other settings.

Variants of the peer (lgbm.py: one direct model per step, L1, 600 trees, 31 leaves, learning
rate 0.05, the 168 mean-scaled lags and 4 calendar features), each fitted on the training
squares' windows with targets before the validation week and scored on the validation week
(2013-11-18 .. 24), on the validation squares and the seeded sums of 2, 5 and 12 of them that
select_study.py scores (MAE, 1 h and 6 h). The test and sealed windows play no part.

  peer         the evaluation's peer
  trees1200    1200 trees at learning rate 0.025
  leaves63     63 leaves a tree
  colsample    each tree sees a random half of the inputs
  huber        the Huber loss (delta 0.3 in scaled units) instead of L1
  log          fitted on log(y + 0.3) of the scaled targets, forecast exp(prediction) - 0.3
               (a monotone map keeps the median that L1 fits; the network's --log-space)
  summaries    the network's 18 linear summaries of the lags as 18 more inputs

    training/.venv/bin/python training/peer_study.py     # about 2 minutes, 2 processes
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402
import lgbm  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY  # noqa: E402

SETTINGS = {
    "peer": {},
    "trees1200": {"n_estimators": 1200, "learning_rate": 0.025},
    "leaves63": {"num_leaves": 63},
    "colsample": {"colsample_bytree": 0.5},
    "huber": {"objective": "huber", "alpha": 0.3},
    "log": {},
    "summaries": {},
}
STEPS = (1, 6)
LOG_EPSILON = 0.3


class LogTarget:
    """A model fitted on log(y + LOG_EPSILON); predict maps back."""

    def __init__(self, x, y):
        self.model = lgbm.fit_step(x, np.log(np.maximum(y, 0.0) + LOG_EPSILON))

    def predict(self, x):
        return np.exp(self.model.predict(x)) - LOG_EPSILON


def score(job: tuple[str, int]) -> tuple[str, int, list[float]]:
    """MAE of one variant at one step, per group size of the validation series."""
    variant, step = job
    rows, train_ids, val_ids, _ = milan.load_split()
    groups = milan.validation_groups(rows, val_ids, (5, 12, 2)).values()
    inputs = lgbm.origin_inputs
    if variant == "summaries":
        w, _ = features.derived_matrix()

        def inputs(y, origins):
            x, scales = lgbm.origin_inputs(y, origins)
            return np.concatenate([x, (x[:, :HISTORY] @ w).astype(np.float32)], axis=1), scales

    fit = LogTarget if variant == "log" else (lambda x, y: lgbm.fit_step(x, y, **SETTINGS[variant]))
    maes, _ = lgbm.validation_mae(rows, train_ids, groups, step, HISTORY, inputs, fit)
    return variant, step, maes


def main():
    lgbm.print_variants(score, list(SETTINGS), STEPS)


if __name__ == "__main__":
    main()
