"""compat_attention.layers.recurrent: Keras 2.0.8's masked steps, kept inside a Bidirectional and a TimeDistributed.

Each test compares with what a plain Keras layer of the same weights computes on the same input, so
that the one difference the classes exist for is what is measured.
"""

import numpy as np
import pytest

from compat_attention._keras.flavour import keras
from compat_attention.layers.recurrent import LegacyGRU, LegacyLSTM, LegacySimpleRNN

STEPS, FEATURES, UNITS, REAL = 5, 3, 4, 3  # the first sample's steps REAL.. are padding


def _padded_inputs():
    x = np.random.RandomState(0).normal(size=(2, STEPS, FEATURES)).astype("float32")
    x[0, REAL:] = 0.0
    return x


def _bidirectional(layer_class, **kwargs):
    inputs = keras.Input((STEPS, FEATURES))
    outputs = keras.layers.Bidirectional(layer_class(UNITS, return_sequences=True, **kwargs))(
        keras.layers.Masking(0.0)(inputs))
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("legacy_class,plain_class", [(LegacyLSTM, keras.layers.LSTM), (LegacyGRU, keras.layers.GRU),
                                                      (LegacySimpleRNN, keras.layers.SimpleRNN)])
def test_inside_a_bidirectional_masked_steps_repeat_the_last_output(legacy_class, plain_class):
    x = _padded_inputs()
    legacy, plain = _bidirectional(legacy_class), _bidirectional(plain_class)
    plain.set_weights(legacy.get_weights())
    got = np.asarray(legacy.predict(x, verbose=0))
    modern = np.asarray(plain.predict(x, verbose=0))
    forward, backward = got[0, :, :UNITS], got[0, :, UNITS:]
    for step in range(REAL, STEPS):
        np.testing.assert_array_equal(forward[step], forward[REAL - 1])  # the forward one repeats the step before
        np.testing.assert_array_equal(backward[step], np.zeros(UNITS))    # the backward one: its initial output
    assert np.abs(forward[REAL - 1]).max() > 1e-3
    np.testing.assert_array_equal(modern[0, REAL:, :UNITS], np.zeros((STEPS - REAL, UNITS)))  # modern: zeros
    np.testing.assert_allclose(got[0, :REAL], modern[0, :REAL], atol=1e-6)  # real steps: the same numbers
    np.testing.assert_allclose(got[1], modern[1], atol=1e-6)               # an unpadded sample: the same


def test_zero_output_for_mask_stays_false_whatever_a_wrapper_sets():
    layer = LegacyLSTM(UNITS)
    layer.zero_output_for_mask = True
    assert layer.zero_output_for_mask is False
    assert LegacyLSTM(UNITS, zero_output_for_mask=True).zero_output_for_mask is False


def test_ignore_mask_computes_as_if_there_were_no_mask():
    # Used inside a wrapper (as the Keras 2.0.x source puts it): Keras 3 builds these classes through one.
    x = _padded_inputs()
    ignoring = _bidirectional(LegacyLSTM, ignore_mask=True)
    inputs = keras.Input((STEPS, FEATURES))
    unmasked = keras.Model(inputs, keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True))(inputs))
    unmasked.set_weights(ignoring.get_weights())
    got = np.asarray(ignoring.predict(x, verbose=0))
    np.testing.assert_allclose(got, np.asarray(unmasked.predict(x, verbose=0)), atol=1e-6)
    assert np.abs(got[0, REAL:, :UNITS] - got[0, REAL - 1, :UNITS]).max() > 1e-4  # padded steps computed, not repeated


@pytest.mark.parametrize("layer_class", [LegacyLSTM, LegacyGRU, LegacySimpleRNN])
def test_config_round_trip_and_registered_names(layer_class):
    layer = layer_class(UNITS, return_sequences=True, ignore_mask=True, name="kept")
    config = layer.get_config()
    assert config["ignore_mask"] is True and config["units"] == UNITS
    again = layer_class.from_config(config)
    assert again.ignore_mask is True and again.units == UNITS and again.name == "kept"
    name = layer_class.__name__
    assert name in ("LegacyLSTM", "LegacyGRU", "LegacySimpleRNN")
    assert keras.utils.get_custom_objects()[name] is layer_class  # the bare name converted files use
    assert keras.utils.get_registered_object("compat_attention>" + name) is layer_class
