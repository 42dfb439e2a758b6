"""``Attention``: the many-to-one attention layer of the ``attention`` package, 5.0.0.

The PyPI package ``attention`` (philipperemy's keras-attention, ``from attention import
Attention``) reduces a sequence ``(B, T, D)`` to one vector ``(B, units)``: the last time
step is the query, a score over all steps gives softmax weights, and the weighted sum of
the steps (the context) is combined with the query. This module computes the same numbers
on every Keras this project supports, with the package's constructor, config keys, weight
names, shapes and order (``io/sources/attention_package.py`` loads the ``.h5`` files the package's
users saved).

Written from the package's documented behaviour and from probing it (configs, weight
layout, outputs on known weights); no code of the package is included.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.internals import build_sublayer
from .._keras.ops import as_tuple, ops

#: The ``score`` values the package accepts.
SCORES = ("luong", "bahdanau")

#: Per score, the sub-layers that hold the weights, in the package's weight order. Each
#: holds one bias-free kernel, named ``<layer name>/<sub-layer>/kernel``.
WEIGHT_SUBLAYERS = {
    "luong": ("luong_w", "attention_vector"),
    "bahdanau": ("bahdanau_v", "bahdanau_w1", "bahdanau_w2", "attention_vector"),
}

#: Per sub-layer name, the attribute that holds it: the package's attribute names, which the
#: ``.keras`` and ``.weights.h5`` formats (tf.keras >= 2.13, Keras 3) store weights under
#: (``<model path>/attention/w_c/vars/0``). The output matrix is named ``attention_vector`` but
#: kept in ``w_c``.
ATTRIBUTES = {"luong_w": "luong_w", "bahdanau_v": "bahdanau_v", "bahdanau_w1": "bahdanau_w1",
              "bahdanau_w2": "bahdanau_w2", "attention_vector": "w_c"}

#: Per sub-layer, what it reads: the steps ``(B, T, D)``, the query ``(B, D)``, or ``[context, query]``
#: ``(B, 2D)``.
_READS = {"luong_w": "steps", "bahdanau_v": "steps", "bahdanau_w1": "query", "bahdanau_w2": "steps",
          "attention_vector": "context_and_query"}


def kernel_shapes(features, units, score):
    """The kernels of an ``Attention`` layer, in the package's weight order (``WEIGHT_SUBLAYERS``).

    Args:
        features: D, the input's feature size.
        units: the size of the output vector.
        score: ``'luong'`` or ``'bahdanau'``.

    Returns:
        A list of ``(sub-layer name, (rows, columns))``.

    Example:

    >>> kernel_shapes(16, 32, "bahdanau")
    [('bahdanau_v', (16, 1)), ('bahdanau_w1', (16, 16)), ('bahdanau_w2', (16, 16)), ('attention_vector', (32, 32))]
    """
    columns = {"luong_w": features, "bahdanau_v": 1, "bahdanau_w1": features, "bahdanau_w2": features,
               "attention_vector": units}
    rows = {"attention_vector": 2 * features}
    return [(name, (rows.get(name, features), columns[name])) for name in WEIGHT_SUBLAYERS[score]]


@register_serializable()
class Attention(keras.layers.Layer):
    """Many-to-one attention, computing what ``attention.Attention`` (5.0.0) computes.

    With ``x`` the input ``(B, T, D)`` and ``h = x[:, -1, :]`` its last step (the query):

    * ``score='luong'`` (multiplicative): ``s_t = h . (x_t W)``, ``W = luong_w`` ``(D, D)``;
    * ``score='bahdanau'`` (additive):
      ``s_t = v . tanh(x_t W2 + h W1)``, ``v = bahdanau_v`` ``(D, 1)``,
      ``W1 = bahdanau_w1`` (on the query) and ``W2 = bahdanau_w2`` (on the steps), ``(D, D)``;

    then ``a = softmax(s)`` over the T steps, the context ``c = sum_t a_t x_t`` and the
    output ``tanh([c, h] W_c)``, ``W_c = attention_vector`` ``(2D, units)``. No matrix has
    a bias. Weights are created in this order (the package's), so weights saved by the
    package load by position (``.h5``); each sub-layer is kept under the package's attribute
    (``W_c`` in ``self.w_c``), so its ``.keras`` and ``.weights.h5`` files, which store weights
    by attribute path, load too.

    Unlike ``keras.layers.Attention`` (dot-product attention over a query and a value
    sequence), this layer takes one sequence; the two share only the class name.

    Args:
        units: Positive integer, the size of the output vector (the package's default, 128).
        score: ``'luong'`` (the default, ``Attention.SCORE_LUONG``) or ``'bahdanau'``
            (``Attention.SCORE_BAHDANAU``).
        return_attention: Keyword-only. When True, the layer returns ``(vector, weights)``:
            the output vector ``(B, units)`` and the attention weights over the steps
            ``(B, T)`` (each row sums to 1). False (the default) returns the vector alone,
            as the package does.
        **kwargs: Base layer arguments (``name``, ``trainable``, ``dtype``, ...).

    Call arguments:
        inputs: A 3D tensor ``(B, T, D)``, for instance ``LSTM(..., return_sequences=True)``'s
            output. T may be unknown (``None``) for both scores.
        training: Accepted and unused (the layer has no dropout); models saved by the
            package pass ``training=None``.

    Returns:
        A 2D tensor ``(B, units)`` (with ``return_attention=True``, also the ``(B, T)``
        attention weights, as a tuple). Like the package, the layer ignores an input mask (it
        attends over padded steps too, and its query is the last step, padded or not) and
        returns no mask.

    Example:

    >>> import numpy as np
    >>> from compat_attention import Attention
    >>> from compat_attention._keras.flavour import keras
    >>> inputs = keras.Input((10, 8))                      # 10 steps of 8 features
    >>> vector = Attention(units=32, score="bahdanau")(keras.layers.LSTM(16, return_sequences=True)(inputs))
    >>> model = keras.Model(inputs, vector)
    >>> model.predict(np.zeros((4, 10, 8), "float32"), verbose=0).shape
    (4, 32)
    >>> [w.shape for w in model.layers[-1].get_weights()]   # bahdanau_v, bahdanau_w1, bahdanau_w2, attention_vector
    [(16, 1), (16, 16), (16, 16), (32, 32)]
    """

    #: ``score`` for the multiplicative (Luong) score.
    SCORE_LUONG = "luong"
    #: ``score`` for the additive (Bahdanau) score.
    SCORE_BAHDANAU = "bahdanau"

    def __init__(self, units=128, score="luong", *, return_attention=False, **kwargs):
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError("Attention(units=...) must be a positive integer; got %r." % (units,))
        if score not in SCORES:
            raise ValueError("Attention(score=...) must be one of %s; got %r." % (", ".join(map(repr, SCORES)), score))
        super().__init__(**kwargs)
        self.units = units
        self.score = score
        self.return_attention = bool(return_attention)

    def _dense(self, units, name, activation=None):
        return keras.layers.Dense(units, activation=activation, use_bias=False, name=name, dtype=self.dtype_policy)

    def build(self, input_shape):
        shape = as_tuple(input_shape)
        if len(shape) != 3 or shape[-1] is None:
            raise ValueError(
                "Attention expects a 3D input (batch, timesteps, features) with a known feature "
                "size, e.g. the output of LSTM(..., return_sequences=True); got shape %s." % (shape,))
        batch, features = shape[0], shape[-1]
        reads = {"steps": shape, "query": (batch, features), "context_and_query": (batch, 2 * features)}
        # Created (and so tracked) in the package's weight order. The output matrix is named
        # attention_vector (its weight: <layer>/attention_vector/kernel) and kept in w_c, as the package
        # keeps it, so the files that store weights by attribute path load both ways.
        for name, (_, columns) in kernel_shapes(features, self.units, self.score):
            sublayer = self._dense(columns, name, activation="tanh" if name == "attention_vector" else None)
            setattr(self, ATTRIBUTES[name], sublayer)
            build_sublayer(sublayer, reads[_READS[name]])
        super().build(input_shape)

    def call(self, inputs, training=None):
        del training  # no dropout
        query = inputs[:, -1, :]  # (B, D)
        if self.score == "luong":
            scores = ops.einsum("btd,bd->bt", self.luong_w(inputs), query)
        else:
            hidden = ops.tanh(self.bahdanau_w2(inputs) + ops.expand_dims(self.bahdanau_w1(query), 1))
            scores = self.bahdanau_v(hidden)[:, :, 0]
        weights = ops.softmax(scores, axis=1)  # (B, T)
        context = ops.einsum("bt,btd->bd", weights, inputs)
        vector = self.w_c(ops.concatenate([context, query], axis=-1))
        return (vector, weights) if self.return_attention else vector

    def compute_mask(self, inputs, mask=None):
        # one vector per sequence: no time axis left to mask
        return (None, None) if self.return_attention else None

    def compute_output_shape(self, input_shape):
        shape = as_tuple(input_shape)
        vector = (shape[0], self.units)
        return (vector, (shape[0], shape[1])) if self.return_attention else vector

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "score": self.score})
        if self.return_attention:  # absent when False: configs stay the package's
            config["return_attention"] = True
        return config
