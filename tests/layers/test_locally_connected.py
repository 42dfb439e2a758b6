"""compat_attention.layers.locally_connected: unshared-weight convolutions with Keras 2.0.8's weight layout,
against a NumPy loop over the output positions written from that layout."""

import numpy as np
import pytest

from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
from compat_attention.layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D


def _random_weights(layer, seed):
    rng = np.random.RandomState(seed)
    weights = [rng.normal(size=tuple(w.shape)).astype("float32") for w in layer.weights]
    layer.set_weights(weights)
    return weights


def _reference_1d(x, kernel, bias, size, stride):
    batch, _, channels = x.shape
    length, _, filters = kernel.shape
    out = np.zeros((batch, length, filters))
    for i in range(length):
        patch = x[:, i * stride:i * stride + size, :].reshape(batch, size * channels)  # step-major
        out[:, i] = patch @ kernel[i] + bias[i]
    return out


@pytest.mark.parametrize("size,stride", [(3, 1), (2, 2)])
def test_locally_connected_1d_matches_numpy(size, stride):
    x = np.random.RandomState(1).normal(size=(2, 7, 3)).astype("float32")
    layer = LegacyLocallyConnected1D(4, size, strides=stride)
    got = np.asarray(ops.convert_to_numpy(layer(x)))
    kernel, bias = _random_weights(layer, 2)
    length = (7 - size) // stride + 1
    assert kernel.shape == (length, size * 3, 4) and bias.shape == (length, 4)
    got = np.asarray(ops.convert_to_numpy(layer(x)))
    np.testing.assert_allclose(got, _reference_1d(x, kernel, bias, size, stride), atol=1e-5)
    assert layer.compute_output_shape((None, 7, 3)) == (None, length, 4)


def _reference_2d(x, kernel, bias, size, channels_last):
    kh, kw = size
    if not channels_last:
        x = x.transpose(0, 2, 3, 1)
    batch, rows, cols, channels = x.shape
    out_rows, out_cols = rows - kh + 1, cols - kw + 1
    filters = kernel.shape[-1]
    out = np.zeros((batch, out_rows, out_cols, filters))
    for i in range(out_rows):
        for j in range(out_cols):
            patch = x[:, i:i + kh, j:j + kw, :]                   # (B, kh, kw, C)
            if not channels_last:
                patch = patch.transpose(0, 3, 1, 2)               # flattened as (C, kh, kw)
            out[:, i, j] = patch.reshape(batch, -1) @ kernel[i * out_cols + j]
    if channels_last:
        return out + bias
    # Keras 2.0.8 added the (rows, cols, filters) bias to the channels_first output as a plain reshape.
    return out.transpose(0, 3, 1, 2) + bias.reshape(filters, out_rows, out_cols)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_locally_connected_2d_matches_numpy(data_format):
    last = data_format == "channels_last"
    shape = (2, 5, 4, 3) if last else (2, 3, 5, 4)
    x = np.random.RandomState(3).normal(size=shape).astype("float32")
    layer = LegacyLocallyConnected2D(2, (2, 3), data_format=data_format)
    layer(x)
    kernel, bias = _random_weights(layer, 4)
    assert kernel.shape == (4 * 2, 2 * 3 * 3, 2) and bias.shape == (4, 2, 2)
    got = np.asarray(ops.convert_to_numpy(layer(x)))
    np.testing.assert_allclose(got, _reference_2d(x, kernel, bias, (2, 3), last), atol=1e-5)
    assert layer.compute_output_shape(shape) == ((2, 4, 2, 2) if last else (2, 2, 4, 2))


def test_padding_other_than_valid_is_refused_as_keras_2_0_8_did():
    with pytest.raises(ValueError, match="padding='valid' only"):
        LegacyLocallyConnected1D(2, 3, padding="same")


def test_config_round_trip():
    layer = LegacyLocallyConnected2D(2, (2, 2), strides=(1, 2), activation="relu", use_bias=False, name="lc")
    config = layer.get_config()
    again = LegacyLocallyConnected2D.from_config(config)
    assert (again.filters, again.kernel_size, again.strides, again.use_bias) == (2, (2, 2), (1, 2), False)
    assert again.activation is keras.activations.get("relu")
