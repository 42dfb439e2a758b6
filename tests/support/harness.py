"""The save/reload harness, in the spirit of Keras' ``run_layer_test``.

``round_trip`` builds a model around a layer (or takes a model), runs it, saves it in every
single-file format the running Keras writes (``SAVE_SUFFIXES``), reloads each file with
plain ``keras.models.load_model`` (importing compat_attention registered its classes) and
checks the reloaded model predicts what the original predicted. The caller keeps its own
assertions on what comes back. ``sha256`` is the one digest the tests compare files by.
"""

import hashlib
import os

import numpy as np

from compat_attention._keras.flavour import BACKEND, keras
from compat_attention._keras.ops import ops
from compat_attention._keras.saving import SAVE_SUFFIXES

DIRECTORY = "<directory>"


def sha256(path):
    """The file's digest; ``DIRECTORY`` for a folder, None where nothing is."""
    if os.path.isdir(path):
        return DIRECTORY
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def flat(result):
    """A model's or layer's result as a list of arrays (one output or several)."""
    return list(result) if isinstance(result, (list, tuple)) else [result]


def numbers(model, x):
    """A model's outputs on ``x`` as a list of NumPy arrays, from one direct inference call.

    ``model.predict`` builds and traces a predict function per model: on TensorFlow a direct
    call of a fresh model is 4-8 times faster (measured on the zoo: 5 s against 20-40 s). On
    JAX an eager call dispatches op by op and is slower than one jitted ``predict_on_batch``.
    The golden fidelity tests keep ``predict``, the path a user takes.
    """
    if BACKEND == "jax":
        return [np.asarray(y) for y in flat(model.predict_on_batch(x))]
    return [ops.convert_to_numpy(y) for y in flat(model(x, training=False))]


def model_around(layer, input_shape, dtype="float32"):
    """A functional model whose only layer is ``layer``, on inputs of ``input_shape`` (no batch axis)."""
    inputs = keras.Input(tuple(input_shape), dtype=dtype)
    return keras.Model(inputs, layer(inputs))


def save_and_reload(model, directory, suffix, name="model", **load_kwargs):
    """``model.save`` to ``directory/name + suffix``, then plain ``keras.models.load_model``."""
    path = os.path.join(str(directory), name + suffix)
    model.save(path)
    return keras.models.load_model(path, **load_kwargs)


def round_trip(model_or_layer, x, directory, suffixes=SAVE_SUFFIXES, atol=1e-6, **load_kwargs):
    """Save and reload in each of ``suffixes``; every reloaded model predicts the original's numbers.

    A layer that is not a model is wrapped with ``model_around`` on ``x``'s shape. Returns
    ``(model, {suffix: reloaded model})``; ``load_kwargs`` go to ``keras.models.load_model``.
    """
    model = model_or_layer
    if not isinstance(model_or_layer, keras.Model):
        model = model_around(model_or_layer, np.shape(x)[1:])
    want = numbers(model, x)
    reloaded = {}
    for suffix in suffixes:
        again = save_and_reload(model, directory, suffix, **load_kwargs)
        got = numbers(again, x)
        assert len(got) == len(want), suffix
        for have, expected in zip(got, want):
            np.testing.assert_allclose(have, expected, atol=atol, err_msg="reloaded from " + suffix)
        reloaded[suffix] = again
    return model, reloaded
