"""Keras 2.0.8's activations that Keras 3 redefined or removed.

* ``legacy_hard_sigmoid`` (and ``LEGACY_HARD_SIGMOID``): ``hard_sigmoid`` of slope 0.2;
* ``LegacyThresholdedReLU``: the ``ThresholdedReLU`` layer, found by the loader (``io/sources/``) under
  that class name;
* ``LegacyReLU``: Keras 2's ``ReLU`` layer (``backend.relu``), which also took a negative ``threshold``.
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


@register_serializable(name="LegacyReLU")
class LegacyReLU(keras.layers.Layer):
    """Keras 2's ``ReLU`` layer as ``backend.relu`` computed it, a negative ``threshold`` included.

    ``x * (x > threshold)``, clipped to ``[0, max_value]`` when ``max_value`` is set, minus
    ``negative_slope * relu(threshold - x)``. tf.keras of TensorFlow 1.x took any ``threshold``;
    tf.keras 2 and Keras 3 refuse a negative one (``tf_keras1_15``'s ``relu_layer``: ``threshold=-0.5``).

    Args:
        max_value: None, or the largest output.
        negative_slope: the slope below ``threshold``.
        threshold: where the output starts following ``x``.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def call(self, inputs):
        dtype = ops.dtype_of(inputs)
        outputs = inputs * ops.cast(inputs > self.threshold, dtype)
        if self.max_value is not None:
            outputs = ops.clip(outputs, 0.0, self.max_value)
        if self.negative_slope:
            below = self.threshold - inputs
            outputs = outputs - self.negative_slope * below * ops.cast(below > 0, dtype)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(max_value=self.max_value, negative_slope=self.negative_slope, threshold=self.threshold)
        return config
