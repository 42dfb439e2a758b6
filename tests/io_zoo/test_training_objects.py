"""``compile=True`` on a Keras 2.0.8 file that names a custom loss and a custom metric.

``legacy_reference/zoo/compiled_custom_loss_metric.h5`` was compiled by Keras 2.0.8 with
``loss=brier`` and ``metrics=['accuracy', true_class_prob]`` (functions of the generator, saved by
their names) and trained two steps. Its ``_io.npz`` holds the legacy stack's predictions on the
training batch (``y0``) and ``model.evaluate`` on it (``evaluate_before_step``, in the order of the
manifest's ``compiled.metrics_names``).
"""

import json
import os

import numpy as np
import pytest

from compat_attention import errors, load_legacy_model
from compat_attention._keras.ops import ops

ZOO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "legacy_reference", "zoo")
NAME = "compiled_custom_loss_metric"
PATH = os.path.join(ZOO, NAME + ".h5")


def brier(y_true, y_pred):
    """The squared error summed over the classes (the generator's custom loss)."""
    d = y_pred - ops.convert_to_tensor(y_true)  # torch: train_on_batch hands y_true over as NumPy
    return ops.sum(d * d, axis=-1)


def true_class_prob(y_true, y_pred):
    """The probability given to the true class (the generator's custom metric)."""
    return ops.sum(ops.convert_to_tensor(y_true) * y_pred, axis=-1)


def _legacy():
    stored = np.load(os.path.join(ZOO, NAME + "_io.npz"))
    with open(os.path.join(ZOO, "manifest.json")) as f:
        entry = [c for c in json.load(f)["cases"] if c["name"] == NAME][0]
    names = entry["compiled"]["metrics_names"]
    assert names == ["loss", "acc", "true_class_prob"] and entry["compiled"]["loss"] == "brier"
    assert np.array_equal(stored["x0"], stored["train_x0"])  # y0: the legacy outputs on the training batch
    return stored, dict(zip(names, stored["evaluate_before_step"].tolist()))


def test_custom_loss_and_metric_resolve_through_custom_objects(record_property):
    stored, legacy = _legacy()
    model = load_legacy_model(PATH, compile=True,
                              custom_objects={"brier": brier, "true_class_prob": true_class_prob})
    x, y = stored["train_x0"], stored["train_y0"]
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    # by hand, in float64, on the outputs Keras 2.0.8 predicted for that batch
    probs = stored["y0"].astype(np.float64)
    by_hand = {"loss": float(((probs - y) ** 2).sum(-1).mean()),
               "true_class_prob": float((y * probs).sum(-1).mean()),
               "accuracy": float((probs.argmax(-1) == y.argmax(-1)).mean())}
    diffs = {key: abs(result[key] - by_hand[key]) for key in by_hand}
    record_property("metric_max_abs_diff", max(diffs.values()))
    print("evaluate %s, by hand %s, Keras 2.0.8 %s" % (result, by_hand, legacy))
    assert max(diffs.values()) <= 1e-5, diffs
    assert abs(by_hand["loss"] - legacy["loss"]) <= 1e-5
    assert abs(by_hand["true_class_prob"] - legacy["true_class_prob"]) <= 1e-5
    assert by_hand["accuracy"] == legacy["acc"]
    assert 0 < by_hand["accuracy"] < 1 and by_hand["loss"] > 0.1  # a batch where the numbers say something
    # the custom loss also drives training: the first step's loss is the legacy loss before that step
    trained = model.train_on_batch(x, y, return_dict=True)
    assert abs(trained["loss"] - legacy["loss"]) <= 1e-5


@pytest.mark.parametrize("given, missing, kind", [
    ({}, "brier", "loss"),
    ({"brier": brier}, "true_class_prob", "metric"),
], ids=["loss", "metric"])
def test_a_custom_name_not_given_is_one_typed_line(given, missing, kind):
    with pytest.raises(errors.UnknownTrainingObjectError) as caught:
        load_legacy_model(PATH, compile=True, custom_objects=given)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(PATH + ": ")
    assert "the %s '%s'" % (kind, missing) in message
    assert "custom_objects={'%s': " % missing in message and "compile=False" in message


def test_without_compile_the_custom_names_are_not_needed():
    stored, _ = _legacy()
    model = load_legacy_model(PATH)
    assert float(np.abs(model.predict(stored["x0"], verbose=0) - stored["y0"]).max()) <= 1e-5
