"""Keras 3-safe building blocks for the attention patterns old tutorials copied.

Two patterns were copied into thousands of Keras 2 projects, and both stop working on
Keras 3, mostly because of a ``Lambda`` around a ``keras.backend`` function
(``keras.backend.mean`` and ``keras.backend.sum`` no longer exist, a Python lambda cannot be
reloaded from a ``.keras`` file without ``safe_mode=False``):

* ``attention_3d_block``: a per-feature softmax over time, computed by a ``Dense`` on the
  transposed sequence and multiplied back into it, optionally averaged over the features
  into one shared attention vector (``Lambda(lambda x: K.mean(x, axis=1))`` + ``RepeatVector``).
* attention pooling: a ``Dense(1, activation='tanh')`` score per step, a softmax over time
  and the weighted sum of the steps (``Lambda(lambda x: K.sum(x, axis=-2))`` or a custom
  layer written with ``keras.backend`` functions).

Here they are written with stock layers and small registered layers (``AxisMean``,
``AxisSum``, ``AttentionPooling``) that work on tf.keras 2.8-2.15, ``tf_keras`` and Keras 3
on TensorFlow, JAX and PyTorch, and that save and reload with the model.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.internals import resolve_weight_settings
from .._keras.ops import ops, padding_bias, softmax_float32

__all__ = ["AttentionPooling", "AxisMean", "AxisSum", "attention_3d_block"]

def _axis_size(inputs, axis):
    """The size of one axis of ``inputs``, a Python int when static, else a tensor."""
    size = inputs.shape[axis]
    if size is None:
        size = ops.cast(ops.shape(inputs)[axis], ops.dtype_of(inputs))
    return size


class _AxisReduction(keras.layers.Layer):
    """Base of ``AxisMean`` and ``AxisSum``: a reduction over one axis, no weights."""

    def __init__(self, axis=1, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            raise ValueError("%s reduces one axis; got axis=%r" % (type(self).__name__, axis))
        if int(axis) == 0:
            raise ValueError("%s cannot reduce the batch axis (axis=0)" % type(self).__name__)
        self.axis = int(axis)
        self.keepdims = bool(keepdims)

    def _reduce_sum(self, inputs):
        return ops.sum(inputs, axis=self.axis, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axis = self.axis % len(shape)
        if self.keepdims:
            shape[axis] = 1
        else:
            del shape[axis]
        return tuple(shape)

    def compute_mask(self, inputs, mask=None):
        return None  # the reduced tensor has no per-step mask

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "keepdims": self.keepdims})
        return config


@register_serializable()
class AxisMean(_AxisReduction):
    """Mean over one axis: the saveable replacement for ``Lambda(lambda x: K.mean(x, axis=a))``.

    ``keras.backend.mean`` does not exist on Keras 3, and a model holding a Python lambda
    does not reload from a ``.keras`` file without ``safe_mode=False``; this layer does both.

    Args:
        axis: the axis to average over (not 0, the batch axis). Default 1.
        keepdims: keep the reduced axis with size 1. Default False.
        **kwargs: standard layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: a tensor of rank 2 or more.

    Returns:
        The mean over ``axis``: the input's shape without that axis (or with size 1 there
        when ``keepdims``).
    """

    def call(self, inputs):
        return self._reduce_sum(inputs) / _axis_size(inputs, self.axis)


@register_serializable()
class AxisSum(_AxisReduction):
    """Sum over one axis: the saveable replacement for ``Lambda(lambda x: K.sum(x, axis=a))``.

    Args:
        axis: the axis to sum over (not 0, the batch axis). Default 1.
        keepdims: keep the reduced axis with size 1. Default False.
        **kwargs: standard layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: a tensor of rank 2 or more.

    Returns:
        The sum over ``axis``: the input's shape without that axis (or with size 1 there
        when ``keepdims``).
    """

    def call(self, inputs):
        return self._reduce_sum(inputs)


def attention_3d_block(inputs, single_attention_vector=False, name=None, return_attention=False):
    """Attention over time for a ``(batch, steps, features)`` tensor, Keras 3-safe.

    For every feature ``d``, a ``Dense(steps, activation='softmax')`` applied to that
    feature's time series gives a distribution over the steps, ``a[:, :, d]`` (rows sum to
    1 over time; the Dense weights are shared by all features). The output is
    ``inputs * a``. With ``single_attention_vector=True`` the distributions are averaged
    over the features, so every feature gets the same one. Usable before an LSTM (on the
    raw inputs) or after one (``return_sequences=True``).

    Built from ``Permute``, ``Dense``, ``RepeatVector``, ``Multiply`` and :class:`AxisMean`
    (no ``Lambda``), so a model using it saves and reloads as ``.keras`` or ``.h5``.

    Args:
        inputs: a Keras tensor of shape ``(batch, steps, features)``; ``steps`` must be
            known (it is the width of the Dense).
        single_attention_vector: average the attention over the features (the pattern's
            ``SINGLE_ATTENTION_VECTOR = True``). Default False.
        name: prefix for the layer names: ``{name}_scores`` (the Dense), ``{name}_mean``
            and ``{name}_repeat`` (shared variant only), ``{name}_vec`` (the attention,
            ``(batch, steps, features)``) and ``{name}_mul`` (the output). With
            ``name='attention'`` the attention is ``model.get_layer('attention_vec')``, as in
            the copied code. Default None: Keras' automatic (unique) names.
        return_attention: also return the attention tensor. Default False.

    Returns:
        The attended tensor, same shape as ``inputs``; or ``(attended, attention)`` when
        ``return_attention``.

    Raises:
        ValueError: ``inputs`` is not 3-D or its number of steps is unknown.
    """
    layers = keras.layers
    shape = tuple(inputs.shape)
    if len(shape) != 3 or shape[1] is None or shape[2] is None:
        raise ValueError("attention_3d_block needs a (batch, steps, features) tensor with known steps and "
                         "features; got shape %s" % (shape,))
    steps, features = int(shape[1]), int(shape[2])

    def named(suffix):
        return None if name is None else "%s_%s" % (name, suffix)

    by_feature = layers.Permute((2, 1))(inputs)  # (batch, features, steps)
    attention = layers.Dense(steps, activation="softmax", name=named("scores"))(by_feature)
    if single_attention_vector:
        attention = AxisMean(axis=1, name=named("mean"))(attention)  # (batch, steps)
        attention = layers.RepeatVector(features, name=named("repeat"))(attention)
    attention = layers.Permute((2, 1), name=named("vec"))(attention)  # (batch, steps, features)
    attended = layers.Multiply(name=named("mul"))([inputs, attention])
    if return_attention:
        return attended, attention
    return attended


@register_serializable()
class AttentionPooling(keras.layers.Layer):
    """Attention pooling over time: ``(batch, steps, features)`` -> ``(batch, features)``.

    The pattern ``Dense(1, activation='tanh')`` score per step, softmax over the steps,
    weighted sum of the steps, in one saveable layer::

        score[b, t]  = tanh(inputs[b, t] . kernel + bias)
        weight[b, :] = softmax(score[b, :])           (over the unmasked steps only)
        output[b]    = sum_t weight[b, t] * inputs[b, t]

    With a mask (from ``Masking``, ``Embedding(mask_zero=True)`` or an ``LSTM`` that got
    one), masked steps get weight exactly 0 and the others share all of it; a sequence with
    every step masked pools to zeros.

    Args:
        return_attention: also return the weights, ``(batch, steps)``. Default False.
        use_bias: add ``bias`` to the score. Default True.
        kernel_initializer: initializer of ``kernel``, shape ``(features, 1)``.
            Default ``'glorot_uniform'`` (that of ``Dense``).
        bias_initializer: initializer of ``bias``, shape ``(1,)``. Default ``'zeros'``.
        kernel_regularizer, bias_regularizer: optional regularizers.
        kernel_constraint, bias_constraint: optional constraints.
        **kwargs: standard layer arguments (``name``, ``dtype``, ...).

    Call arguments:
        inputs: a tensor of shape ``(batch, steps, features)``.
        mask: optional boolean (or 0/1) tensor of shape ``(batch, steps)``; Keras passes
            the mask of the previous layer automatically.

    Returns:
        The pooled tensor, ``(batch, features)``; or ``[pooled, weights]`` when
        ``return_attention`` (``weights``: ``(batch, steps)``, each row sums to 1, or is all
        zero when every step is masked).
    """

    def __init__(self, return_attention=False, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.return_attention = bool(return_attention)
        self.use_bias = bool(use_bias)
        resolve_weight_settings(self, kernel_initializer=kernel_initializer,
                                bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                                bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                                bias_constraint=bias_constraint)

    def build(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != 3 or shape[-1] is None:
            raise ValueError("AttentionPooling needs (batch, steps, features) inputs with known features; "
                             "got shape %s" % (shape,))
        features = int(shape[-1])
        self.kernel = self.add_weight(name="kernel", shape=(features, 1), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(1,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        super().build(input_shape)

    def call(self, inputs, mask=None):
        scores = ops.dot(inputs, self.kernel)[:, :, 0]  # (batch, steps)
        if self.use_bias:
            scores = scores + self.bias
        scores = ops.tanh(scores)
        # The decoder's masked softmax (computed in float32): masked steps get weight 0.
        weights = softmax_float32(scores, None if mask is None else padding_bias(mask))
        if mask is not None:
            weights = weights * ops.cast(mask, ops.dtype_of(weights))  # all-masked rows: zeros
        pooled = ops.sum(inputs * ops.expand_dims(weights, -1), axis=1)
        if self.return_attention:
            return [pooled, weights]
        return pooled

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        pooled = (shape[0], shape[2])
        if self.return_attention:
            return [pooled, (shape[0], shape[1])]
        return pooled

    def compute_mask(self, inputs, mask=None):
        return [None, None] if self.return_attention else None

    def get_config(self):
        config = super().get_config()
        config.update({
            "return_attention": self.return_attention,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
        })
        return config
