"""plot_attention, attention_model and `compat-attention plot`."""

import os
import sys

import numpy as np
import pytest

from compat_attention import AttentionDecoder, attention_model, plot_attention
from compat_attention.cli import main as cli
from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
from compat_attention._keras.saving import SAVE_SUFFIXES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _tutorial_model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.layers.Input((5, 8)),
        keras.layers.LSTM(6, return_sequences=True),
        AttentionDecoder(6, 8),
    ])
    return model


def _x():
    return np.eye(8, dtype="float32")[np.random.RandomState(0).randint(0, 8, (3, 5))]


def test_attention_model_gives_the_legacy_probabilities_of_the_same_weights():
    model = _tutorial_model()
    probe = attention_model(model)
    decoder = model.layers[-1]
    legacy = AttentionDecoder(6, 8, return_probabilities=True)
    legacy.build((None, 5, 6))
    legacy.set_weights(decoder.get_weights())
    encoder = keras.Model(model.inputs, model.layers[0].output)
    want = ops.convert_to_numpy(legacy(encoder.predict(_x(), verbose=0)))
    got = probe.predict(_x(), verbose=0)
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
    with pytest.raises(ImportError, match=r"pip install 'compat_attention\[plot\]'"):
        plot_attention(np.full((2, 3), 1.0 / 3))


def test_cli_plot_writes_the_heatmap_of_a_saved_model(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    model = _tutorial_model()
    model_path = str(tmp_path / ("model" + SAVE_SUFFIXES[0]))
    model.save(model_path)
    inputs = str(tmp_path / "x.npy")
    np.save(inputs, _x())
    out = str(tmp_path / "att.png")
    code = cli.main(["plot", model_path, "--input", inputs, "--index", "2", "--out", out,
                     "--input-labels", "a b c d e"])
    assert code == 0
    assert "wrote %s (5 decoded steps x 5 encoder steps)" % out in capsys.readouterr().out
    with open(out, "rb") as f:
        assert f.read(8) == PNG_SIGNATURE


def test_cli_plot_refuses_bad_input_without_writing(tmp_path, capsys):
    model = _tutorial_model()
    model_path = str(tmp_path / ("model" + SAVE_SUFFIXES[0]))
    model.save(model_path)
    bad = tmp_path / "x.npy"
    bad.write_bytes(b"not numpy at all")
    out = tmp_path / "att.png"
    out.write_bytes(b"existing")
    assert cli.main(["plot", model_path, "--input", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(bad) in err and "numpy.save" in err
    assert bad.read_bytes() == b"not numpy at all" and out.read_bytes() == b"existing"
    good = str(tmp_path / "good.npy")
    np.save(good, _x())
    assert cli.main(["plot", model_path, "--input", good, "--index", "7", "--out", str(out)]) == 1
    assert "--index 7 but the file holds 3 examples" in capsys.readouterr().err
    assert out.read_bytes() == b"existing"
    not_a_model = tmp_path / ("broken" + SAVE_SUFFIXES[0])
    not_a_model.write_bytes(b"garbage")
    assert cli.main(["plot", str(not_a_model), "--input", good, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(not_a_model) in err
    assert out.read_bytes() == b"existing" and os.path.getsize(str(not_a_model)) == 7
