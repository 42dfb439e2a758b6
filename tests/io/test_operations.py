"""compat_attention.io.operations: legacy files inspected, converted and verified, from Python and the CLI."""

import os
import re

import numpy as np
import pytest

from compat_attention import convert_legacy_model, custom_objects, errors
from compat_attention._keras.flavour import KERAS_3, describe, keras
from compat_attention.cli import main as cli
from compat_attention._keras.saving import RELOADS_BIDIRECTIONAL_ARCHIVES, SAVE_SUFFIXES
from legacy_reference import oracle
from support import legacy_cases
from support.harness import numbers, sha256

TOL = 1e-5
MODEL_FILES = [("echo_seq.h5", "echo_seq"), ("echo_seq_full.h5", "echo_seq"), ("nmt_bilstm.h5", "nmt_bilstm"),
               ("nmt_bilstm_probs.h5", "nmt_bilstm_probs"), ("masked.h5", "masked")]


@pytest.mark.parametrize("suffix", SAVE_SUFFIXES)
def test_convert_then_plain_reload_gives_the_same_predictions(tmp_path, suffix):
    if suffix == ".keras" and not RELOADS_BIDIRECTIONAL_ARCHIVES:
        pytest.skip("the conversion is refused on this Keras: test_convert_to_keras_is_refused_where_keras_cannot_reload_a_bidirectional")
    out = str(tmp_path / ("nmt" + suffix))
    convert_legacy_model(oracle.golden_path("nmt_bilstm.h5"), out)
    reloaded = keras.models.load_model(out)  # plain Keras: our classes are registered on import
    got = numbers(reloaded, oracle.load_io("nmt_bilstm")["x"])[0]
    assert legacy_cases.max_abs_diff(got, legacy_cases.expected("nmt_bilstm")) <= TOL
    assert [f for f in os.listdir(str(tmp_path)) if f.startswith(".")] == []  # no temp file left


def test_tf_keras_users_can_load_with_custom_objects_after_converting(tmp_path):
    if KERAS_3:
        pytest.skip("keras3: stock load_model cannot read a Keras 2.0.8 .h5 at all; use load_legacy_model")
    # On tf.keras the legacy file's own config loads with our custom objects.
    model = keras.models.load_model(oracle.golden_path("echo_seq.h5"), custom_objects=custom_objects(), compile=False)
    got = numbers(model, oracle.load_io("echo_seq")["x"])[0]
    assert legacy_cases.max_abs_diff(got, legacy_cases.expected("echo_seq")) <= TOL


@pytest.mark.parametrize("filename", ["echo_seq.h5", "echo_seq_full.h5", "echo_seq_weights.h5", "nmt_bilstm.h5",
                                      "nmt_bilstm_probs.h5", "masked.h5"])
def test_cli_inspect_works_on_every_fixture(filename, capsys):
    assert cli.main(["inspect", oracle.golden_path(filename)]) == 0
    out = capsys.readouterr().out
    assert "Keras 2.0.8 file" in out and "read as: Keras 2.0.x" in out
    if filename == "echo_seq_weights.h5":
        assert "none: a weights-only file has no config to rewrite" in out
    else:  # the decoder's row of the layer table names its class
        assert re.search(r"^\S+ +AttentionDecoder +\d", out, re.M), out


@pytest.mark.parametrize("filename,case", MODEL_FILES)
def test_cli_verify_passes_on_every_fixture(filename, case, capsys):
    code = cli.main(["verify", oracle.golden_path(filename), "--io", oracle.golden_path(case + "_io.npz")])
    assert code == 0
    assert ": OK" in capsys.readouterr().out


def test_cli_verify_fails_above_tolerance(tmp_path, capsys):
    io = oracle.load_io("echo_seq")
    shifted = str(tmp_path / "shifted.npz")
    np.savez(shifted, x=io["x"], y=io["y"] + 1e-3)
    assert cli.main(["verify", oracle.golden_path("echo_seq.h5"), "--io", shifted]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_cli_convert_writes_a_file_that_reloads(tmp_path, capsys):
    out = str(tmp_path / ("echo" + SAVE_SUFFIXES[0]))
    assert cli.main(["convert", oracle.golden_path("echo_seq.h5"), out]) == 0
    assert os.path.isfile(out)
    got = numbers(keras.models.load_model(out), oracle.load_io("echo_seq")["x"])[0]
    assert legacy_cases.max_abs_diff(got, legacy_cases.expected("echo_seq")) <= TOL


# -- Keras 3.0-3.3.2 cannot reload a .keras file holding a Bidirectional layer (plain Keras) -------------
# RELOADS_BIDIRECTIONAL_ARCHIVES (_keras/saving.py) says whether the running Keras can; the first test
# holds it to what Keras really does, with no layer of ours in the model. Where it cannot,
# convert_legacy_model refuses to write such a .keras file (one typed line, nothing written) instead
# of leaving a file that no Keras of that version loads.

needs_archives = pytest.mark.skipif(".keras" not in SAVE_SUFFIXES,
                                    reason="%s writes no .keras archive" % describe())


@needs_archives
def test_keras_reloads_its_own_bidirectional_archive_as_the_flag_says(tmp_path):
    inputs = keras.Input((5, 3))
    outputs = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.RandomState(0).normal(size=(2, 5, 3)).astype("float32")
    path = str(tmp_path / "plain.keras")
    model.save(path)
    if RELOADS_BIDIRECTIONAL_ARCHIVES:
        again = keras.models.load_model(path)
        np.testing.assert_allclose(numbers(again, x)[0], numbers(model, x)[0], atol=1e-6)
    else:
        with pytest.raises(ValueError, match="expected 3 variables, but received 0"):
            keras.models.load_model(path)


@needs_archives
def test_convert_to_keras_is_refused_where_keras_cannot_reload_a_bidirectional(tmp_path, capsys):
    if RELOADS_BIDIRECTIONAL_ARCHIVES:
        pytest.skip("%s reloads them: the conversion runs (test_convert_then_plain_reload_gives_the_same_predictions)" % describe())
    source = oracle.golden_path("nmt_bilstm.h5")
    before = sha256(source)
    out = str(tmp_path / "nmt.keras")
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        convert_legacy_model(source, out)
    message = str(caught.value)
    assert "\n" not in message and out in message
    assert "'bidirectional_1'" in message and "pip install 'keras>=3.3.3'" in message
    assert os.listdir(str(tmp_path)) == []  # nothing written, no temp file left

    existing = tmp_path / "kept.keras"
    existing.write_bytes(b"an earlier output")
    assert cli.main(["convert", source, str(existing), "--overwrite"]) != 0
    assert existing.read_bytes() == b"an earlier output"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bidirectional_1" in err[0]
    assert sha256(source) == before

