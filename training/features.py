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

import milan
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


def hour_of_week(t: int) -> int:
    """Local hour of the week of hour index t, Monday 00:00 = 0 (the card's profile index)."""
    return ((milan.FIRST_DOW + t // DAY) % 7) * DAY + t % DAY


def weekly_profile(rows: list[np.ndarray], ids: list[int], end: int) -> np.ndarray:
    """The mean weekly shape of the series `ids` before hour `end`: 168 values by local hour of
    the week, each week-long window (one starting every day) divided by its own mean, averaged,
    normalised to mean 1 and rounded to 4 decimals (the card carries exactly these values)."""
    acc = np.zeros(HISTORY)
    cnt = np.zeros(HISTORY)
    for i in ids:
        s = rows[i][:end]
        for w0 in range(0, len(s) - HISTORY + 1, DAY):
            w = s[w0 : w0 + HISTORY]
            m = w.mean()
            if m > 0:
                idx = [hour_of_week(w0 + j) for j in range(HISTORY)]
                acc[idx] += w / m
                cnt[idx] += 1
    p = acc / cnt
    return np.round(p / p.mean(), 4)


def profile_fills(window: np.ndarray, known: int, t: int, profile: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The two estimates pad_short averages for the unknown first HISTORY-known hours of a window
    (t: hour index of the first forecast step; profile: the card's weekly profile):
    - by level: the known level times the profile (level = mean of the known values / mean of
      the profile at their hours);
    - by day (None with less than a day known): the same hour of the first known day after it,
      times the profile's ratio between the two hours.
    """
    first = HISTORY - known
    p = profile[[hour_of_week(t - HISTORY + j) for j in range(HISTORY)]]
    mean_known = window[first:].mean()
    denom = p[first:].mean()
    level = mean_known / denom if denom > 1e-9 else mean_known
    by_level = np.array([level * p[j] for j in range(first)])
    if known < DAY:
        return by_level, None
    by_day = np.empty(first)
    for j in range(first):
        ref = j + DAY * -(-(first - j) // DAY)  # the same hour on the first known day after j
        by_day[j] = window[ref] * p[j] / p[ref] if p[ref] > 1e-9 else by_level[j]
    return by_level, by_day


def pad_short(window: np.ndarray, known: int, t: int, profile: np.ndarray) -> np.ndarray:
    """A HISTORY-long window whose first HISTORY-known values are unknown, padded; t is the hour
    index of the first forecast step, `profile` the card's weekly profile.

    Each unknown hour gets the mean of profile_fills' two estimates: the known level times the
    profile, and the same hour of the first known day rescaled by the profile (keeps the slice's
    own daily shape, adds the weekly one); with less than a day known, the first alone. Matches
    padShortHistory in src/forecast/features.ts.
    """
    out = np.array(window, dtype=np.float64)
    if known >= HISTORY:
        return out
    by_level, by_day = profile_fills(out, known, t, profile)
    out[: HISTORY - known] = by_level if by_day is None else 0.5 * (by_level + by_day)
    return out


def model_features(hist_scaled: np.ndarray, cal: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The network's input: [history, history @ W, calendar bumps, calendar], float32. The
    calendar is last (the LightGBM teacher reads the history and these 4 columns)."""
    h = hist_scaled.astype(np.float32)
    c = cal.astype(np.float32)
    return np.concatenate([h, h @ w, calendar_bumps(c), c], axis=1).astype(np.float32)
