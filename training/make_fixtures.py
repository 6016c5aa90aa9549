"""Fixtures for the TypeScript unit tests (test/fixtures/models/).

Tiny ONNX models, each breaking one part of the forecaster contract or keeping the contract but
returning NaN for some series; and padding.json, short histories padded by features.pad_short,
which padShortHistory must reproduce. Regenerate with:
training/.venv/bin/python training/make_fixtures.py
"""

import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "models")


def save(name, nodes, inputs, outputs, inits):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="fixtures")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, name + ".onnx"))


def linear(name, hist_name="history", hist_shape=("N", 168), out_shape=("N", 6, 3)):
    width = hist_shape[1]
    out_w = int(np.prod(out_shape[1:]))
    inits = [
        numpy_helper.from_array(np.full((width, out_w), 1.0 / width, dtype=np.float32), "W"),
        numpy_helper.from_array(np.array([-1, *out_shape[1:]], dtype=np.int64), "shape"),
    ]
    nodes = [
        helper.make_node("MatMul", [hist_name, "W"], ["o"]),
        helper.make_node("Reshape", ["o", "shape"], ["quantiles"]),
    ]
    save(
        name,
        nodes,
        [
            helper.make_tensor_value_info(hist_name, TensorProto.FLOAT, list(hist_shape)),
            helper.make_tensor_value_info("calendar", TensorProto.FLOAT, ["N", 4]),
        ],
        [helper.make_tensor_value_info("quantiles", TensorProto.FLOAT, list(out_shape))],
        inits,
    )


def nan_when_first_small():
    """Contract-correct; output log(history[:, 0] - 0.5): NaN for series whose first scaled value < 0.5."""
    inits = [
        numpy_helper.from_array(np.array([0], dtype=np.int64), "s0"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "s1"),
        numpy_helper.from_array(np.array([18], dtype=np.int64), "s18"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "ax"),
        numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half"),
        numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero"),
        numpy_helper.from_array(np.array([-1, 6, 3], dtype=np.int64), "shape"),
    ]
    nodes = [
        helper.make_node("Slice", ["history", "s0", "s1", "ax"], ["first"]),
        helper.make_node("Sub", ["first", "half"], ["d"]),
        helper.make_node("Log", ["d"], ["v"]),
        helper.make_node("Slice", ["history", "s0", "s18", "ax"], ["h18"]),
        helper.make_node("Mul", ["h18", "zero"], ["z18"]),
        helper.make_node("Add", ["z18", "v"], ["o"]),
        helper.make_node("Reshape", ["o", "shape"], ["quantiles"]),
    ]
    save(
        "nan-output",
        nodes,
        [
            helper.make_tensor_value_info("history", TensorProto.FLOAT, ["N", 168]),
            helper.make_tensor_value_info("calendar", TensorProto.FLOAT, ["N", 4]),
        ],
        [helper.make_tensor_value_info("quantiles", TensorProto.FLOAT, ["N", 6, 3])],
        inits,
    )


def padding_cases():
    """Short histories padded by training's pad_short with a made-up weekly profile (a daily wave
    and a weekend dip), at origins on different weekdays and hours."""
    how = np.arange(168)
    profile = np.round(1 + 0.4 * np.sin(2 * np.pi * how / 24) - 0.3 * (how >= 120), 4)
    rng = np.random.default_rng(3)
    cases = []
    for known, t in ((6, 200), (10, 431), (24, 300), (30, 517), (100, 250), (167, 333)):
        window = np.concatenate([np.full(168 - known, np.nan), rng.uniform(5, 50, known).round(3)])
        cases.append(
            {
                "known": window[168 - known :].tolist(),
                "firstHourOfWeek": features.hour_of_week(t - 168),
                "padded": features.pad_short(window, known, t, profile).tolist(),
            }
        )
    with open(os.path.join(OUT, "padding.json"), "w") as f:
        json.dump({"profile": profile.tolist(), "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    linear("wrong-name", hist_name="x")
    linear("wrong-history-shape", hist_shape=("N", 24))
    linear("fixed-batch", hist_shape=(1, 168), out_shape=(1, 6, 3))
    linear("wrong-output-shape", out_shape=("N", 6, 2))
    nan_when_first_small()
    padding_cases()
    print("fixtures written to", os.path.abspath(OUT))
