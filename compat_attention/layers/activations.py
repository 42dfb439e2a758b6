"""Keras 2.0.8's activations that Keras 3 redefined or removed.

* ``legacy_hard_sigmoid`` (and ``LEGACY_HARD_SIGMOID``): ``hard_sigmoid`` of slope 0.2;
* ``LegacyThresholdedReLU``: the ``ThresholdedReLU`` layer, found by the loader (``io/sources/``) under
  that class name;
* ``LegacyReLU``: Keras 2's ``ReLU`` layer (``backend.relu``), which also took a negative ``threshold``.
* ``LegacyParametricSoftplus``, ``LegacySReLU``: Keras 1's learned activations, which Keras 2 dropped
  (found by the loader under the class names ``ParametricSoftplus`` and ``SReLU``);
* ``LegacyReLU``: standalone Keras 2.2-2.3's ``ReLU`` layer (``negative_slope``, ``threshold``).
"""

from .._keras.flavour import HARD_SIGMOID_SLOPE_0_2, keras, register_serializable
from .._keras.keras_ops import ops as kops
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


def _parameter_shape(input_shape, shared_axes):
    """A per-element parameter's shape: the input's without the batch axis, 1 along ``shared_axes``."""
    shape = [int(d) for d in input_shape[1:]]
    for axis in shared_axes or ():
        shape[axis - 1] = 1
    return tuple(shape)


class _SharedAxesActivation(keras.layers.Layer):
    """A learned elementwise activation whose parameters may be shared along ``shared_axes``."""

    def __init__(self, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = [int(a) for a in shared_axes] if shared_axes is not None else None

    def _parameter(self, name, input_shape, initializer):
        return self.add_weight(name=name, shape=_parameter_shape(input_shape, self.shared_axes),
                               initializer=initializer)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(max_value=self.max_value, negative_slope=self.negative_slope, threshold=self.threshold)


        config["shared_axes"] = self.shared_axes
        return config


@register_serializable(name="LegacyParametricSoftplus")
class LegacyParametricSoftplus(_SharedAxesActivation):
    """Keras 1's ``ParametricSoftplus``: ``alphas * softplus(betas * x)``, a learned pair per element.

    Weights as Keras 1 stored them: ``alphas`` then ``betas``, each of the input's shape without the
    batch axis (1 along ``shared_axes``).

    Args:
        alpha_init: the initial value of every alpha (Keras 1's default 0.2).
        beta_init: the initial value of every beta (5.0).
        shared_axes: the axes (1 = the first after the batch) along which one parameter is shared.

    Example:

    >>> import numpy as np
    >>> layer = LegacyParametricSoftplus()
    >>> round(float(np.asarray(layer(np.zeros((1, 2), "float32")))[0, 0]), 4)  # 0.2 * log(2)
    0.1386
    """

    def __init__(self, alpha_init=0.2, beta_init=5.0, shared_axes=None, **kwargs):
        super().__init__(shared_axes, **kwargs)
        self.alpha_init, self.beta_init = float(alpha_init), float(beta_init)

    def build(self, input_shape):
        self.alphas = self._parameter("alphas", input_shape, keras.initializers.Constant(self.alpha_init))
        self.betas = self._parameter("betas", input_shape, keras.initializers.Constant(self.beta_init))
        self.built = True

    def call(self, inputs):
        return kops.softplus(self.betas * inputs) * self.alphas

    def get_config(self):
        config = super().get_config()
        config.update(alpha_init=self.alpha_init, beta_init=self.beta_init)
        return config


@register_serializable(name="LegacySReLU")
class LegacySReLU(_SharedAxesActivation):
    """Keras 1's ``SReLU`` (S-shaped ReLU): linear with slope ``a_left`` below ``t_left``, identity up to
    ``t_left + |t_right|``, slope ``a_right`` above it.

    Weights as Keras 1 stored them: ``t_left``, ``a_left``, ``t_right``, ``a_right``, each of the input's
    shape without the batch axis (1 along ``shared_axes``). Computed as Keras 1.2.2 did on TensorFlow:
    ``t_left + clip(relu(x - t_left), 0, |t_right|) - a_left * relu(t_left - x) + a_right * relu(x - t_left - |t_right|)``.

    Args:
        t_left_init, a_left_init, t_right_init, a_right_init: initializers of the four parameters.
        shared_axes: the axes (1 = the first after the batch) along which one parameter is shared.
    """

    _NAMES = ("t_left", "a_left", "t_right", "a_right")

    def __init__(self, t_left_init="zeros", a_left_init="glorot_uniform", t_right_init="glorot_uniform",
                 a_right_init="ones", shared_axes=None, **kwargs):
        super().__init__(shared_axes, **kwargs)
        self.initializers = dict(zip(self._NAMES, (t_left_init, a_left_init, t_right_init, a_right_init)))

    def build(self, input_shape):
        for name in self._NAMES:
            setattr(self, name, self._parameter(name, input_shape, keras.initializers.get(self.initializers[name])))
        self.built = True

    def call(self, inputs):
        shifted = inputs - self.t_left
        t_right_actual = self.t_left + kops.abs(self.t_right)
        zero = kops.zeros_like(shifted)
        centre = kops.minimum(kops.maximum(shifted, zero), t_right_actual - self.t_left)
        left = self.a_left * kops.maximum(-shifted, zero)
        right = kops.maximum(inputs - t_right_actual, zero) * self.a_right
        return (self.t_left + (centre - left)) + right

    def get_config(self):
        config = super().get_config()
        config.update({name + "_init": keras.initializers.serialize(keras.initializers.get(value))
                       for name, value in self.initializers.items()})
        return config


@register_serializable(name="LegacyReLU")
class LegacyReLU(keras.layers.Layer):
    """Standalone Keras 2.2-2.3's ``ReLU`` layer: ``K.relu(x, negative_slope, max_value, threshold)``.

    That function (``backend/tensorflow_backend.py: relu``) computed, in this order: with a slope
    and neither ``max_value`` nor ``threshold``, ``max(slope * x, x)``; otherwise ``x`` where
    ``x > threshold`` (0 elsewhere; plain ``relu`` when ``threshold`` is 0), then clipped to
    ``[0, max_value]`` when ``max_value`` is set, then minus ``slope * relu(threshold - x)``.
    tf.keras of TensorFlow 1.x computed the same. tf.keras 2 and Keras 3's ``ReLU`` refuse a negative
    ``threshold`` (``tf_keras1_15``'s ``relu_layer``: ``threshold=-0.5``) and do not clip at 0 above
    it; this layer computes the legacy numbers for every setting.

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
