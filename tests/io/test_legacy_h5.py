"""Legacy Keras 2.0.x .h5 files load, predict their stored outputs, convert and verify."""

import os

import numpy as np
import pytest

from compat_attention import (
    WEIGHT_NAMES, AttentionDecoder, convert_legacy_model, custom_objects, inspect_legacy_file,
    load_legacy_model, load_legacy_weights,
)
from compat_attention._keras.flavour import KERAS_3, keras
from compat_attention.cli import main as cli
from compat_attention._keras.saving import RELOADS_BIDIRECTIONAL_ARCHIVES, SAVE_SUFFIXES
from legacy_reference import oracle
from support import legacy_cases, legacy_writer
from support.harness import numbers, sha256

TOL = 1e-5
MODEL_FILES = [("echo_seq.h5", "echo_seq"), ("echo_seq_full.h5", "echo_seq"), ("nmt_bilstm.h5", "nmt_bilstm"),
               ("nmt_bilstm_probs.h5", "nmt_bilstm_probs"), ("masked.h5", "masked")]


@pytest.mark.parametrize("filename,case", MODEL_FILES)
def test_legacy_file_loads_and_predicts_stored_y_at_every_step(filename, case, record_property):
    path = oracle.golden_path(filename)
    before = sha256(path)
    model = load_legacy_model(path)
    got = model.predict(oracle.load_io(case)["x"], verbose=0)
    want = legacy_cases.expected(case)
    per_step = np.abs(got - want).max(axis=(0, 2))
    record_property("max_abs_diff", float(per_step.max()))
    print("load_legacy_model %s: max abs diff per step %s" % (filename, np.array2string(per_step, precision=2)))
    assert got.shape == want.shape
    assert (per_step <= TOL).all()
    assert sha256(path) == before


def test_full_file_compiles_from_its_training_config():
    model = load_legacy_model(oracle.golden_path("echo_seq_full.h5"), compile=True)
    io = oracle.load_io("echo_seq")
    loss = model.evaluate(io["x"], io["target"], verbose=0)
    loss = loss[0] if isinstance(loss, list) else loss
    # The trained legacy model's loss on its own pairs is small (96.9% exact sequences).
    assert 0 < loss < 0.2


def test_masked_file_repeats_last_encoder_output_at_padded_steps():
    model = load_legacy_model(oracle.golden_path("masked.h5"))
    io = oracle.load_io("masked")
    encoder = keras.Model(model.inputs, model.layers[-2].output)
    np.testing.assert_allclose(numbers(encoder, io["x"])[0], io["lstm_out"], atol=TOL)


@pytest.mark.parametrize("by_name", [False, True])
def test_weights_only_file_loads_into_a_model_built_with_compat_attention(by_name):
    model = legacy_cases.build("echo_seq")[0]
    if by_name:  # name the layers as the file does
        model = keras.Sequential([keras.layers.Input((5, 50)),
                                  legacy_cases.legacy_lstm(150, name="lstm_1"), AttentionDecoder(150, 50)])
    load_legacy_weights(model, oracle.golden_path("echo_seq_weights.h5"), by_name=by_name)
    got = numbers(model, oracle.load_io("echo_seq")["x"])[0]
    assert legacy_cases.max_abs_diff(got, legacy_cases.expected("echo_seq")) <= TOL


def _gru_decoder_dense_file(path, seed=7):
    """A legacy-layout functional model: GRU encoder -> AttentionDecoder (in the middle) -> Dense."""
    rng = np.random.RandomState(seed)
    steps, features, gru_units, units, out_dim, classes = 6, 4, 5, 7, 3, 2
    gru = [("kernel", rng.normal(0, 0.4, (features, 3 * gru_units))),
           ("recurrent_kernel", rng.normal(0, 0.4, (gru_units, 3 * gru_units))),
           ("bias", rng.normal(0, 0.4, (3 * gru_units,)))]
    shapes = oracle.weight_shapes(gru_units, units, out_dim)
    decoder = [(n, rng.normal(0, 0.4, shapes[n])) for n in WEIGHT_NAMES]
    dense = [("kernel", rng.normal(0, 0.4, (out_dim, classes))), ("bias", rng.normal(0, 0.4, (classes,)))]
    as32 = lambda ws: [(n, a.astype("float32")) for n, a in ws]
    config = legacy_writer.functional_config([
        ("input_1", legacy_writer.input_config("input_1", (None, steps, features)), None),
        ("gru_1", legacy_writer.gru_config("gru_1", gru_units), "input_1"),
        ("decoder", legacy_writer.decoder_config("decoder", units, out_dim), "gru_1"),
        ("dense_1", {"class_name": "TimeDistributed", "config": {
            "name": "dense_1", "trainable": True, "layer": legacy_writer.dense_config("dense", classes, "softmax")}},
         "decoder"),
    ], "input_1", "dense_1")
    legacy_writer.write(path, config, [("input_1", []), ("gru_1", as32(gru)), ("decoder", as32(decoder)),
                                       ("dense_1", as32(dense))])
    x = rng.normal(0, 1, (3, steps, features)).astype("float32")
    encoded = oracle.gru([a for _, a in as32(gru)], x)
    decoded = oracle.attention_decoder(encoded, [a for _, a in as32(decoder)])
    want = oracle.softmax(decoded @ as32(dense)[0][1].astype("float64") + as32(dense)[1][1])
    return x, want


def test_gru_encoder_and_decoder_in_the_middle_compute_the_legacy_numbers(tmp_path):
    path = str(tmp_path / "gru.h5")
    x, want = _gru_decoder_dense_file(path)
    report = inspect_legacy_file(path)
    assert "gru_without_reset_after" in [r["rewrite"] for r in report["rewrites"]]
    got = numbers(load_legacy_model(path), x)[0]
    assert legacy_cases.max_abs_diff(got, want) <= TOL


@pytest.mark.parametrize("suffix", SAVE_SUFFIXES)
def test_convert_then_plain_reload_gives_the_same_predictions(tmp_path, suffix):
    if suffix == ".keras" and not RELOADS_BIDIRECTIONAL_ARCHIVES:
        pytest.skip("the conversion is refused on this Keras: tests/io/test_bidirectional_archives.py")
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
    assert "Keras 2.0.8 file" in out
    assert ("AttentionDecoder" in out) or ("weights" in out)


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
