"""A training recipe against the LightGBM peer on the validation week: the study behind the
"What was tried" table of docs/forecaster.md.

Trains the ensemble as `train.py --select` does (training series, targets before 2013-11-18),
optionally with a candidate change, then scores it and the LightGBM peer (the distillation
teacher: the same models) on the validation week 2013-11-18 .. 24. The test and sealed windows
play no part. Series: the validation squares with a full history and seeded sums of 2, 5 and 12
of them (the same groups as pad_study.py); MAE at 1 h and 6 h.

Candidates:
  --young-from H    also train on windows whose target is at hour H .. 167 of each training
                    series: the only history is the series' first hours, padded as a young
                    slice's (features.pad_short); weighted like the other windows, normalised
                    on their own
  --young-sums N    the same windows for N seeded sums of 2-12 training series as well
  --log-space E     train on log(y + E) of the scaled targets (the teacher's too) and forecast
                    exp(output) - E: a monotone map leaves the quantiles where they are, but
                    the daily shape becomes additive
  --seed-offset N   the members' seeds (a second seed tells recipe from luck)

    training/.venv/bin/python training/select_study.py [--young-from 24] [--log-space 0.3] [--seed-offset 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402
import milan  # noqa: E402
from milan import HISTORY, HORIZON, SEED  # noqa: E402
from net import fit_ensemble, predict_ensemble  # noqa: E402
from train import N_AGGREGATES, SELECT_END, SHORT_SHARE, Windows, build_samples, fit_teacher, random_sums, teacher_targets  # noqa: E402


def young_windows(series, first_target, profile):
    """(features, scaled targets, weights, known hours) of every window whose target hour t is
    before a full week: the history is the first t hours, padded. series: (values, members)."""
    out = Windows()
    for s, k in series:
        for t in range(first_target, min(HISTORY, len(s) - HORIZON + 1)):
            window = np.zeros(HISTORY)
            window[HISTORY - t :] = s[:t]
            out.add(t, features.pad_short(window, t, t, profile), s[t : t + HORIZON], k, t)
    return out.arrays()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--young-from", type=int, default=None)
    ap.add_argument("--young-sums", type=int, default=0)
    ap.add_argument("--seed-offset", type=int, default=0)
    ap.add_argument("--log-space", type=float, default=None, metavar="E")
    args = ap.parse_args()
    if args.young_from is not None and not 1 <= args.young_from < HISTORY:
        ap.error(f"--young-from must be within 1 .. {HISTORY - 1}, got {args.young_from}")
    if args.young_sums and args.young_from is None:
        ap.error("--young-sums needs --young-from")
    if args.log_space is not None and not args.log_space > 0:
        ap.error(f"--log-space must be > 0, got {args.log_space}")
    # The map the network is trained in, and its inverse (identity without --log-space).
    if args.log_space is None:
        to_net, from_net = (lambda v: v), (lambda v: v)
    else:
        eps = args.log_space
        to_net = lambda v: np.log(np.maximum(v, 0) + eps).astype(np.float32)  # noqa: E731
        from_net = lambda v: np.exp(v) - eps  # noqa: E731
    log = lambda s: print(s, flush=True)  # noqa: E731

    rows, train_ids, val_ids, _ = milan.load_split()
    end = SELECT_END
    rng = np.random.default_rng(SEED)
    profile = features.weekly_profile(rows, train_ids, end)

    t0 = time.time()
    x, y, w, known = build_samples(rows, train_ids, 0, end, N_AGGREGATES, SHORT_SHARE, profile, rng)
    if args.young_from is not None:
        series = [(rows[i][:end], 1) for i in train_ids]
        series += random_sums(rows, train_ids, args.young_sums, end, np.random.default_rng(SEED + 7))
        parts = young_windows(series, args.young_from, profile)
        x, y, w, known = (np.concatenate([a, b]) for a, b in zip((x, y, w, known), parts))
        log(f"+{len(parts[0])} young windows (targets from hour {args.young_from}, {args.young_sums} sums)")
    xv, yv, wv, _ = build_samples(rows, val_ids, end, milan.TEST_START, 0, 0.0, profile, rng)
    peer = fit_teacher(rows, train_ids, end, lambda s: None)
    teacher = to_net(teacher_targets(peer, x, y, known))
    params, _ = fit_ensemble(x, to_net(y), w, teacher, xv, to_net(yv), wv, SEED + args.seed_offset, lambda s: None)
    log(f"{len(x)} training windows, LightGBM peer and ensemble fitted in {time.time() - t0:.0f} s")

    w_derived, _ = features.derived_matrix()
    print("| series | model MAE 1 h / 6 h | LightGBM MAE 1 h / 6 h | relative 1 h / 6 h |")
    print("|---|---|---|---|")
    for k, groups in milan.validation_groups(rows, val_ids, (5, 12, 2)).items():  # 5, 12: pad_study.py's draws
        hs, cs, ys, ss = [], [], [], []
        for g in groups:
            s = np.sum([rows[i][: milan.TEST_START] for i in g], axis=0)
            for t, h, target in milan.windows(s, end, milan.TEST_START):
                scale = milan.scale_of(h)
                hs.append(h / scale)
                cs.append(milan.calendar(t))
                ys.append(target)
                ss.append(scale)
        h, c, target, scale = (np.asarray(a) for a in (hs, cs, ys, ss))
        ours = np.maximum(from_net(predict_ensemble(params, features.model_features(h, c, w_derived))[:, :, 0]) * scale[:, None], 0)
        xl = np.concatenate([h, c], axis=1).astype(np.float32)
        theirs = np.maximum(np.stack([m.predict(xl) for m in peer], axis=1) * scale[:, None], 0)
        a = [float(np.abs(ours[:, j] - target[:, j]).mean()) for j in (0, 5)]
        b = [float(np.abs(theirs[:, j] - target[:, j]).mean()) for j in (0, 5)]
        rel = " / ".join(f"{100 * (p / q - 1):+.1f} %" for p, q in zip(a, b))
        print(f"| {len(groups)} x {k} square(s) | {a[0]:.3f} / {a[1]:.3f} | {b[0]:.3f} / {b[1]:.3f} | {rel} |", flush=True)


if __name__ == "__main__":
    main()
