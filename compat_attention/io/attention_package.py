"""Files saved with the ``attention`` package (5.0.0): a source of its own for the one loader.

The package's users saved with tf.keras 2 (TensorFlow 2.x), not Keras 2.0.x: the files have
the Keras 2 HDF5 layout that ``h5file`` reads, but a different set of facts to rewrite (an
InputLayer heads every Sequential, recurrent configs carry ``time_major``, ...), and the
package's ``Attention`` layer (whose internal ``Lambda`` is not in the file) becomes ours.
"""

from .. import errors
from ..layers.package_attention import SCORES, Attention
from .keras2_0 import KERAS_2_0, KERAS_2_0_FILES
from .rewrites import RewriteSet
from .source import Source

#: The rewrites for files written by tf.keras 2 with the ``attention`` package, in order.
ATTENTION_PACKAGE = RewriteSet("tf.keras 2 with the attention package")


def is_package_attention(class_name, config):
    """Whether a layer config is the ``attention`` package's layer.

    ``keras.layers.Attention`` shares the class name; only the package's config has ``units``.
    """
    return class_name == "Attention" and isinstance(config, dict) and "units" in config


@ATTENTION_PACKAGE.model_rewrite("A tf.keras 2 Sequential built with input_shape= on its first layer (no Input) "
                                 "stored the shape there as batch_input_shape; it becomes an Input.")
def sequential_input_from_first_layer(model_config):
    layers = model_config["config"].get("layers") if isinstance(model_config["config"], dict) else None
    if model_config["class_name"] != "Sequential" or not layers or layers[0]["class_name"] == "InputLayer":
        return False
    return KERAS_2_0.find("sequential_input_from_first_layer").apply(model_config)


ATTENTION_PACKAGE.include(KERAS_2_0, "drop_inner_batch_input_shape")


@ATTENTION_PACKAGE.layer_rewrite("tf.keras 2 recurrent layers stored time_major (False unless asked); "
                                 "Keras 3 refuses the key.")
def drop_time_major(class_name, config):
    if config.get("time_major", "absent") is False:
        del config["time_major"]
        return True
    return False


# Two Keras 2.0.x facts that still held in tf.keras 2.x (hard_sigmoid slope 0.2 until TF 2.15,
# Embedding(input_length)).
ATTENTION_PACKAGE.include(KERAS_2_0, "legacy_hard_sigmoid", "drop_embedding_input_length")


def plan_attention_package_model(legacy):
    """Rewrite the model config of a file saved with the package, building nothing.

    Args:
        legacy: a ``h5file.LegacyFile`` (see ``h5file.read_legacy_file``).

    Returns:
        ``(model_config, applied)``: the rewritten config (a copy) and the list of
        ``(rewrite name, layer name or None)`` that changed something.
    """
    return ATTENTION_PACKAGE_FILES.plan(legacy)


def describe_rewrite(name):
    """The fact behind a rewrite name returned by ``plan_attention_package_model``."""
    return ATTENTION_PACKAGE.describe(name)


class _AttentionPackageSource(Source):
    """Files of the package: Keras 2.0.x files refused, its ``Attention`` made ours, optimizer
    names of tf.keras 2.11+ read, and any layer that cannot be rebuilt reported in one line."""

    def plan(self, legacy):
        if isinstance(legacy.model_config.get("config"), list):
            raise errors.UnsupportedVersionError(
                legacy.path, "is a Keras 2.0.x Sequential file (bare layer list), not one saved with the attention "
                "package", "load it with compat_attention.load_legacy_model")
        config, applied = super().plan(legacy)
        if not any(is_package_attention(l["class_name"], l["config"]) for l in config["config"]["layers"]):
            self.refuse(legacy, "holds no Attention layer of the attention package (class 'Attention' with "
                        "'units' and 'score')", "load a Keras 2.0.x AttentionDecoder model with "
                        "compat_attention.load_legacy_model, any other model with keras.models.load_model")
        return config, applied

    def make_layer(self, factory, class_name, config):
        name = config.get("name") if isinstance(config, dict) else None
        try:
            if is_package_attention(class_name, config):
                return self._make_attention(factory, config)
            return factory.make_standard(class_name, config)
        except errors.LegacyFileError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise errors.UnknownLayerError(
                factory.path, "layer %r (%s) cannot be rebuilt on this Keras (%s)"
                % (name, class_name, errors.first_line(exc)),
                "re-save the model without that layer setting, or rebuild it in code and load the "
                "weights with compat_attention.load_legacy_weights()")

    @staticmethod
    def _make_attention(factory, config):
        score = config.get("score", "luong")
        if score not in SCORES:
            raise errors.UnknownLayerError(
                factory.path, "Attention layer %r has score=%r; the attention package (5.0.0) knows %s"
                % (config.get("name"), score, " and ".join(map(repr, SCORES))),
                "load it with the package that wrote it")
        return Attention.from_config(dict(config))

    def training_config(self, training_config):
        training_config = super().training_config(training_config)
        optimizer = training_config.get("optimizer_config") or {}
        # tf.keras 2.11+ wrote its (new) optimizers as 'Custom>Adam'.
        if str(optimizer.get("class_name", "")).startswith("Custom>"):
            optimizer["class_name"] = optimizer["class_name"][len("Custom>"):]
        return training_config


#: Files of the ``attention`` package: its rewrites, and its ``Attention`` layer made ours.
ATTENTION_PACKAGE_FILES = _AttentionPackageSource(
    "the attention package (5.0.0)", ATTENTION_PACKAGE, KERAS_2_0_FILES.custom_objects,
    weights_only_fix="build the model in code with compat_attention.Attention, then call "
                     "compat_attention.load_legacy_weights(model, path) or model.load_weights(path)")
