"""Keras 1's densely connected layers that Keras 2.0 moved to ``keras.legacy`` and Keras 2.2 removed.

* ``LegacyHighway``: ``Highway`` (Keras 1, and ``keras.legacy.layers`` of Keras 2.0-2.1);
* ``LegacyMaxoutDense``: ``MaxoutDense`` (the same Keras).

Both keep the weights in the order and layout those Keras stored them, and are found by the loader
(``io/sources/``) under the class names ``Highway`` and ``MaxoutDense``, their Keras 1 arguments renamed
to Keras 2's (``init`` -> ``kernel_initializer``, ``W_regularizer`` -> ``kernel_regularizer``, ``bias`` ->
``use_bias``, ``output_dim`` -> ``units``: ``io/rewrites.py``, ``highway_maxout_keras2_names``).
"""

from .._keras.flavour import keras, register_serializable
from .._keras.internals import resolve_weight_settings
from .._keras.keras_ops import ops

__all__ = ["LegacyHighway", "LegacyMaxoutDense"]

#: The settings both layers take, with their defaults.
_WEIGHT_SETTINGS = dict(kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                        bias_regularizer=None, kernel_constraint=None, bias_constraint=None)


class _LegacyDense(keras.layers.Layer):
    """What both layers share: the weight settings, their config, and the ``input_dim`` Keras 1 saved."""

    def __init__(self, use_bias=True, input_dim=None, **kwargs):
        settings = {key: kwargs.pop(key, default) for key, default in _WEIGHT_SETTINGS.items()}
        super().__init__(**kwargs)
        self.use_bias = bool(use_bias)
        resolve_weight_settings(self, **settings)

    def _add(self, name, shape, kind, initializer=None):
        return self.add_weight(name=name, shape=shape, initializer=initializer or getattr(self, kind + "_initializer"),
                               regularizer=getattr(self, kind + "_regularizer"),
                               constraint=getattr(self, kind + "_constraint"))

    def get_config(self):
        config = super().get_config()
        config["use_bias"] = self.use_bias
        for key in _WEIGHT_SETTINGS:
            value = getattr(self, key)
            kind = key.rsplit("_", 1)[1]
            serialize = {"initializer": keras.initializers.serialize, "regularizer": keras.regularizers.serialize,
                         "constraint": keras.constraints.serialize}[kind]
            config[key] = serialize(value) if value is not None else None
        return config


@register_serializable(name="LegacyHighway")
class LegacyHighway(_LegacyDense):
    """Keras 1's ``Highway``: ``t * activation(x W + b) + (1 - t) * x`` with ``t = sigmoid(x W_carry + b_carry)``.

    Weights as Keras 1 stored them: ``W`` (d, d), ``W_carry`` (d, d), then (with ``use_bias``) ``b`` (d,)
    and ``b_carry`` (d,); ``b_carry`` starts at ones (Keras 1's ``transform_bias`` only seeded it).

    Args:
        activation: the transform's activation (Keras 1's default: linear).
        use_bias: whether ``b`` and ``b_carry`` exist.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, kernel_constraint,
            bias_constraint: as for ``Dense`` (applied to ``W`` and ``b``, as Keras 1 did).

    Example:

    >>> import numpy as np
    >>> layer = LegacyHighway(activation="relu")
    >>> layer(np.zeros((2, 3), "float32")).shape[-1]
    3
    """

    def __init__(self, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        dim = int(input_shape[-1])
        self.W = self._add("W", (dim, dim), "kernel")
        self.W_carry = self.add_weight(name="W_carry", shape=(dim, dim), initializer=self.kernel_initializer)
        if self.use_bias:
            self.b = self._add("b", (dim,), "bias")
            self.b_carry = self.add_weight(name="b_carry", shape=(dim,), initializer="ones")
        self.built = True

    def call(self, inputs):
        carry = ops.matmul(inputs, self.W_carry)
        transformed = ops.matmul(inputs, self.W)
        if self.use_bias:
            carry = carry + self.b_carry
            transformed = transformed + self.b
        gate = ops.sigmoid(carry)
        return self.activation(transformed) * gate + (1 - gate) * inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = keras.activations.serialize(self.activation)
        return config


@register_serializable(name="LegacyMaxoutDense")
class LegacyMaxoutDense(_LegacyDense):
    """Keras 1's ``MaxoutDense``: the elementwise maximum of ``nb_feature`` linear layers (no activation).

    Weights as Keras 1 stored them: ``W`` (nb_feature, input_dim, units), then (with ``use_bias``)
    ``b`` (nb_feature, units).

    Args:
        units: the output width (Keras 1's ``output_dim``).
        nb_feature: the number of linear pieces.
        use_bias, kernel_initializer, ...: as for ``Dense``.

    Example:

    >>> import numpy as np
    >>> LegacyMaxoutDense(4, nb_feature=3)(np.zeros((2, 5), "float32")).shape[-1]
    4
    """

    def __init__(self, units, nb_feature=4, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.nb_feature = int(nb_feature)

    def build(self, input_shape):
        self.W = self._add("W", (self.nb_feature, int(input_shape[-1]), self.units), "kernel")
        if self.use_bias:
            self.b = self._add("b", (self.nb_feature, self.units), "bias")
        self.built = True

    def call(self, inputs):
        pieces = ops.einsum("bi,fiu->bfu", inputs, self.W)
        if self.use_bias:
            pieces = pieces + self.b
        return ops.max(pieces, axis=1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, nb_feature=self.nb_feature)
        return config
