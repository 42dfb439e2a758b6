"""compat_attention.io.targets: load_legacy_weights refuses target recurrent layers that would not compute what
the file's did.

The newcomer's trap: rebuild the tutorial model with today's LSTM (recurrent_activation
'sigmoid') and load the 2017 weights: the predictions are about 0.1 away from 2017's, with
no warning. Now the load is refused with one line naming the layer and the argument.
"""

import os
import shutil

import h5py

import numpy as np
import pytest

from compat_attention import LEGACY_HARD_SIGMOID, AttentionDecoder, errors, load_legacy_weights
from compat_attention._keras.flavour import keras
from compat_attention.layers.recurrent import LegacyLSTM
from legacy_reference import oracle
from support import legacy_writer
from support.harness import numbers

WEIGHTS = oracle.golden_path("echo_seq_weights.h5")


def _tutorial(**lstm):
    return keras.Sequential([
        keras.layers.Input((5, 50)),
        keras.layers.LSTM(150, return_sequences=True, **lstm),
        AttentionDecoder(150, 50),
    ])


def _golden():
    data = np.load(oracle.golden_path("echo_seq_io.npz"))
    return data["x"], data["y"]


def test_todays_default_lstm_is_refused_with_one_line_naming_layer_and_argument():
    model = _tutorial()
    with pytest.raises(errors.WeightMismatchError) as caught:
        load_legacy_weights(model, WEIGHTS)
    message = str(caught.value)
    assert "\n" not in message
    assert model.layers[0].name in message and "recurrent_activation='hard_sigmoid'" in message
    assert "recurrent_activation=compat_attention.LEGACY_HARD_SIGMOID" in message
    assert "check_defaults=False" in message


def test_the_legacy_lstm_loads_and_gives_2017s_numbers():
    model = load_legacy_weights(_tutorial(recurrent_activation=LEGACY_HARD_SIGMOID), WEIGHTS)
    x, y = _golden()
    assert np.abs(numbers(model, x)[0] - y).max() < 1e-5


def test_opting_out_loads_into_todays_lstm_and_shows_why_it_is_refused():
    model = load_legacy_weights(_tutorial(), WEIGHTS, check_defaults=False)
    x, y = _golden()
    assert np.abs(numbers(model, x)[0] - y).max() > 1e-2  # the silent 0.1 the check prevents


def test_a_gru_with_reset_after_is_refused_before_its_shapes_are_compared(tmp_path):
    path = str(tmp_path / "gru_weights.h5")
    units, features = 4, 3
    rng = np.random.RandomState(0)
    arrays = [("kernel", rng.normal(size=(features, 3 * units)).astype("float32")),
              ("recurrent_kernel", rng.normal(size=(units, 3 * units)).astype("float32")),
              ("bias", np.zeros(3 * units, "float32"))]
    config = legacy_writer.functional_config(
        [("x", legacy_writer.input_config("x", (None, 5, features)), None),
         ("gru_1", legacy_writer.gru_config("gru_1", units), "x")], "x", "gru_1")
    legacy_writer.write(path, config, [("gru_1", arrays)])
    inputs = keras.Input((5, features))
    modern = keras.Model(inputs, keras.layers.GRU(units, return_sequences=True, name="gru_1")(inputs))
    with pytest.raises(errors.WeightMismatchError, match="reset_after=True.*reset_after=False"):
        load_legacy_weights(modern, path)
    legacy = keras.Model(inputs, keras.layers.GRU(units, return_sequences=True, reset_after=False,
                                                  recurrent_activation=LEGACY_HARD_SIGMOID, name="gru_2")(inputs))
    load_legacy_weights(legacy, path)
    np.testing.assert_array_equal(legacy.layers[-1].get_weights()[0], arrays[0][1])


def test_a_weights_only_file_gets_the_defaults_of_the_era_of_its_source(tmp_path):
    # The same GRU weights with no config: written by Keras 2.0.8 they computed hard_sigmoid, by tf.keras 2.14
    # sigmoid; the (3 * units,) bias says reset_after=False in both.
    units, features = 4, 3
    rng = np.random.RandomState(1)
    arrays = [("kernel", rng.normal(size=(features, 3 * units)).astype("float32")),
              ("recurrent_kernel", rng.normal(size=(units, 3 * units)).astype("float32")),
              ("bias", np.zeros(3 * units, "float32"))]
    inputs = keras.Input((5, features))
    for version, activation in (("2.0.8", LEGACY_HARD_SIGMOID), ("2.14.0", "sigmoid")):
        path = str(tmp_path / ("gru_%s.h5" % version))
        legacy_writer.write(path, None, [("gru_1", arrays)], keras_version=version)  # model_config null: weights only
        other = "sigmoid" if activation == LEGACY_HARD_SIGMOID else LEGACY_HARD_SIGMOID
        wrong = keras.Model(inputs, keras.layers.GRU(units, reset_after=False, recurrent_activation=other)(inputs))
        with pytest.raises(errors.WeightMismatchError, match="recurrent_activation=.*Keras %s" % version.replace(".", r"\.")):
            load_legacy_weights(wrong, path)
        right = keras.Model(inputs, keras.layers.GRU(units, reset_after=False, recurrent_activation=activation)(inputs))
        load_legacy_weights(right, path)
        np.testing.assert_array_equal(right.layers[-1].get_weights()[1], arrays[1][1])


def _gru_arrays(units, features, reset_after):
    rng = np.random.RandomState(2)
    return [("kernel", rng.normal(size=(features, 3 * units)).astype("float32")),
            ("recurrent_kernel", rng.normal(size=(units, 3 * units)).astype("float32")),
            ("bias", rng.normal(size=(2, 3 * units) if reset_after else (3 * units,)).astype("float32"))]


def test_a_tf_keras_2_14_weights_file_of_a_default_gru_loads_into_todays_default_gru(tmp_path):
    # tf.keras 2.14's GRU defaulted to reset_after=True and sigmoid gates: today's defaults (issue 24).
    units, features = 4, 3
    arrays = _gru_arrays(units, features, reset_after=True)
    path = str(tmp_path / "gru.h5")
    legacy_writer.write(path, None, [("gru", arrays)], keras_version="2.14.0")
    inputs = keras.Input((5, features))
    model = keras.Model(inputs, keras.layers.GRU(units)(inputs))
    load_legacy_weights(model, path)
    np.testing.assert_array_equal(model.layers[-1].get_weights()[2], arrays[2][1])
    wrong = keras.Model(inputs, keras.layers.GRU(units, reset_after=False)(inputs))
    with pytest.raises(errors.WeightMismatchError, match=r"reset_after=False, but the file's GRU 'gru' \(Keras "
                                                          r"2\.14\.0\) had reset_after=True"):
        load_legacy_weights(wrong, path)


def test_a_2_2_4_tf_weights_file_that_tells_no_era_is_refused_for_what_it_cannot_tell(tmp_path):
    # keras_version 2.2.4-tf: tf.keras of TensorFlow 1.13-1.15 (hard_sigmoid) or 2.0 (sigmoid); an LSTM's weights
    # do not say which, so any target is refused, truly; check_defaults=False loads.
    units, features = 2, 3
    rng = np.random.RandomState(3)
    arrays = [("kernel", rng.normal(size=(features, 4 * units)).astype("float32")),
              ("recurrent_kernel", rng.normal(size=(units, 4 * units)).astype("float32")),
              ("bias", rng.normal(size=(4 * units,)).astype("float32"))]
    path = str(tmp_path / "lstm.h5")
    legacy_writer.write(path, None, [("lstm", arrays)], keras_version="2.2.4-tf")
    inputs = keras.Input((5, features))
    model = keras.Model(inputs, keras.layers.LSTM(units)(inputs))
    with pytest.raises(errors.WeightMismatchError) as caught:
        load_legacy_weights(model, path)
    assert str(caught.value) == (
        "%s: layer %r (LSTM): the file's layer 'lstm' (keras_version 2.2.4-tf) computed recurrent_activation="
        "'hard_sigmoid' or 'sigmoid', as the producers that write this version defaulted, and the file does not "
        "tell which; build it with the setting of the TensorFlow that wrote the file and pass check_defaults=False"
        % (path, model.layers[-1].name))
    load_legacy_weights(model, path, check_defaults=False)
    np.testing.assert_array_equal(model.layers[-1].get_weights()[2], arrays[2][1])


def test_the_package_source_declares_tf_keras_2_defaults():
    from compat_attention.io.sources import attention_package

    assert attention_package.SOURCE.recurrent_defaults("2.14.0") == {
        "activation": "tanh", "recurrent_activation": "sigmoid", "reset_after": True}


# Keras 1.2.2's genuine weights-only file of Embedding(mask_zero) -> Bidirectional(LSTM) -> Dense: its LSTM
# repeated the last output at masked steps in both directions (``masked_steps='repeat'``, the era's default).
KERAS1_DIR = os.path.join(os.path.dirname(oracle.golden_path("x")), os.pardir, "eras", "keras1_2")


def _keras1_bidirectional(lstm_class, mask_zero=True):
    inp = keras.Input((8,), dtype="int32")
    h = keras.layers.Embedding(20, 6, mask_zero=mask_zero)(inp)
    h = keras.layers.Bidirectional(lstm_class(5, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID))(h)
    return keras.Model(inp, keras.layers.TimeDistributed(keras.layers.Dense(3))(h))


def _keras1_masked():
    data = np.load(os.path.join(KERAS1_DIR, "weights_bilstm_masked_io.npz"))
    return os.path.join(KERAS1_DIR, "weights_bilstm_masked_weights.h5"), data["x0"], data["y0"]


def test_a_bidirectional_that_zeroes_masked_steps_is_refused_for_a_keras_1_file():
    path, _, _ = _keras1_masked()
    model = _keras1_bidirectional(keras.layers.LSTM)
    with pytest.raises(errors.WeightMismatchError) as caught:
        load_legacy_weights(model, path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path)
    assert "repeated its last output" in message and "LegacyLSTM" in message


def test_the_legacy_lstm_in_the_bidirectional_gives_keras_1s_numbers_and_why_the_other_is_refused():
    path, x, y = _keras1_masked()
    model = load_legacy_weights(_keras1_bidirectional(LegacyLSTM), path)
    assert np.abs(numbers(model, x)[0] - y).max() < 1e-5
    zeroing = load_legacy_weights(_keras1_bidirectional(keras.layers.LSTM), path, check_defaults=False)
    assert np.abs(numbers(zeroing, x)[0] - y).max() > 1e-2  # what the check prevents


def test_an_unmasked_bidirectional_is_not_refused_for_masked_steps():
    path, x, _ = _keras1_masked()
    model = _keras1_bidirectional(keras.layers.LSTM, mask_zero=False)
    load_legacy_weights(model, path)  # no mask reaches the LSTM: it computes what Keras 1's did for such input
    assert np.isfinite(numbers(model, x)[0]).all()


def test_a_keras_2_0_weights_file_into_a_bidirectional_that_zeroes_masked_steps_is_refused(tmp_path):
    """Keras 2.0.x repeated the previous output at masked steps inside a Bidirectional too (the zoo's
    masked Bidirectional cases), as 2.1-2.3 did: the genuine Keras 2.2.4 weights file, labelled 2.0.8
    (2.2.4 computes what 2.0.8 did here), is refused for today's LSTM and matches with LegacyLSTM."""
    era = os.path.join(KERAS1_DIR, os.pardir, "keras2_2")
    path = str(tmp_path / "masked_bidirectional_2_0_8.h5")
    shutil.copy(os.path.join(era, "weights_masked_bidirectional_weights.h5"), path)
    with h5py.File(path, "r+") as handle:
        handle.attrs["keras_version"] = np.bytes_("2.0.8")
    data = np.load(os.path.join(era, "weights_masked_bidirectional_io.npz"))

    def model(lstm_class):
        return keras.Sequential([
            keras.Input((8,), dtype="int32"), keras.layers.Embedding(20, 6, mask_zero=True),
            keras.layers.Bidirectional(lstm_class(5, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID)),
            keras.layers.TimeDistributed(keras.layers.Dense(3))])

    with pytest.raises(errors.WeightMismatchError) as caught:
        load_legacy_weights(model(keras.layers.LSTM), path)
    assert "repeated its last output" in str(caught.value) and "Keras 2.0.8" in str(caught.value)
    loaded = load_legacy_weights(model(LegacyLSTM), path)
    assert np.abs(numbers(loaded, data["x0"])[0] - data["y0"]).max() < 1e-5
