"""Keras 2.0.8's activations that Keras 3 redefined or removed.

* ``legacy_hard_sigmoid`` (and ``LEGACY_HARD_SIGMOID``): ``hard_sigmoid`` of slope 0.2;
* ``LegacyThresholdedReLU``: the ``ThresholdedReLU`` layer, found by the loader (``io/sources/``) under
  that class name.
"""

from .._keras.flavour import HARD_SIGMOID_SLOPE_0_2, keras, register_serializable
from .._keras.ops import ops


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
