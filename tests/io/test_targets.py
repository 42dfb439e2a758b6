"""compat_attention.io.targets: load_legacy_weights refuses target recurrent layers that would not compute what
the file's did.

The newcomer's trap: rebuild the tutorial model with today's LSTM (recurrent_activation
'sigmoid') and load the 2017 weights: the predictions are about 0.1 away from 2017's, with
no warning. Now the load is refused with one line naming the layer and the argument.
"""

import os

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
    # The same GRU weights with no config: written by Keras 2.0.8 they computed reset_after=False (hard_sigmoid);
    # a tf.keras 2.14 file read by the Keras 2.0.x source (no source of its own yet) gets Keras 2.3's sigmoid.
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
