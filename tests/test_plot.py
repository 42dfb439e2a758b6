"""plot_attention and attention_model (the `compat-attention plot` command: tests/cli/test_cli_plot.py)."""

import sys

import numpy as np
import pytest

from compat_attention import AttentionDecoder, attention_model, plot_attention
from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
from support.tutorial import PNG_SIGNATURE, tutorial_inputs, tutorial_model


def test_attention_model_gives_the_legacy_probabilities_of_the_same_weights():
    model = tutorial_model()
    probe = attention_model(model)
    decoder = model.layers[-1]
    legacy = AttentionDecoder(6, 8, return_probabilities=True)
    legacy.build((None, 5, 6))
    legacy.set_weights(decoder.get_weights())
    encoder = keras.Model(model.inputs, model.layers[0].output)
    want = ops.convert_to_numpy(legacy(encoder.predict(tutorial_inputs(), verbose=0)))
    got = probe.predict(tutorial_inputs(), verbose=0)
    assert got.shape == (3, 5, 5)
    np.testing.assert_allclose(got, want, atol=1e-6)


def _masked_bidirectional(return_attention):
    keras.utils.set_random_seed(1)
    tokens = keras.Input((6,), dtype="int32")
    embedded = keras.layers.Embedding(9, 4, mask_zero=True)(tokens)
    seq, fh, _fc, bh, _bc = keras.layers.Bidirectional(
        keras.layers.LSTM(3, return_sequences=True, return_state=True))(embedded)
    out = AttentionDecoder(6, 5, output_length=3, mask_attention=True, return_attention=return_attention,
                           name="decoder")(seq, initial_state=[fh, bh])
    return keras.Model(tokens, out)


def test_attention_model_reuses_the_mask_and_initial_state_of_the_decoder_call():
    model = _masked_bidirectional(return_attention=False)
    reference = _masked_bidirectional(return_attention=True)
    reference.set_weights(model.get_weights())
    ids = np.array([[3, 5, 1, 0, 0, 0], [1, 2, 7, 8, 4, 6]], "int32")
    got = attention_model(model).predict(ids, verbose=0)
    want = reference.predict(ids, verbose=0)[1]
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert (got[0, :, 3:] == 0).all() and (got[1] > 0).all()


def test_attention_model_explains_a_model_without_a_decoder():
    model = keras.Sequential([keras.layers.Input((5, 8)), keras.layers.LSTM(4)])
    with pytest.raises(ValueError, match="expected one AttentionDecoder in the model, found none"):
        attention_model(model)


def test_plot_attention_writes_a_png_with_labels(tmp_path):
    pytest.importorskip("matplotlib")
    path = str(tmp_path / "attention.png")
    attention = np.full((1, 2, 3), 1.0 / 3)
    fig = plot_attention(attention, input_labels=["a", "b", "c"], output_labels=["x", "y"], path=path)
    with open(path, "rb") as f:
        assert f.read(8) == PNG_SIGNATURE
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y"]
    assert np.allclose(ax.images[0].get_array(), 1.0 / 3)


def test_plot_attention_refuses_labels_that_do_not_fit():
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match="input_labels .*: 2 labels for 3 steps"):
        plot_attention(np.full((2, 3), 1.0 / 3), input_labels=["a", "b"])


def test_plot_attention_without_matplotlib_says_how_to_install_it(monkeypatch):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib...` fail
    with pytest.raises(ImportError, match=r"pip install matplotlib \(from a clone of compat_attention: pip install '\.\[plot\]'\)"):
        plot_attention(np.full((2, 3), 1.0 / 3))
