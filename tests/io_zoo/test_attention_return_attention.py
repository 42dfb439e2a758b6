"""``Attention(return_attention=True)`` and the ``SCORE_*`` constants (the ``attention`` package's API)."""

import os

import numpy as np
import pytest

from compat_attention import Attention
from compat_attention._keras.flavour import keras


def _model(score, return_attention):
    inputs = keras.Input((6, 4))
    out = Attention(units=5, score=score, return_attention=return_attention, name="att")(inputs)
    return keras.Model(inputs, list(out) if isinstance(out, (list, tuple)) else out)


def test_score_constants():
    assert Attention.SCORE_LUONG == "luong" and Attention.SCORE_BAHDANAU == "bahdanau"
    assert Attention(units=3, score=Attention.SCORE_BAHDANAU).score == "bahdanau"


@pytest.mark.parametrize("score", ["luong", "bahdanau"])
def test_return_attention_gives_the_same_vector_and_weights_over_the_steps(score):
    x = np.random.RandomState(0).normal(size=(3, 6, 4)).astype("float32")
    plain = _model(score, False)
    both = _model(score, True)
    both.get_layer("att").set_weights(plain.get_layer("att").get_weights())
    vector = plain.predict(x, verbose=0)
    got_vector, weights = both.predict(x, verbose=0)
    assert got_vector.shape == (3, 5) and weights.shape == (3, 6)
    np.testing.assert_allclose(got_vector, vector, atol=1e-6)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)
    assert (weights >= 0).all()


def test_default_is_unchanged_and_the_keyword_is_serialized(tmp_path):
    layer = Attention(units=4)
    assert layer.return_attention is False and "return_attention" not in layer.get_config()
    config = Attention(units=4, score="bahdanau", return_attention=True).get_config()
    assert config["return_attention"] is True
    again = Attention.from_config(config)
    assert again.return_attention and again.get_config() == config
    with pytest.raises(TypeError):
        Attention(4, "luong", True)  # keyword-only


def test_return_attention_model_reloads_from_keras_file(tmp_path):
    model = _model("luong", True)
    path = os.path.join(str(tmp_path), "m.keras")
    model.save(path)
    again = keras.models.load_model(path)
    x = np.random.RandomState(1).normal(size=(2, 6, 4)).astype("float32")
    for a, b in zip(model.predict(x, verbose=0), again.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, atol=1e-6)


# -- the live package in debug mode (the attention_pkg tox env) -------------------------------
# With KERAS_ATTENTION_DEBUG=1 the package's Attention is no Keras layer: its steps are layers
# of the model, and the attention weights are the output of its 'attention_weight' layer.
# return_attention=True gives the same vector and weights.

def _debug_package():
    """The package's module executed afresh with KERAS_ATTENTION_DEBUG=1 (the imported one untouched)."""
    import importlib.util
    from importlib import metadata

    try:
        version = metadata.version("attention")
    except metadata.PackageNotFoundError:
        return None, "the `attention` package is not installed (the attention_pkg tox env has it)"
    if version != "5.0.0":
        return None, "attention %s installed; these comparisons are for 5.0.0" % version
    spec = importlib.util.find_spec("attention.attention")
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location("_attention_debug", spec.origin))
    before = os.environ.get("KERAS_ATTENTION_DEBUG")
    os.environ["KERAS_ATTENTION_DEBUG"] = "1"
    try:
        module.__spec__.loader.exec_module(module)  # reads the flag once, at import
    finally:
        if before is None:
            del os.environ["KERAS_ATTENTION_DEBUG"]
        else:
            os.environ["KERAS_ATTENTION_DEBUG"] = before
    assert module.debug_flag == 1
    return module.Attention, None


DebugAttention, NO_PACKAGE = _debug_package()


def theirs_weights(inputs, vector):
    """The output of the package's 'attention_weight' layer in the graph that made ``vector``."""
    graph = keras.Model(inputs, vector)
    return graph.get_layer("attention_weight").output


@pytest.mark.skipif(DebugAttention is None, reason=str(NO_PACKAGE))
@pytest.mark.parametrize("score", ["luong", "bahdanau"])
def test_return_attention_matches_the_packages_debug_mode_weights(score, record_property):
    from compat_attention.layers.package_attention import WEIGHT_SUBLAYERS

    inputs = keras.Input((9, 6))
    sequence = keras.layers.LSTM(7, return_sequences=True)(inputs)
    vector = DebugAttention(units=5, score=score)(sequence)
    theirs = keras.Model(inputs, [vector, theirs_weights(inputs, vector)])
    rng = np.random.RandomState(21)
    theirs.set_weights([rng.normal(0, 0.7, tuple(w.shape)).astype("float32") for w in theirs.weights])
    x = rng.normal(0, 1, (5, 9, 6)).astype("float32")
    want_vector, want_weights = theirs.predict(x, verbose=0)

    ours_out = Attention(units=5, score=score, return_attention=True, name="att")(sequence)
    ours = keras.Model(inputs, list(ours_out))
    ours.layers[1].set_weights(theirs.layers[1].get_weights())  # the LSTM
    ours.get_layer("att").set_weights([theirs.get_layer(sub).get_weights()[0] for sub in WEIGHT_SUBLAYERS[score]])
    got_vector, got_weights = ours.predict(x, verbose=0)
    diffs = (float(np.abs(got_vector - want_vector).max()), float(np.abs(got_weights - want_weights).max()))
    record_property("attention_pkg_max_abs_diff", max(diffs))
    print("debug mode %s: vector %.1e, weights %.1e" % ((score,) + diffs))
    assert want_weights.shape == got_weights.shape == (5, 9)
    assert max(diffs) <= 1e-6, diffs
