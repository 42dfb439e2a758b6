"""Keras 2.0.8's activations that Keras 3 redefined or removed.

* ``legacy_hard_sigmoid`` (and ``LEGACY_HARD_SIGMOID``): ``hard_sigmoid`` of slope 0.2;
* ``LegacyThresholdedReLU``: the ``ThresholdedReLU`` layer, found by the loader (``io/sources/``) under
  that class name;
* ``LegacyReLU``: standalone Keras 2.2-2.3's ``ReLU`` layer (``negative_slope``, ``threshold``).
"""

from .._keras import keras_ops
from .._keras.flavour import HARD_SIGMOID_SLOPE_0_2, keras, register_serializable
from .._keras.ops import ops

kops = keras_ops.ops


@register_serializable(name="legacy_hard_sigmoid")
def legacy_hard_sigmoid(x):
    """Keras 2.0.8's ``hard_sigmoid``: ``clip(0.2 * x + 0.5, 0, 1)``.

    Keras 3 redefined ``hard_sigmoid`` with slope 1/6; legacy LSTM/GRU layers
    (whose default ``recurrent_activation`` was ``'hard_sigmoid'``) need this one
    to compute what they computed in 2017.

    Args:
        x: a tensor.

    Returns:
        A tensor of the same shape and dtype.

    Example:

    >>> import numpy as np
    >>> from compat_attention import legacy_hard_sigmoid
    >>> [round(float(v), 3) for v in np.asarray(legacy_hard_sigmoid(np.array([-3.0, 0.0, 1.0], "float32")))]
    [0.0, 0.5, 0.7]
    """
    return ops.clip(0.2 * x + 0.5, 0.0, 1.0)


#: What a legacy ``recurrent_activation='hard_sigmoid'`` must become on the running Keras:
#: the built-in name where it still means slope 0.2 (Keras 2), else our function.
LEGACY_HARD_SIGMOID = "hard_sigmoid" if HARD_SIGMOID_SLOPE_0_2 else legacy_hard_sigmoid


@register_serializable(name="LegacyThresholdedReLU")
class LegacyThresholdedReLU(keras.layers.Layer):
    """Keras 2.0.8's ``ThresholdedReLU``: ``x`` where ``x > theta``, else 0.

    Args:
        theta: the threshold (default 1.0, as in Keras 2.0.8).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.theta = float(theta)

    def call(self, inputs):
        return inputs * ops.cast(inputs > self.theta, ops.dtype_of(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["theta"] = self.theta
        return config


@register_serializable(name="LegacyReLU")
class LegacyReLU(keras.layers.Layer):
    """Standalone Keras 2.2-2.3's ``ReLU`` layer: ``K.relu(x, negative_slope, max_value, threshold)``.

    That function (``backend/tensorflow_backend.py: relu``) computed, in this order: with a slope
    and neither ``max_value`` nor ``threshold``, ``max(slope * x, x)``; otherwise ``x`` where
    ``x > threshold`` (0 elsewhere; plain ``relu`` when ``threshold`` is 0), then clipped to
    ``[0, max_value]`` when ``max_value`` is set, then minus ``slope * relu(threshold - x)``.
    Keras 3's ``ReLU`` refuses a negative ``threshold`` and does not clip at 0 above a negative
    threshold; this layer computes the legacy numbers for every setting.

    Args:
        max_value: the saturation (None: none).
        negative_slope: the slope below the threshold.
        threshold: the threshold.

    Example:

    >>> import numpy as np
    >>> layer = LegacyReLU(max_value=2.0, negative_slope=0.5, threshold=-0.5)
    >>> [float(v) for v in np.asarray(layer(np.array([-2.0, -0.25, 1.0, 3.0], "float32")))]
    [-0.75, 0.0, 1.0, 2.0]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs):
        x = inputs
        slope, threshold, top = self.negative_slope, self.threshold, self.max_value
        if slope != 0.0 and top is None and threshold == 0.0:
            return kops.maximum(slope * x, x)
        zero = kops.zeros_like(x)
        kept = x * kops.cast(kops.greater(x, threshold), ops.dtype_of(x)) if threshold != 0.0 else kops.maximum(x, zero)
        if top is not None:
            kept = kops.clip(kept, 0.0, top)
        if slope != 0.0:
            kept = kept - slope * kops.maximum(threshold - x, zero)
        return kept

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config
