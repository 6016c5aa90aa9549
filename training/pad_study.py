"""How a young slice's history is padded: the study behind the card's `weekly-profile` padding.

Scores one ONNX model on the validation week (2013-11-18 .. 24; the test and sealed windows play
no part) with only the last 24 or 72 hours of history known, padded four ways, against the same
model with the full week: 'daily-tile' (cards before 2.2.0: the known days tiled backwards),
'profile' (level x weekly profile), 'ratio' (the first known day tiled back, rescaled by the
profile's ratio between the hours) and 'mix' (features.pad_short: the mean of the two). Series:
the validation squares and seeded sums of 5 and 12 of them; MAE at 1 h and 6 h.

    training/.venv/bin/python training/pad_study.py MODEL.onnx
"""

from __future__ import annotations

import os
import sys

import numpy as np
import onnxruntime as ort

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY  # noqa: E402
from train import SELECT_END  # noqa: E402

DAY = features.DAY


def pad(window, known, t, profile, mode):
    if known >= HISTORY or mode == "mix":
        return features.pad_short(window, known, t, profile)
    out = np.array(window, dtype=np.float64)
    first = HISTORY - known
    if mode == "daily-tile":
        if known >= DAY:
            for j in range(first - 1, -1, -1):
                out[j] = out[j + DAY]
        else:
            out[:first] = out[first:].mean()
        return out
    by_level, by_day = features.profile_fills(out, known, t, profile)
    out[:first] = by_day if mode == "ratio" and by_day is not None else by_level
    return out


def main():
    rows, train_ids, val_ids, _ = milan.load_split()
    profile = features.weekly_profile(rows, train_ids, SELECT_END)
    sess = ort.InferenceSession(sys.argv[1])

    def mae(series, known, mode):
        hs, cs, ys, ss = [], [], [], []
        for s in series:
            for t, h, y in milan.windows(s, SELECT_END, milan.TEST_START):
                p = pad(h, known, t, profile, mode)
                sc = milan.scale_of(p)
                hs.append(p / sc)
                cs.append(milan.calendar(t))
                ys.append(y)
                ss.append(sc)
        q = sess.run(None, {"history": np.asarray(hs, np.float32), "calendar": np.asarray(cs, np.float32)})[0]
        q = np.maximum(q * np.asarray(ss)[:, None, None], 0)
        y = np.asarray(ys)
        return [float(np.abs(q[:, k, 0] - y[:, k]).mean()) for k in (0, 5)]

    groups = milan.validation_groups(rows, val_ids, (5, 12))
    print("| series | known | " + " | ".join(("daily-tile", "profile", "ratio", "mix")) + " |")
    for k, gs in groups.items():
        series = [np.sum([rows[i][: milan.TEST_START] for i in g], axis=0) for g in gs]
        week = mae(series, HISTORY, "mix")
        for known in (24, 72):
            cells = [mae(series, known, m) for m in ("daily-tile", "profile", "ratio", "mix")]
            fmt = " | ".join(f"{100 * (a / week[0] - 1):+.1f} % / {100 * (b / week[1] - 1):+.1f} %" for a, b in cells)
            print(f"| {len(series)} x {k} square(s) | {known} h | {fmt} |", flush=True)


if __name__ == "__main__":
    main()
