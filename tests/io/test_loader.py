"""compat_attention.io.loader: legacy Keras 2.0.x .h5 files load and predict their stored outputs; sources are
picked from the files' own metadata (``pick_source``)."""

import os

import numpy as np
import pytest

from compat_attention import (
    WEIGHT_NAMES, AttentionDecoder, errors, inspect_legacy_file, load_attention_package_model, load_legacy_model,
    load_legacy_weights,
)
from compat_attention._keras.flavour import keras
from compat_attention._keras.saving import READS_KERAS_V3_FILES
from compat_attention.io.h5file import read_legacy_file
from compat_attention.io.loader import KERAS_VERSIONS, SOURCES, pick_source
from legacy_reference import oracle
from support import DATA, ROOT, legacy_cases, legacy_writer
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


# -- the source of a file, picked from its own metadata ------------------------------------------------

PACKAGE_DATA = os.path.join(DATA, "attention_pkg")


def _package_fixture(name):
    return os.path.join(PACKAGE_DATA, name)


def test_the_sources_are_picked_from_the_files_metadata():
    from compat_attention.io.sources import attention_package, keras2_0

    assert pick_source(read_legacy_file(oracle.golden_path("echo_seq_full.h5"))) is keras2_0.SOURCE
    assert pick_source(read_legacy_file(_package_fixture("luong_functional.h5"))) is attention_package.SOURCE
    # A weights-only file has no config to show the package's layer: its version alone decides.
    assert pick_source(read_legacy_file(_package_fixture("luong_functional_weights.h5"))) is keras2_0.SOURCE
    assert SOURCES == (attention_package.SOURCE, keras2_0.SOURCE) and KERAS_VERSIONS == ("2.", "2.")


def test_a_required_source_takes_any_file_of_its_versions_its_checks_refuse_the_rest():
    from compat_attention.io.sources import attention_package

    legacy = read_legacy_file(oracle.golden_path("echo_seq_full.h5"))
    assert pick_source(legacy, attention_package.SOURCE) is attention_package.SOURCE


@pytest.mark.parametrize("version,fix", [("1.2.2", "load and re-save it with Keras 2.0.x first"),
                                         ("3.3.3", "load it with keras.models.load_model")])
def test_a_file_no_source_reads_gets_one_typed_line(version, fix):
    legacy = read_legacy_file(oracle.golden_path("echo_seq.h5"))
    legacy.keras_version = version
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        pick_source(legacy)
    assert str(caught.value) == "%s: was written by Keras %s; this reader handles Keras 2.x files; %s" % (
        legacy.path, version, fix)
    assert caught.value.version == version


def test_load_legacy_model_picks_the_package_source_for_a_package_file():
    with np.load(_package_fixture("luong_functional.npz")) as data:
        x, y = data["x"], data["y"]
    for suffix in (".h5",) + ((".keras",) if READS_KERAS_V3_FILES else ()):
        model = load_legacy_model(_package_fixture("luong_functional" + suffix))
        assert type(model.get_layer("attention")).__name__ == "Attention"
        assert float(np.abs(model.predict(x, verbose=0) - y).max()) <= TOL


def test_every_loader_refuses_a_weights_h5_in_one_line():
    path = _package_fixture("luong_functional.weights.h5")
    for load in (load_legacy_model, load_attention_package_model):
        with pytest.raises(errors.NotAKerasFileError, match=r"\.weights\.h5 file") as caught:
            load(path)
        assert "\n" not in str(caught.value) and str(caught.value).startswith(path + ": ")


def test_custom_objects_reach_the_compiled_metrics():
    path = os.path.join(ROOT, "legacy_reference", "zoo", "compiled_custom_metric.h5")

    def top2(y_true, y_pred):
        return keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)

    model = load_legacy_model(path, compile=True, custom_objects={"top2": top2})
    stored = np.load(path[:-3] + "_io.npz")
    logs = model.train_on_batch(stored["train_x0"], stored["train_y0"], return_dict=True)
    assert "top2" in logs
