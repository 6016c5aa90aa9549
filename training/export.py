"""ONNX export of the trained ensemble (opset 17, IR 8), checked against JAX with onnxruntime.

The derived features (history @ W, see features.py) are linear in the history, so they are folded
into the first layer and the skip path; the calendar bumps are computed in the graph from the
calendar input. The graph reads only the card's inputs and computes every member at once:
- one MatMul for the hidden layers of all members side by side;
- one MatMul (plus one for the skip path) for the output columns, regrouped: the members' mean
  p50 first (the p50 head is linear, so the mean over members is folded into the weights), then
  each member's two quantile deltas, whose softplus is not linear and stays per member;
- a last small MatMul averages the softplus deltas over members, and a CumSum along the
  quantiles gives p50, p90 = p50 + mean softplus(d90), p99 = p90 + mean softplus(d99): monotone
  by construction, since each added term is non-negative.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from features import CAL_KAPPA, calendar_bump_matrix
from milan import HISTORY, HORIZON
from net import predict_ensemble

# Each member's outputs per step, in net.py's order: p50, then the p90 and p99 deltas.
N_QUANTILES = 3


def fold(w: np.ndarray, w_derived: np.ndarray) -> np.ndarray:
    """Rows for [history, bumps, calendar] of a matrix over [history, derived, bumps, calendar]."""
    k = w_derived.shape[1]
    hist = w[:HISTORY].astype(np.float64) + w_derived.astype(np.float64) @ w[HISTORY : HISTORY + k].astype(np.float64)
    return np.concatenate([hist, w[HISTORY + k :]], axis=0).astype(np.float32)


def regrouped(ws: list[np.ndarray]) -> np.ndarray:
    """Output columns of the members' matrices (or biases), each [..., HORIZON * 3] in (step,
    quantile) order, regrouped as [mean p50 per step | member 0's (d90, d99) per step | member 1's
    ...]."""
    ws = [w.astype(np.float64).reshape(*w.shape[:-1], HORIZON, N_QUANTILES) for w in ws]
    p50 = np.mean([w[..., 0] for w in ws], axis=0)
    deltas = [w[..., 1:].reshape(*w.shape[:-2], HORIZON * (N_QUANTILES - 1)) for w in ws]
    return np.concatenate([p50, *deltas], axis=-1).astype(np.float32)


def stacked(members, w_derived):
    e = len(members)
    h = members[0]["W0"].shape[1]
    # Member m's output layer as rows of the side-by-side hidden layer (zero for other members).
    w1 = [np.zeros((e * h, HORIZON * N_QUANTILES), dtype=np.float32) for _ in members]
    for m, p in enumerate(members):
        w1[m][m * h : (m + 1) * h] = p["W1"]
    # Maps the regrouped columns back to (step, quantile) order, averaging the softplus deltas
    # over members into [p50, mean d90, mean d99] per step: the transpose of regrouping the
    # identity once per member, its delta rows divided by the number of members.
    avg = regrouped([np.eye(HORIZON * N_QUANTILES, dtype=np.float32)] * e).T.copy()
    avg[HORIZON:] /= e
    return {
        "W0": np.concatenate([fold(p["W0"], w_derived) for p in members], axis=1),
        "b0": np.concatenate([p["b0"] for p in members]),
        "W1": regrouped(w1),
        "b1": regrouped([p["b1"] for p in members]),
        "Ws": regrouped([fold(p["Ws"], w_derived) for p in members]),
        "M_avg": avg,
    }


def graph(members, w_derived, name, version) -> onnx.ModelProto:
    p = stacked(members, w_derived)
    inits = [numpy_helper.from_array(v, name=k) for k, v in sorted(p.items())]
    n_deltas = p["W1"].shape[1] - HORIZON
    inits += [
        numpy_helper.from_array(calendar_bump_matrix(), "C_bumps"),
        numpy_helper.from_array(np.array([-CAL_KAPPA], dtype=np.float32), "bump_offset"),
        numpy_helper.from_array(np.array([HORIZON, n_deltas], dtype=np.int64), "split_sizes"),
        numpy_helper.from_array(np.array([1], dtype=np.float32), "one"),
        numpy_helper.from_array(np.array([-1, HORIZON, N_QUANTILES], dtype=np.int64), "out_shape"),
        numpy_helper.from_array(np.array(2, dtype=np.int64), "quantile_axis"),
    ]
    n = helper.make_node
    nodes = [
        # Calendar bumps (features.calendar_bumps): exp(calendar @ C - kappa).
        n("MatMul", ["calendar", "C_bumps"], ["cb"]),
        n("Add", ["cb", "bump_offset"], ["cb0"]),
        n("Exp", ["cb0"], ["bumps"]),
        n("Concat", ["history", "bumps", "calendar"], ["x"], axis=1),
        n("MatMul", ["x", "W0"], ["mm0"]),
        n("Add", ["mm0", "b0"], ["z0"]),
        n("Relu", ["z0"], ["h0"]),
        n("MatMul", ["h0", "W1"], ["mm1"]),
        n("Add", ["mm1", "b1"], ["z1"]),
        n("MatMul", ["x", "Ws"], ["skip"]),
        n("Add", ["z1", "skip"], ["o"]),
        n("Split", ["o", "split_sizes"], ["p50", "d"], axis=1),
        # softplus(d) = max(d, 0) + log(1 + exp(-|d|)), written out: onnxruntime's Softplus
        # kernel is scalar and took longer than these six vectorised ones together.
        n("Relu", ["d"], ["d_pos"]),
        n("Abs", ["d"], ["d_abs"]),
        n("Neg", ["d_abs"], ["d_neg"]),
        n("Exp", ["d_neg"], ["d_exp"]),
        n("Add", ["d_exp", "one"], ["d_1p"]),
        n("Log", ["d_1p"], ["d_log"]),
        n("Add", ["d_pos", "d_log"], ["d_sp"]),
        n("Concat", ["p50", "d_sp"], ["parts_flat"], axis=1),
        n("MatMul", ["parts_flat", "M_avg"], ["parts_mm"]),
        n("Reshape", ["parts_mm", "out_shape"], ["parts"]),
        n("CumSum", ["parts", "quantile_axis"], ["quantiles"]),
    ]
    g = helper.make_graph(
        nodes,
        name,
        [
            helper.make_tensor_value_info("history", TensorProto.FLOAT, ["N", HISTORY]),
            helper.make_tensor_value_info("calendar", TensorProto.FLOAT, ["N", 4]),
        ],
        [helper.make_tensor_value_info("quantiles", TensorProto.FLOAT, ["N", HORIZON, 3])],
        initializer=inits,
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="slice-operator/training", producer_version=version)
    # IR version 8 is the one that goes with opset 17; older runtimes reject newer IR versions.
    model.ir_version = 8
    model.doc_string = "Milan cellular activity quantile forecaster (data: Telecom Italia, ODbL 1.0)"
    onnx.checker.check_model(model, full_check=True)
    return model


def to_onnx(members, w_derived, path, name, version, x_check) -> int:
    """Writes the model, checks onnxruntime against JAX on x_check; returns the parameter count."""
    model = graph(members, w_derived, name, version)
    onnx.save(model, path)
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = sess.run(["quantiles"], {"history": x_check[:, :HISTORY], "calendar": x_check[:, -4:]})[0]
    want = predict_ensemble(members, x_check)
    diff = float(np.abs(got - want).max())
    assert diff < 1e-3, f"onnxruntime differs from JAX by {diff}"
    assert np.all(np.diff(got, axis=2) >= 0), "quantiles not monotone"
    return int(sum(v.size for p in members for v in p.values()))
