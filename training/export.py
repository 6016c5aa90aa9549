"""ONNX export of the trained ensemble (opset 17, IR 8), checked against JAX with onnxruntime.

The derived features (history @ W, see features.py) are linear in the history, so they are folded
into the first layer and the skip path; the calendar bumps are computed in the graph from the
calendar input. The graph reads only the card's inputs and runs two MatMuls per layer for all
members at once (members side by side; a block-diagonal output layer).
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from features import CAL_KAPPA, calendar_bump_matrix
from milan import HISTORY, HORIZON
from net import predict_ensemble


def fold(w: np.ndarray, w_derived: np.ndarray) -> np.ndarray:
    """Rows for [history, bumps, calendar] of a matrix over [history, derived, bumps, calendar]."""
    k = w_derived.shape[1]
    hist = w[:HISTORY].astype(np.float64) + w_derived.astype(np.float64) @ w[HISTORY : HISTORY + k].astype(np.float64)
    return np.concatenate([hist, w[HISTORY + k :]], axis=0).astype(np.float32)


def stacked(members, w_derived):
    e = len(members)
    h = members[0]["W0"].shape[1]
    out = HORIZON * 3
    w1 = np.zeros((e * h, e * out), dtype=np.float32)
    for m, p in enumerate(members):
        w1[m * h : (m + 1) * h, m * out : (m + 1) * out] = p["W1"]
    return {
        "W0": np.concatenate([fold(p["W0"], w_derived) for p in members], axis=1),
        "b0": np.concatenate([p["b0"] for p in members]),
        "W1": w1,
        "b1": np.concatenate([p["b1"] for p in members]),
        "Ws": np.concatenate([fold(p["Ws"], w_derived) for p in members], axis=1),
    }


def graph(members, w_derived, name, version) -> onnx.ModelProto:
    p = stacked(members, w_derived)
    e = len(members)
    inits = [numpy_helper.from_array(v, name=k) for k, v in sorted(p.items())]
    inits += [
        numpy_helper.from_array(calendar_bump_matrix(), "C_bumps"),
        numpy_helper.from_array(np.array([-CAL_KAPPA], dtype=np.float32), "bump_offset"),
        numpy_helper.from_array(np.array([-1, e, HORIZON, 3], dtype=np.int64), "out_shape"),
        numpy_helper.from_array(np.array([1, 1, 1], dtype=np.int64), "split_sizes"),
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
        n("Reshape", ["o", "out_shape"], ["o4"]),
        n("Split", ["o4", "split_sizes"], ["base", "d90", "d99"], axis=3),
        # Monotone quantiles by construction: p90 = p50 + softplus(.), p99 = p90 + softplus(.)
        n("Softplus", ["d90"], ["s90"]),
        n("Softplus", ["d99"], ["s99"]),
        n("Add", ["base", "s90"], ["q90"]),
        n("Add", ["q90", "s99"], ["q99"]),
        n("Concat", ["base", "q90", "q99"], ["members"], axis=3),
        n("ReduceMean", ["members"], ["quantiles"], axes=[1], keepdims=0),
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
