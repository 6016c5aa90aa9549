"""The forecaster network, trained with JAX and optax.

One member: x -> Dense(HIDDEN, ReLU) -> 18 outputs, plus a linear skip from x to the outputs
(an autoregressive path the hidden layer corrects). Outputs per step: p50, then softplus deltas
for p90 and p99, so the quantiles are monotone by construction. MEMBERS members with different
seeds and shuffles; the forecast is their mean (a mean of monotone quantiles stays monotone).
Loss: pinball at 0.5, 0.9 and 0.99 (p50 weighted twice), each window weighted (see
train.build_samples), plus a distillation term DISTILL * |p50 - teacher| (train.teacher_targets: a
LightGBM model per step on full-history windows, the actual values on padded ones). Training
inputs are multiplied by 1 + INPUT_NOISE * N(0, 1), drawn afresh at every step.
"""

from __future__ import annotations

import math
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from milan import HORIZON, QUANTILES

HIDDEN = (128,)
MEMBERS = 4
EPOCHS = 16
BATCH = 512
LR = 2e-3
WEIGHT_DECAY = 1e-4
TAUS = jnp.asarray(QUANTILES, dtype=jnp.float32)
# The p50 head (the accuracy head) counts twice: the p99 head's rare large gradients would
# otherwise pull the shared hidden layer towards the tails.
HEAD_WEIGHTS = jnp.asarray([2.0, 1.0, 1.0], dtype=jnp.float32)
# Weight of |p50 - teacher| against the p50 pinball term's |p50 - y|: 1 = as much as the data.
DISTILL = 1.0
INPUT_NOISE = 0.05


def describe_optimizer() -> str:
    return (
        f"optax.adamw lr={LR} cosine decay, {EPOCHS} epochs, batch {BATCH}, weight decay {WEIGHT_DECAY}, "
        f"head weights p50/p90/p99 2/1/1, distillation weight {DISTILL}, multiplicative input noise {INPUT_NOISE}"
    )


def init(key, n_in):
    k0, k1 = jax.random.split(key)
    h = HIDDEN[0]
    b1 = np.zeros((HORIZON, 3), dtype=np.float32)
    b1[:, 1:] = -1.0  # softplus(-1) ~ 0.31 of the scale: a sensible starting spread
    return {
        "W0": jax.random.normal(k0, (n_in, h)) * math.sqrt(2 / n_in),
        "b0": jnp.zeros(h),
        "W1": jax.random.normal(k1, (h, HORIZON * 3)) * math.sqrt(2 / h) * 0.1,
        "b1": jnp.asarray(b1.reshape(-1)),
        "Ws": jnp.zeros((n_in, HORIZON * 3)),
    }


def forward(p, x):
    h = jax.nn.relu(x @ p["W0"] + p["b0"])
    o = (h @ p["W1"] + p["b1"] + x @ p["Ws"]).reshape(-1, HORIZON, 3)
    p50 = o[:, :, 0]
    p90 = p50 + jax.nn.softplus(o[:, :, 1])
    p99 = p90 + jax.nn.softplus(o[:, :, 2])
    return jnp.stack([p50, p90, p99], axis=2)


def loss_fn(p, x, y, w):
    u = y[:, :, None] - forward(p, x)
    pin = jnp.maximum(TAUS * u, (TAUS - 1) * u) * HEAD_WEIGHTS
    return jnp.mean(pin.mean(axis=(1, 2)) * w) * 3


def train_loss(p, x, y, w, teacher):
    """loss_fn plus DISTILL * |p50 - teacher|."""
    q = forward(p, x)
    u = y[:, :, None] - q
    pin = jnp.maximum(TAUS * u, (TAUS - 1) * u) * HEAD_WEIGHTS
    total = pin.mean(axis=(1, 2)) + DISTILL * jnp.abs(teacher - q[:, :, 0]).mean(axis=1) / 3
    return jnp.mean(total * w) * 3


def fit_member(x, y, w, teacher, xv, yv, wv, seed, log):
    n = len(x)
    steps = EPOCHS * (n // BATCH)
    opt = optax.adamw(optax.cosine_decay_schedule(LR, steps), weight_decay=WEIGHT_DECAY)
    p = init(jax.random.PRNGKey(seed), x.shape[1])
    state = opt.init(p)

    @jax.jit
    def step(p, state, xb, yb, wb, tb, key):
        xb = xb * (1 + INPUT_NOISE * jax.random.normal(key, xb.shape))
        loss, g = jax.value_and_grad(train_loss)(p, xb, yb, wb, tb)
        upd, state = opt.update(g, state, p)
        return optax.apply_updates(p, upd), state, loss

    val = jax.jit(loss_fn)
    rng = np.random.default_rng(seed)
    key = jax.random.PRNGKey(seed + 1000)
    curve = []
    for epoch in range(1, EPOCHS + 1):
        t0 = time.time()
        order = rng.permutation(n)
        total = 0.0
        for s in range(n // BATCH):
            idx = order[s * BATCH : (s + 1) * BATCH]
            key, sub = jax.random.split(key)
            p, state, loss = step(p, state, x[idx], y[idx], w[idx], teacher[idx], sub)
            total += float(loss)
        v = float(val(p, xv, yv, wv))
        curve.append(round(v, 5))
        log(f"  seed {seed} epoch {epoch:2d} train {total / (n // BATCH):.5f} val {v:.5f} ({time.time() - t0:.1f} s)")
    return {k: np.asarray(v, dtype=np.float32) for k, v in p.items()}, curve


def fit_ensemble(x, y, w, teacher, xv, yv, wv, seed, log):
    """MEMBERS fitted networks (list of numpy param dicts) and their validation pinball curves.
    teacher: [n, HORIZON] p50 targets of the distillation term, scaled units."""
    members, curves = [], []
    for m in range(MEMBERS):
        p, c = fit_member(x, y, w, teacher, xv, yv, wv, seed + m, log)
        members.append(p)
        curves.append(c)
    return members, {"validationPinballPerEpoch": curves}


def predict_ensemble(members, x):
    """Mean quantiles of the members, numpy float32 [n, HORIZON, 3] in scaled units."""
    out = np.zeros((len(x), HORIZON, 3), dtype=np.float64)
    for p in members:
        for i in range(0, len(x), 8192):
            out[i : i + 8192] += np.asarray(forward(p, jnp.asarray(x[i : i + 8192])))
    return (out / len(members)).astype(np.float32)
