"""Model features, shared by training and the ONNX graph.

The model reads the card's inputs (168 mean-scaled hourly values, 4 calendar values). Inside the
graph they are widened with linear summaries of the history (one MatMul with the fixed matrix
below): recent means, the same-hour profile of the past week for each forecast step, and how far
the last hours sit above their own same-hour profile; and the calendar with smooth one-hot bumps
of the hour and day of week (a MatMul and an Exp).

Short history: a slice younger than a week is padded to 168 values by `pad_short` (mirrored in
src/forecast/features.ts: padShortHistory) before scaling; the model is trained on such padded
windows too, so it forecasts from the first hours of a slice's life.
"""

from __future__ import annotations

import numpy as np

from milan import HISTORY, HORIZON

DAY = 24
WEEK_DAYS = HISTORY // DAY
# Sharpness of the calendar bumps: exp(8 (cos(a - a_k) - 1)) is 1 at the anchor hour, 0.13 one
# hour off and 0.02 two hours off (24 hour anchors), 0.0003 a day off (7 day anchors).
CAL_KAPPA = 8.0
CAL_BUMPS = 24 + 7


def derived_matrix() -> tuple[np.ndarray, list[str]]:
    """(W, names): derived = history @ W, history oldest first (index HISTORY-1 = last hour)."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    last = HISTORY - 1

    def col() -> np.ndarray:
        c = np.zeros(HISTORY, dtype=np.float64)
        cols.append(c)
        return c

    for k in (3, 6, 12, 24):
        col()[HISTORY - k :] = 1.0 / k
        names.append(f"mean_last_{k}h")
    # Same hour as the last point, over the past days: the "now" anomaly.
    c = col()
    c[last] = 1.0
    for d in range(1, WEEK_DAYS):
        c[last - d * DAY] -= 1.0 / (WEEK_DAYS - 1)
    names.append("last_minus_profile")
    c = col()
    for j in range(3):
        c[last - j] += 1.0 / 3
        for d in range(1, WEEK_DAYS):
            c[last - j - d * DAY] -= 1.0 / (3 * (WEEK_DAYS - 1))
    names.append("last3_minus_profile")
    for h in range(1, HORIZON + 1):
        # Target hour t+h-1 (t = first forecast step) seen d days earlier: index HISTORY + h - 1 - 24 d.
        prof = col()
        for d in range(1, WEEK_DAYS + 1):
            prof[HISTORY + h - 1 - d * DAY] += 1.0 / WEEK_DAYS
        names.append(f"profile_step{h}")
        recent = col()
        for d in range(1, 3):
            recent[HISTORY + h - 1 - d * DAY] += 0.5
        names.append(f"profile2d_step{h}")
    return np.stack(cols, axis=1).astype(np.float32), names


def calendar_bump_matrix() -> np.ndarray:
    """C [4, CAL_BUMPS]: calendar @ C = CAL_KAPPA * cos(angle - anchor) for the 24 hour and 7 day
    anchors (cos(a - b) = sin a sin b + cos a cos b: linear in the calendar's sin/cos)."""
    c = np.zeros((4, CAL_BUMPS), dtype=np.float64)
    a = 2 * np.pi * np.arange(24) / 24
    b = 2 * np.pi * np.arange(7) / 7
    c[0, :24], c[1, :24] = np.sin(a), np.cos(a)
    c[2, 24:], c[3, 24:] = np.sin(b), np.cos(b)
    return (CAL_KAPPA * c).astype(np.float32)


def calendar_bumps(cal: np.ndarray) -> np.ndarray:
    """Smooth one-hot of the local hour (24) and day of week (7): exp(calendar @ C - CAL_KAPPA).
    A single ReLU layer on sin/cos alone shapes hour-of-day effects coarsely; these let it weight
    each hour and day directly (measured on the validation week: lower 6 h MAE)."""
    return np.exp(cal.astype(np.float32) @ calendar_bump_matrix() - np.float32(CAL_KAPPA))


def pad_short(window: np.ndarray, known: int) -> np.ndarray:
    """A HISTORY-long window whose first HISTORY-known values are unknown, padded.

    With a day or more known, each unknown hour takes the value of the same hour a day later
    (the known days tiled backwards: keeps the daily shape); with less, the mean of the known
    values. Matches padShortHistory in src/forecast/features.ts.
    """
    out = np.array(window, dtype=np.float64)
    first = HISTORY - known
    if known >= HISTORY:
        return out
    if known >= DAY:
        for i in range(first - 1, -1, -1):
            out[i] = out[i + DAY]
    else:
        out[:first] = out[first:].mean()
    return out


def model_features(hist_scaled: np.ndarray, cal: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The network's input: [history, history @ W, calendar bumps, calendar], float32. The
    calendar is last (the LightGBM teacher reads the history and these 4 columns)."""
    h = hist_scaled.astype(np.float32)
    c = cal.astype(np.float32)
    return np.concatenate([h, h @ w, calendar_bumps(c), c], axis=1).astype(np.float32)
