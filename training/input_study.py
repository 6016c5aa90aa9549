"""What limits the peer on squares? Its recipe with another scale, the city's load as an input,
or fewer training squares.

Variants of the peer (lgbm.py: one direct model per step, L1, 600 trees), each fitted on the
training squares' windows (all of them unless said) with targets before the validation week and
scored on the validation week (2013-11-18 .. 24), on the validation squares and the seeded sums
of 2, 5 and 12 of them that select_study.py scores (MAE, 1 h and 6 h). The test and sealed
windows play no part.

  peer      the 168 lags over their mean, and the 4 calendar features (the evaluation's peer)
  median    the lags over their median (a scale that one spike does not move)
  mean24    the lags over the mean of the last 24 of them (a scale that follows the level)
  city      the peer's inputs, and the city's load (the sum of every training and validation
            series with data up to the test window): its last hour over its own mean of the
            last 168 hours, and how far that sits from the same hour a week before
  city24    the same for the city's last 24 hours (48 inputs)
  half      the peer fitted on a seeded half of the training squares (its learning curve)
  quarter   the same with a quarter of them

The city is what an operator could add from outside one slice without new data sources: the
sum of all the slices it runs. Only hours before each forecast's origin are read. Every
variant's first origin is hour 192, so that the city's hours a week before the last 24 exist.

    training/.venv/bin/python training/input_study.py     # about 2.5 minutes, 2 processes
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lgbm  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY  # noqa: E402

VARIANTS = ("peer", "median", "mean24", "city", "city24", "half", "quarter")
STEPS = (1, 6)
CITY_HOURS = {"city": 1, "city24": 24}
TRAIN_SHARE = {"half": 0.5, "quarter": 0.25}
FIT_FROM = HISTORY + max(CITY_HOURS.values())  # the first origin with the city's week before
VAL_END = milan.TEST_START  # end of the validation week's targets (the city's data)


def scale(variant: str, history: np.ndarray) -> float:
    if variant == "median":
        s = float(np.median(history))
    elif variant == "mean24":
        s = float(history[-24:].mean())
    else:
        s = float(history.mean())
    return s if s >= milan.SCALE_EPSILON else 1.0


def city_inputs(city: np.ndarray, origins, hours: int) -> np.ndarray:
    """[len(origins), 2 * hours]: the city's last `hours` values over its mean of the last 168,
    and each one's difference from the same hour a week before (also over that mean)."""
    out = []
    for o in origins:
        s = city[o - HISTORY : o].mean()
        recent = city[o - hours : o] / s
        week_before = city[o - HISTORY - hours : o - HISTORY] / s
        out.append(np.concatenate([recent, recent - week_before]))
    return np.asarray(out, dtype=np.float32)


def inputs(variant: str, series: np.ndarray, origins, city: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The variant's inputs for forecasts from the given origins, and the scales."""
    x, scales = lgbm.origin_inputs(series, origins, scale_of=lambda h: scale(variant, h))
    if variant in CITY_HOURS:
        x = np.concatenate([x, city_inputs(city, origins, CITY_HOURS[variant])], axis=1)
    return x, scales


def score(job: tuple[str, int]) -> tuple[str, int, list[float]]:
    """MAE of one variant at one step, per group size of the validation series."""
    variant, step = job
    rows, train_ids, val_ids, _ = milan.load_split()
    city = np.sum([rows[i][:VAL_END] for i in train_ids + val_ids if len(rows[i]) >= VAL_END], axis=0)
    if variant in TRAIN_SHARE:
        perm = np.random.default_rng(milan.SEED).permutation(train_ids)
        train_ids = sorted(int(i) for i in perm[: round(TRAIN_SHARE[variant] * len(train_ids))])
    groups = milan.validation_groups(rows, val_ids, (5, 12, 2)).values()
    maes, _ = lgbm.validation_mae(rows, train_ids, groups, step, FIT_FROM, lambda y, o: inputs(variant, y, o, city))
    return variant, step, maes


def main():
    lgbm.print_variants(score, VARIANTS, STEPS)


if __name__ == "__main__":
    main()
