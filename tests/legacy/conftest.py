"""Fixtures for the legacy runtime tests."""

import warnings

import pytest

from compat_attention._keras.flavour import KERAS_3, keras, tf


def _backend_dtype(name):
    """The dtype name of a tensor the running backend makes when asked for ``name``.

    Asked of the backend itself, not of ``compat_attention``: ``keras.ops`` on Keras 3,
    TensorFlow on tf.keras 2. JAX without ``jax_enable_x64`` answers int32 for int64 and
    float32 for float64; every other backend answers ``name``.
    """
    if KERAS_3:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # JAX: "float64 ... will be truncated"
            tensor = keras.ops.zeros((1,), dtype=name)
        return keras.backend.standardize_dtype(tensor.dtype)
    return tf.zeros((1,), dtype=name).dtype.name


@pytest.fixture
def backend_dtype():
    """``backend_dtype('int64')``: the dtype the running backend really gives for int64."""
    return _backend_dtype

