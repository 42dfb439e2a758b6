"""compat_attention.layers.activations: Keras 2.0.8's hard_sigmoid and ThresholdedReLU, against NumPy."""

import numpy as np
import pytest

from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
from compat_attention.layers.activations import LEGACY_HARD_SIGMOID, LegacyThresholdedReLU, legacy_hard_sigmoid

X = np.linspace(-4.0, 4.0, 33).astype("float32")


def test_legacy_hard_sigmoid_has_slope_0_2_and_saturates():
    got = np.asarray(ops.convert_to_numpy(legacy_hard_sigmoid(X)))
    np.testing.assert_allclose(got, np.clip(0.2 * X + 0.5, 0.0, 1.0), atol=1e-7)
    assert got[0] == 0.0 and got[-1] == 1.0  # clip(0.2 * 4 + 0.5) = 1.3 -> 1


def test_legacy_hard_sigmoid_constant_resolves_to_slope_0_2_on_this_keras():
    activation = keras.activations.get(LEGACY_HARD_SIGMOID)
    got = np.asarray(ops.convert_to_numpy(activation(ops.convert_to_tensor(X))))
    np.testing.assert_allclose(got, np.clip(0.2 * X + 0.5, 0.0, 1.0), atol=1e-7)


@pytest.mark.parametrize("theta", [1.0, 0.25])
def test_thresholded_relu_keeps_values_above_theta(theta):
    layer = LegacyThresholdedReLU(theta=theta) if theta != 1.0 else LegacyThresholdedReLU()
    got = np.asarray(ops.convert_to_numpy(layer(X[None, :])))[0]
    np.testing.assert_array_equal(got, np.where(X > theta, X, 0.0))
    assert (got == 0).sum() == int((X <= theta).sum())


def test_thresholded_relu_passes_the_mask_and_round_trips_its_config():
    inputs = keras.Input((4, 2))
    layer = LegacyThresholdedReLU(theta=0.5, name="thr")
    out = layer(keras.layers.Masking(0.0)(inputs))
    assert tuple(out.shape[1:]) == (4, 2)
    assert layer.supports_masking
    config = layer.get_config()
    assert config["theta"] == 0.5
    assert LegacyThresholdedReLU.from_config(config).theta == 0.5
    assert keras.utils.get_registered_object("compat_attention>LegacyThresholdedReLU") is LegacyThresholdedReLU
