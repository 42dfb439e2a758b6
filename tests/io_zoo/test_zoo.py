"""The legacy zoo: genuine Keras 2.0.8 files (``legacy_reference/zoo/``), one per layer family.

Every case the manifest expects to ``match`` loads and predicts the outputs Keras 2.0.8
stored, within 1e-5 (the property ``max_abs_diff`` goes to the junit report, which
``tools/coverage_table.py`` turns into MIGRATION.md's coverage list); where the running Keras
computes one of its layers wrongly (``flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT`` False), it
is refused instead, with one typed line naming the class. Every case it expects
to be ``refuse``d raises the named typed ``LegacyFileError``, with one line naming the class.
Every layer class Keras 2.0.8 shipped appears in at least one case.
"""

import json
import os

import h5py
import numpy as np
import pytest

from compat_attention import errors, load_legacy_model
from compat_attention._keras import flavour
from support.harness import numbers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZOO = os.path.join(ROOT, "legacy_reference", "zoo")
TOL = 1e-5

with open(os.path.join(ZOO, "manifest.json")) as _f:
    MANIFEST = json.load(_f)
CASES = {case["name"]: case for case in MANIFEST["cases"]}

#: Cases that fail today for a reason outside the zoo's rewrites, with the reason.
KNOWN_GAPS = {}


def _io(case):
    return np.load(os.path.join(ZOO, case["io"]))


def _predict(model, xs):
    return numbers(model, xs[0] if len(xs) == 1 else xs)


def _param(name):
    marks = [pytest.mark.xfail(reason=KNOWN_GAPS[name], strict=True)] if name in KNOWN_GAPS else []
    return pytest.param(name, id=name, marks=marks)


def _shifted_here(case):
    """Whether the case's file holds a transposed convolution with padding='same' and a stride > 1
    (read from the file itself) and the running Keras computes those shifted by one pixel."""
    if flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT:
        return None
    with h5py.File(os.path.join(ZOO, case["file"]), "r") as handle:
        config = json.loads(handle.attrs["model_config"])
    body = config["config"]
    layers = list(body if isinstance(body, list) else body["layers"])
    while layers:
        layer = layers.pop()
        inner = layer["config"].get("layer")
        layers += [inner] if isinstance(inner, dict) else []
        strides = layer["config"].get("strides", 1)
        if ("Transpose" in layer["class_name"] and layer["config"].get("padding") == "same"
                and max(strides if isinstance(strides, list) else [strides]) > 1):
            return layer["class_name"]
    return None


@pytest.mark.parametrize("name", [_param(n) for n, c in CASES.items() if c["expect"] == "match"])
def test_zoo_case_matches_keras_2_0_8(name, record_property):
    case = CASES[name]
    shifted = _shifted_here(case)
    if shifted:  # this Keras would compute it shifted by one pixel: refused in one typed line instead
        with pytest.raises(errors.UnsupportedVersionError) as caught:
            load_legacy_model(os.path.join(ZOO, case["file"]))
        message = str(caught.value)
        assert "\n" not in message and message.startswith(os.path.join(ZOO, case["file"]))
        assert shifted in message and "keras>=3.15.1" in message
        record_property("refused_with", type(caught.value).__name__)
        return
    stored = _io(case)
    model = load_legacy_model(os.path.join(ZOO, case["file"]))
    got = _predict(model, [stored[k] for k in case["inputs"]])
    want = [stored[k] for k in case["outputs"]]
    assert [g.shape for g in got] == [w.shape for w in want]
    diff = max(float(np.abs(g - w).max()) for g, w in zip(got, want))
    record_property("max_abs_diff", diff)
    assert diff <= TOL, "%s: max abs diff %.3g" % (name, diff)


#: Refusals that are typed and one line, but not yet the planned error naming the class.
REFUSAL_GAPS = {}
REFUSED_CLASSES = ("Lambda", "Sequential")


def _refusal(case):
    with pytest.raises(errors.LegacyFileError) as caught:
        load_legacy_model(os.path.join(ZOO, case["file"]))
    return caught.value


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c["expect"] == "refuse"])
def test_zoo_case_is_refused_with_one_typed_line(name, record_property):
    error = _refusal(CASES[name])
    assert "\n" not in str(error) and str(error).startswith(os.path.join(ZOO, CASES[name]["file"]))
    record_property("refused_with", type(error).__name__)


@pytest.mark.parametrize("name", [
    pytest.param(n, id=n, marks=[pytest.mark.xfail(reason=REFUSAL_GAPS[n], strict=True)] if n in REFUSAL_GAPS else [])
    for n, c in CASES.items() if c["expect"] == "refuse"])
def test_zoo_refusal_names_the_class(name):
    case = CASES[name]
    error = _refusal(case)
    assert type(error).__name__ == case["error"]
    assert [c for c in case["classes"] if c in REFUSED_CLASSES][0] in str(error)


def test_a_lambda_is_never_run_by_default(monkeypatch):
    from compat_attention._keras.flavour import keras

    def boom(*args, **kwargs):
        raise AssertionError("a Lambda was rebuilt")

    monkeypatch.setattr(keras.layers.Lambda, "from_config", classmethod(boom))
    with pytest.raises(errors.UnsafeLambdaError):
        load_legacy_model(os.path.join(ZOO, CASES["lambda_layer"]["file"]))


def test_every_keras_2_0_8_layer_class_is_in_the_zoo():
    covered = set()
    for case in CASES.values():
        covered.update(case["classes"])
    covered.update({"Model"} if "Sequential" in CASES["nested_sequential"]["classes"] else set())
    missing = sorted(set(MANIFEST["keras_layer_classes"]) - covered)
    assert not missing, "Keras 2.0.8 layer classes without a zoo case: %s" % missing


def test_zoo_stays_small_and_was_made_by_keras_2_0_8():
    assert MANIFEST["versions"]["keras"] == "2.0.8" and MANIFEST["versions"]["tensorflow"] == "1.3.0"
    size = sum(os.path.getsize(os.path.join(ZOO, f)) for f in os.listdir(ZOO))
    assert size < 3 * 1024 * 1024
