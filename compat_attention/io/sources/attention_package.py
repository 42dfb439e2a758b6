"""Files of tf.keras 2 models holding the ``attention`` package's layer (5.0.0).

The package's users saved with tf.keras 2 (TensorFlow 2.x), not Keras 2.0.x: the ``.h5`` files
have the Keras 2 HDF5 layout, the ``.keras`` archives (tf.keras >= 2.13) a ``config.json`` of the
same layers, but the facts to rewrite are tf.keras 2's (an InputLayer heads most Sequentials,
recurrent configs carry ``time_major``, optimizers are named ``Custom>Adam``, ...), and the
package's ``Attention`` layer (whose internal ``Lambda`` is not in the file) becomes ours.

Recognised by its config: a layer of class ``Attention`` with ``units`` (``keras.layers.Attention``
shares the class name; only the package's config has ``units``).
"""

from ... import errors
from ...decoder.layer import AttentionDecoder
from ...layers.activations import LegacyThresholdedReLU
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from ...layers.package_attention import SCORES, Attention
from ...layers.recurrent import LegacyGRU, LegacyLSTM, LegacySimpleRNN
from .. import rewrites
from ..configs import walk
from ..rewrites import RewriteSet
from ..source import Source
from ..structure import check


def is_package_attention(class_name, config):
    """Whether a layer config is the ``attention`` package's layer (class ``Attention`` with ``units``)."""
    return class_name == "Attention" and isinstance(config, dict) and "units" in config


def holds_package_attention(model_config):
    """Whether a model config (unchecked) holds a layer of the package, wrapped or not."""
    return any(is_package_attention(class_name, config) for _, class_name, config, _ in walk(model_config))


@check("A Keras 2.0.x Sequential (a bare list of layers) was not written by tf.keras 2 with the package.")
def not_a_keras_2_0_sequential(subject):
    if isinstance(subject.model_config.get("config"), list):
        subject.fail("is a Keras 2.0.x Sequential file (bare layer list), not one saved with the attention package",
                     fix="load it with compat_attention.load_legacy_model", error=errors.UnsupportedVersionError)


@check("A file of the package holds the package's Attention layer (class 'Attention' with 'units').")
def holds_the_packages_attention(subject):
    if not holds_package_attention(subject.model_config):
        subject.fail("holds no Attention layer of the attention package (class 'Attention' with 'units' and "
                     "'score')", fix="load a Keras 2.0.x AttentionDecoder model with "
                     "compat_attention.load_legacy_model, any other model with keras.models.load_model",
                     error=errors.UnknownLayerError)


def make_layer(factory, class_name, config):
    """The package's ``Attention`` made ours; any layer that cannot be rebuilt reported in one line."""
    try:
        if is_package_attention(class_name, config):
            return _make_attention(factory, config)
        return factory.make_standard(class_name, config)
    except errors.LegacyFileError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise errors.UnknownLayerError(
            factory.path, "layer %r (%s) cannot be rebuilt on this Keras (%s)"
            % (config.get("name") if isinstance(config, dict) else None, class_name, errors.first_line(exc)),
            "re-save the model without that layer setting, or rebuild it in code and load the "
            "weights with compat_attention.load_legacy_weights()")


def _make_attention(factory, config):
    score = config.get("score", "luong")
    if score not in SCORES:
        raise errors.UnknownLayerError(
            factory.path, "Attention layer %r has score=%r; the attention package (5.0.0) knows %s"
            % (config.get("name"), score, " and ".join(map(repr, SCORES))), "load it with the package that wrote it")
    return Attention.from_config(dict(config))


def recurrent_defaults(keras_version):
    """What a recurrent layer of tf.keras 2 computed where its config does not say: ``'sigmoid'``
    gates (Keras >= 2.3) and a GRU with ``reset_after=True`` (tf.keras 2's default)."""
    return {"activation": "tanh", "recurrent_activation": "sigmoid", "reset_after": True}


#: Files of the ``attention`` package: tf.keras 2's facts in the order they are rewritten, its own
#: checks, and its ``Attention`` made ours (with the layers of Keras 2 that Keras 3 dropped).
SOURCE = Source(
    "the attention package (5.0.0)",
    keras_versions=("2.",),
    evidence=holds_package_attention,
    rewrites=RewriteSet("tf.keras 2 with the attention package", [
        rewrites.sequential_input_from_first_layer,
        rewrites.drop_inner_batch_input_shape,
        rewrites.drop_time_major,
        # Keras 2.0.x facts that still held in tf.keras 2 (hard_sigmoid of slope 0.2 until TF 2.15,
        # Embedding(input_length), initializer class names such as Orthogonal).
        rewrites.legacy_hard_sigmoid,
        rewrites.drop_embedding_input_length,
        rewrites.initializer_class_names,
        rewrites.optimizer_custom_prefix,
    ]),
    checks=(not_a_keras_2_0_sequential, holds_the_packages_attention),
    custom_objects=dict(
        AttentionDecoder=AttentionDecoder, ThresholdedReLU=LegacyThresholdedReLU,
        LocallyConnected1D=LegacyLocallyConnected1D, LocallyConnected2D=LegacyLocallyConnected2D,
        LegacyLSTM=LegacyLSTM, LegacyGRU=LegacyGRU, LegacySimpleRNN=LegacySimpleRNN),
    weights_only_fix="build the model in code with compat_attention.Attention, then call "
                     "compat_attention.load_legacy_weights(model, path) or model.load_weights(path)",
    recurrent_defaults=recurrent_defaults,
    make_layer=make_layer,
)
