"""compat_attention.io.build: the build order of a functional model, and weights assigned only when they fit."""

import numpy as np
import pytest

from compat_attention import errors
from compat_attention._keras.flavour import keras
from compat_attention.io.build import assign_weights, topological_order
from compat_attention.io.h5file import LegacyFile


def _entry(name, *reads):
    return {"name": name, "class_name": "Dense" if reads else "InputLayer", "config": {"name": name},
            "inbound_nodes": [[[read, 0, 0, {}] for read in reads]] if reads else []}


def test_topological_order_puts_each_layer_after_what_it_reads():
    layers = [_entry("out", "b", "a"), _entry("b", "a"), _entry("a", "x"), _entry("x")]
    order, stuck = topological_order(layers)
    assert [entry["name"] for entry in order] == ["x", "a", "b", "out"]
    assert stuck == []


def test_topological_order_names_the_layers_on_or_behind_a_cycle():
    layers = [_entry("x"), _entry("a", "x", "c"), _entry("c", "a"), _entry("after", "c"), _entry("free", "x")]
    order, stuck = topological_order(layers)
    assert [entry["name"] for entry in order] == ["x", "free"]
    assert stuck == ["a", "c", "after"]


def _model():
    inputs = keras.Input((3,))
    return keras.Model(inputs, keras.layers.Dense(2, name="dense")(inputs))


def _file(arrays):
    return LegacyFile("m.h5", "2.0.8", "tensorflow", None, None, {"dense": arrays}, False)


def test_assign_weights_sets_the_stored_arrays():
    model = _model()
    kernel, bias = np.arange(6, dtype="float32").reshape(3, 2), np.array([1.0, -1.0], "float32")
    assign_weights(model, _file([("kernel", kernel), ("bias", bias)]))
    np.testing.assert_array_equal(model.get_layer("dense").get_weights()[0], kernel)
    np.testing.assert_array_equal(model.get_layer("dense").get_weights()[1], bias)


def test_assign_weights_refuses_shapes_that_do_not_fit_before_setting_any():
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(errors.WeightMismatchError, match=r"layer 'dense' expects 2 weights of shapes \[\(3, 2\), \(2,\)\]"):
        assign_weights(model, _file([("kernel", np.zeros((4, 2), "float32")), ("bias", np.zeros(2, "float32"))]))
    for have, had in zip(model.get_weights(), before):
        np.testing.assert_array_equal(have, had)
    with pytest.raises(errors.WeightMismatchError, match=r"weights for layers \['other'\] that the model lacks"):
        assign_weights(model, LegacyFile("m.h5", "2.0.8", "tensorflow", None, None,
                                         {"other": [("kernel", np.zeros((3, 2), "float32"))]}, False))
