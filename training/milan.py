"""Milan cellular activity: loading, the time/square split and calendar features.

Data: Telecom Italia "Telecommunications - SMS, Call, Internet - MI" (Harvard Dataverse
doi:10.7910/DVN/EGZHFV; Barlacchi et al., Scientific Data 2:150055, 2015), ODbL 1.0.

The split constants here are the single source of truth: train.py writes them into
models/forecaster.card.json and the TypeScript evaluation (tools/eval/eval.ts) reads them
back from the card, so Python and TypeScript evaluate on exactly the same windows and squares.
"""

from __future__ import annotations

import math
import os

import numpy as np

HISTORY = 168  # one week of hourly values as model input
HORIZON = 6  # forecast the next six hours
QUANTILES = (0.5, 0.9, 0.99)
SEED = 20131101

# Hour index 0 is 2013-11-01 00:00 CET (UTC+1; no DST change inside Nov-Dec 2013).
# 2013-11-01 was a Friday; day of week counts 0 = Monday .. 6 = Sunday.
FIRST_DOW = 4
TEST_START = 24 * 24  # 2013-11-25 00:00: first held-out target hour
TEST_END = 24 * 45  # 2013-12-16 00:00: end (exclusive) of held-out targets
# 2013-12-16 .. 2013-12-19: the sealed final test window. No design choice looks at it; it is
# reported once, at the end (tools/eval/eval.ts --sealed), never used for selection or tuning.
SEALED_START = TEST_END
SEALED_END = 24 * 49  # 2013-12-20 00:00, exclusive
HOLIDAY_START = 24 * 49  # 2013-12-20: never evaluated on (holidays); not used at all here
HELD_OUT_FRACTION = 0.2  # distinct series never seen in training
VAL_FRACTION = 0.1  # training-side distinct series used only for model selection


def load_rows(path: str) -> list[np.ndarray]:
    rows = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(np.array([float(v) for v in line.split(",")], dtype=np.float64))
    return rows


def load_duplicates(path: str) -> list[list[int]]:
    """Groups of row indices that hold the same series (duplicate_rows.txt: one group a line)."""
    groups = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                groups.append([int(v) for v in line.split()])
    return groups


def distinct_rows(rows: list[np.ndarray], groups: list[list[int]]) -> list[int]:
    """One row index per distinct series: the first row of each duplicate group, every other row.

    Checks the groups against the data (rows of a group must be equal value for value) and that
    no two kept rows are equal, so a stale duplicate list cannot leak a copy across the split.
    """
    dropped = set()
    for g in groups:
        for i in g[1:]:
            if not np.array_equal(rows[g[0]], rows[i], equal_nan=True):
                raise ValueError(f"duplicate_rows: rows {g[0]} and {i} differ")
            dropped.add(i)
    kept = [i for i in range(len(rows)) if i not in dropped]
    seen = {}
    for i in kept:
        key = rows[i].tobytes()
        if key in seen:
            raise ValueError(f"rows {seen[key]} and {i} are equal but not listed in duplicate_rows")
        seen[key] = i
    return kept


def split_squares(distinct: list[int]) -> tuple[list[int], list[int], list[int]]:
    """(train, val, held_out) row indices over distinct series; deterministic for a given list."""
    n = len(distinct)
    perm = [distinct[i] for i in np.random.default_rng(SEED).permutation(n)]
    n_test = int(round(HELD_OUT_FRACTION * n))
    n_val = int(round(VAL_FRACTION * n))
    held_out = sorted(int(i) for i in perm[:n_test])
    val = sorted(int(i) for i in perm[n_test : n_test + n_val])
    train = sorted(int(i) for i in perm[n_test + n_val :])
    return train, val, held_out


# The project's copy of the data, beside the repository (../shared/data/milan).
DEFAULT_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "milan")


def load_split(data_dir: str = DEFAULT_DATA_DIR) -> tuple[list[np.ndarray], list[int], list[int], list[int]]:
    """(rows, train, val, held_out): hourly_squares.csv, deduplicated, split by distinct series."""
    rows = load_rows(os.path.join(data_dir, "hourly_squares.csv"))
    distinct = distinct_rows(rows, load_duplicates(os.path.join(data_dir, "duplicate_rows.txt")))
    return (rows, *split_squares(distinct))


def calendar(t: int) -> np.ndarray:
    """Calendar features of the forecast origin = hour index t of the FIRST forecast step."""
    hour = t % 24
    dow = (FIRST_DOW + t // 24) % 7
    return np.array(
        [
            math.sin(2 * math.pi * hour / 24),
            math.cos(2 * math.pi * hour / 24),
            math.sin(2 * math.pi * dow / 7),
            math.cos(2 * math.pi * dow / 7),
        ],
        dtype=np.float64,
    )


SCALE_EPSILON = 1e-6


def scale_of(history: np.ndarray) -> float:
    s = float(history.mean())
    return s if s >= SCALE_EPSILON else 1.0


def windows(series: np.ndarray, first_target: int, end_target: int):
    """Yield (origin t, history, targets) for every t with targets inside [first_target, end_target)."""
    lo = max(HISTORY, first_target)
    hi = min(end_target, len(series)) - HORIZON
    for t in range(lo, hi + 1):
        yield t, series[t - HISTORY : t], series[t : t + HORIZON]


SLICE_SIZES = (2, 5, 12)


def evaluation_slices(held_out: list[int], rows: list[np.ndarray]) -> list[list[int]]:
    """Slices the evaluation scores: sums of 2, 5 and 12 distinct held-out series.

    Only series with the sealed window (so the test and the sealed run score the same slices);
    for each size, consecutive groups of one seeded permutation, no square twice in a group.
    """
    full = [i for i in held_out if len(rows[i]) >= SEALED_END]
    perm = [full[i] for i in np.random.default_rng(SEED + 1).permutation(len(full))]
    out = []
    for k in SLICE_SIZES:
        for g in range(len(perm) // k):
            out.append(sorted(perm[g * k : (g + 1) * k]))
    return out


def validation_groups(rows: list[np.ndarray], val_ids: list[int], sizes: tuple[int, ...]) -> dict[int, list[list[int]]]:
    """Series the validation studies score: every validation square with a full history up to
    the test window (as a group of one), and for each size in turn, consecutive groups of six
    seeded permutations of them. The draws follow the order of `sizes`; sorted by size."""
    full = [i for i in val_ids if len(rows[i]) >= TEST_START]
    rng = np.random.default_rng(7)
    groups = {1: [[i] for i in full]}
    for k in sizes:
        groups[k] = [list(p[j * k : (j + 1) * k]) for p in (rng.permutation(full) for _ in range(6)) for j in range(len(full) // k)]
    return dict(sorted(groups.items()))
