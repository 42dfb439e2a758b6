"""``Attention``: the many-to-one attention layer of the ``attention`` package, 5.0.0.

The PyPI package ``attention`` (philipperemy's keras-attention, ``from attention import
Attention``) reduces a sequence ``(B, T, D)`` to one vector ``(B, units)``: the last time
step is the query, a score over all steps gives softmax weights, and the weighted sum of
the steps (the context) is combined with the query. This module computes the same numbers
on every Keras this project supports, with the package's constructor, config keys, weight
names, shapes and order, and loads the ``.h5`` files the package's users saved.

Written from the package's documented behaviour and from probing it (configs, weight
layout, outputs on known weights); no code of the package is included.
"""

import copy

from . import errors, rewrites
from ._compat import build_sublayer, keras, ops, register_serializable
from .legacy_h5 import _compile_from_training_config, _LayerFactory, assign_weights, build_model, read_legacy_file

#: The ``score`` values the package accepts.
SCORES = ("luong", "bahdanau")

#: Per score, the sub-layers that hold the weights, in the package's weight order. Each
#: holds one bias-free kernel, named ``<layer name>/<sub-layer>/kernel``.
WEIGHT_SUBLAYERS = {
    "luong": ("luong_w", "attention_vector"),
    "bahdanau": ("bahdanau_v", "bahdanau_w1", "bahdanau_w2", "attention_vector"),
}


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
    package load by position.

    Unlike ``keras.layers.Attention`` (dot-product attention over a query and a value
    sequence), this layer takes one sequence; the two share only the class name.

    Args:
        units: Positive integer, the size of the output vector (the package's default, 128).
        score: ``'luong'`` (the default) or ``'bahdanau'``.
        **kwargs: Base layer arguments (``name``, ``trainable``, ``dtype``, ...).

    Call arguments:
        inputs: A 3D tensor ``(B, T, D)``, for instance ``LSTM(..., return_sequences=True)``'s
            output. T may be unknown (``None``) for both scores.
        training: Accepted and unused (the layer has no dropout); models saved by the
            package pass ``training=None``.

    Returns:
        A 2D tensor ``(B, units)``. Like the package, the layer ignores an input mask (it
        attends over padded steps too, and its query is the last step, padded or not) and
        returns no mask.
    """

    def __init__(self, units=128, score="luong", **kwargs):
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError("Attention(units=...) must be a positive integer; got %r." % (units,))
        if score not in SCORES:
            raise ValueError("Attention(score=...) must be one of %s; got %r." % (", ".join(map(repr, SCORES)), score))
        super().__init__(**kwargs)
        self.units = units
        self.score = score

    def _dense(self, units, name, activation=None):
        return keras.layers.Dense(units, activation=activation, use_bias=False, name=name, dtype=self.dtype_policy)

    def build(self, input_shape):
        shape = _as_tuple(input_shape)
        if len(shape) != 3 or shape[-1] is None:
            raise ValueError(
                "Attention expects a 3D input (batch, timesteps, features) with a known feature "
                "size, e.g. the output of LSTM(..., return_sequences=True); got shape %s." % (shape,))
        batch, features = shape[0], shape[-1]
        # Created (and so tracked) in the package's weight order.
        if self.score == "luong":
            self.luong_w = self._dense(features, "luong_w")
            build_sublayer(self.luong_w, shape)
        else:
            self.bahdanau_v = self._dense(1, "bahdanau_v")
            build_sublayer(self.bahdanau_v, shape)
            self.bahdanau_w1 = self._dense(features, "bahdanau_w1")
            build_sublayer(self.bahdanau_w1, (batch, features))
            self.bahdanau_w2 = self._dense(features, "bahdanau_w2")
            build_sublayer(self.bahdanau_w2, shape)
        self.attention_vector = self._dense(self.units, "attention_vector", activation="tanh")
        build_sublayer(self.attention_vector, (batch, 2 * features))
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
        return self.attention_vector(ops.concatenate([context, query], axis=-1))

    def compute_mask(self, inputs, mask=None):
        return None  # one vector per sequence: no time axis left to mask

    def compute_output_shape(self, input_shape):
        return (_as_tuple(input_shape)[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "score": self.score})
        return config


def _as_tuple(shape):
    if hasattr(shape, "as_list"):
        return tuple(shape.as_list())
    return tuple(shape)


# -- .h5 files saved with the package -------------------------------------------------------
#
# The package's users saved with tf.keras 2 (TensorFlow 2.x), not Keras 2.0.x: the files have
# the Keras 2 HDF5 layout that ``legacy_h5`` reads, but a different set of facts to rewrite
# (an InputLayer heads every Sequential, recurrent configs carry ``time_major``, ...). So this
# loader reuses the reader, the builder and the weight assignment of ``legacy_h5``, with its
# own short list of rewrites, instead of running the Keras 2.0.x pipeline on these files.

def is_package_attention(class_name, config):
    """Whether a layer config is the ``attention`` package's layer.

    ``keras.layers.Attention`` shares the class name; only the package's config has ``units``.
    """
    return class_name == "Attention" and isinstance(config, dict) and "units" in config


_MODEL_REWRITES = []
_LAYER_REWRITES = []


def _model_rewrite(fact):
    def register(fn):
        _MODEL_REWRITES.append(rewrites.Rewrite(fn.__name__, fact, fn))
        return fn
    return register


def _layer_rewrite(fact):
    def register(fn):
        _LAYER_REWRITES.append(rewrites.Rewrite(fn.__name__, fact, fn))
        return fn
    return register


@_model_rewrite("A tf.keras 2 Sequential built with input_shape= on its first layer (no Input) "
                "stored the shape there as batch_input_shape; it becomes an Input.")
def sequential_input_from_first_layer(model_config):
    layers = model_config["config"].get("layers") if isinstance(model_config["config"], dict) else None
    if model_config["class_name"] != "Sequential" or not layers or layers[0]["class_name"] == "InputLayer":
        return False
    return rewrites.sequential_input_from_first_layer(model_config)


_MODEL_REWRITES.append(next(r for r in rewrites.MODEL_REWRITES if r.name == "drop_inner_batch_input_shape"))


@_layer_rewrite("tf.keras 2 recurrent layers stored time_major (False unless asked); Keras 3 refuses the key.")
def drop_time_major(class_name, config):
    if config.get("time_major", "absent") is False:
        del config["time_major"]
        return True
    return False


# Two Keras 2.0.x facts that still held in tf.keras 2.x (hard_sigmoid slope 0.2 until TF 2.15,
# Embedding(input_length)).
_LAYER_REWRITES.extend(r for r in rewrites.LAYER_REWRITES
                       if r.name in ("legacy_hard_sigmoid", "drop_embedding_input_length"))


def _apply_layer_rewrites(class_name, config):
    applied = []
    if class_name in rewrites.WRAPPER_CLASSES and isinstance(config.get("layer"), dict):
        inner = config["layer"]
        applied += _apply_layer_rewrites(inner["class_name"], inner["config"])
    for rewrite in _LAYER_REWRITES:
        if rewrite.apply(class_name, config):
            applied.append((rewrite.name, config.get("name", class_name)))
    return applied


def plan_attention_package_model(legacy):
    """Rewrite the model config of a file saved with the package, building nothing.

    Args:
        legacy: a ``legacy_h5.LegacyFile`` (see ``legacy_h5.read_legacy_file``).

    Returns:
        ``(model_config, applied)``: the rewritten config (a copy) and the list of
        ``(rewrite name, layer name or None)`` that changed something.
    """
    config = copy.deepcopy(legacy.model_config)
    if isinstance(config.get("config"), list):
        raise errors.UnsupportedVersionError(
            legacy.path, "is a Keras 2.0.x Sequential file (bare layer list), not one saved with the attention package",
            "load it with compat_attention.load_legacy_model")
    applied = [(r.name, None) for r in _MODEL_REWRITES if r.apply(config)]
    for layer in config["config"]["layers"]:
        applied += _apply_layer_rewrites(layer["class_name"], layer["config"])
    return config, applied


def describe_rewrite(name):
    """The fact behind a rewrite name returned by ``plan_attention_package_model``."""
    for rewrite in _MODEL_REWRITES + _LAYER_REWRITES:
        if rewrite.name == name:
            return rewrite.fact
    raise KeyError(name)


class _PackageLayerFactory(_LayerFactory):
    """``_LayerFactory`` that maps the package's ``Attention`` to ours, in one-line errors."""

    def make(self, class_name, config):
        name = config.get("name") if isinstance(config, dict) else None
        try:
            if is_package_attention(class_name, config):
                return self._make_attention(config)
            return super().make(class_name, config)
        except errors.LegacyFileError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise errors.UnknownLayerError(
                self.path, "layer %r (%s) cannot be rebuilt on this Keras (%s)" % (name, class_name, errors.first_line(exc)),
                "re-save the model without that layer setting, or rebuild it in code and load the "
                "weights with compat_attention.load_legacy_weights()")

    def _make_attention(self, config):
        config = dict(config)
        score = config.get("score", "luong")
        if score not in SCORES:
            raise errors.UnknownLayerError(
                self.path, "Attention layer %r has score=%r; the attention package (5.0.0) knows %s"
                % (config.get("name"), score, " and ".join(map(repr, SCORES))),
                "load it with the package that wrote it")
        return Attention.from_config(config)


def _attention_layers(model_config):
    return [layer["config"].get("name") for layer in model_config["config"]["layers"]
            if is_package_attention(layer["class_name"], layer["config"])]


def load_attention_package_model(path, compile=False, custom_objects=None):
    """Load an ``.h5`` model saved with the ``attention`` package (5.0.0) on the running Keras.

    Every ``Attention`` layer of the package becomes ``compat_attention.Attention``
    (rebuilt from its ``units`` and ``score``; the package's internal ``Lambda`` is not in
    the file and nothing from the file is executed); the other layers are rebuilt by the
    running Keras after a few named config rewrites (``plan_attention_package_model``),
    and every weight is set from the file, counts and shapes checked first.

    Args:
        path: the ``.h5`` file written by ``model.save()`` on tf.keras 2.
        compile: compile the model with the loss, metrics and optimizer class the file
            records (optimizer state is not restored).
        custom_objects: dict of further layer classes the file names.

    Returns:
        A ``keras.Model`` predicting what the package's model predicted.

    Raises:
        LegacyFileError: (a subclass) with a one-line message naming the file, the problem
            and the fix: a missing, broken or non-Keras file, a weights-only file, a file
            without the package's layer, a layer that cannot be rebuilt, weights that do
            not fit.
    """
    legacy = read_legacy_file(path)
    if legacy.is_weights_only:
        raise errors.NotAKerasFileError(
            legacy.path, "holds weights only (model.save_weights), no model",
            "build the model in code with compat_attention.Attention, then call "
            "compat_attention.load_legacy_weights(model, path) or model.load_weights(path)")
    config, _ = plan_attention_package_model(legacy)
    if not _attention_layers(config):
        raise errors.UnknownLayerError(
            legacy.path, "holds no Attention layer of the attention package (class 'Attention' with 'units' and 'score')",
            "load a Keras 2.0.x AttentionDecoder model with compat_attention.load_legacy_model, "
            "any other model with keras.models.load_model")
    model = build_model(config, _PackageLayerFactory(legacy.path, custom_objects, allow_lambda=False))
    assign_weights(model, legacy, by_name=True)
    if compile and legacy.training_config:
        training_config = copy.deepcopy(legacy.training_config)
        optimizer = training_config.get("optimizer_config") or {}
        # tf.keras 2.11+ wrote its (new) optimizers as 'Custom>Adam'.
        if str(optimizer.get("class_name", "")).startswith("Custom>"):
            optimizer["class_name"] = optimizer["class_name"][len("Custom>"):]
        _compile_from_training_config(model, training_config)
    return model
