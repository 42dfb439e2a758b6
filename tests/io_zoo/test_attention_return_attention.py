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
