"""Keras 1's ``BatchNormalization`` modes 1 and 2, which Keras 2 dropped (mode 0 is Keras 2's only one).

``LegacyBatchNormalization`` holds the four weights Keras 1 saved for every mode (``gamma``, ``beta``,
``running_mean``, ``running_std``) and computes, in training and in prediction alike:

* ``mode=1``: each sample normalised over its last axis, ``(x - mean) / (sqrt(var + eps) + eps) * gamma +
  beta`` (epsilon twice, as Keras 1 did); the running statistics are kept but never used;
* ``mode=2``: the batch normalised with the statistics of the batch being fed (Keras 1's feature-wise
  normalisation, in prediction too), ``(x - mean) / sqrt(var + eps) * gamma + beta`` over every axis but
  ``axis``: its numbers depend on the whole batch, as they did then.

Found by the loader (``io/sources/keras1_2.py``) for a Keras 1 ``BatchNormalization`` with ``mode`` 1 or 2.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.keras_ops import ops

__all__ = ["LegacyBatchNormalization"]


@register_serializable(name="LegacyBatchNormalization")
class LegacyBatchNormalization(keras.layers.Layer):
    """Keras 1's ``BatchNormalization(mode=1)`` or ``(mode=2)``.

    Args:
        mode: 1 (sample-wise) or 2 (feature-wise with the fed batch's statistics).
        axis: the feature axis (the shape of the four weights; mode 2 keeps it, reducing the others).
        epsilon: added to the variance (and, mode 1, to the standard deviation).
        momentum: kept for the config (Keras 1 updated no running statistic in these modes).

    Example:

    >>> import numpy as np
    >>> layer = LegacyBatchNormalization(mode=1)
    >>> out = np.asarray(layer(np.array([[1.0, 3.0]], "float32")))
    >>> [round(float(v), 3) for v in out[0]]
    [-0.999, 0.999]
    """

    def __init__(self, mode=1, axis=-1, epsilon=1e-3, momentum=0.99, **kwargs):
        for key in ("beta_regularizer", "gamma_regularizer"):
            kwargs.pop(key, None)
        super().__init__(**kwargs)
        if mode not in (1, 2):
            raise ValueError("LegacyBatchNormalization computes Keras 1's modes 1 and 2, not %r" % (mode,))
        self.mode, self.axis, self.epsilon, self.momentum = int(mode), int(axis), float(epsilon), float(momentum)
        self.supports_masking = True

    def build(self, input_shape):
        shape = (int(input_shape[self.axis]),)
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer="ones")
        self.beta = self.add_weight(name="beta", shape=shape, initializer="zeros")
        self.running_mean = self.add_weight(name="running_mean", shape=shape, initializer="zeros", trainable=False)
        self.running_std = self.add_weight(name="running_std", shape=shape, initializer="ones", trainable=False)
        self.built = True

    def _feature_shape(self, inputs):
        rank = len(inputs.shape)
        axis = self.axis % rank
        return [-1 if i == axis else 1 for i in range(rank)], [i for i in range(rank) if i != axis]

    def call(self, inputs):
        if self.mode == 1:
            mean = ops.mean(inputs, axis=-1, keepdims=True)
            variance = ops.mean(ops.square(inputs - mean), axis=-1, keepdims=True)
            normed = (inputs - mean) / (ops.sqrt(variance + self.epsilon) + self.epsilon)
            return self.gamma * normed + self.beta
        shape, reduced = self._feature_shape(inputs)
        mean = ops.mean(inputs, axis=reduced, keepdims=True)
        variance = ops.mean(ops.square(inputs - mean), axis=reduced, keepdims=True)
        scale = ops.reshape(self.gamma, shape) / ops.sqrt(variance + self.epsilon)
        return inputs * scale + (ops.reshape(self.beta, shape) - mean * scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(mode=self.mode, axis=self.axis, epsilon=self.epsilon, momentum=self.momentum)
        return config
