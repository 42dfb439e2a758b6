"""Keras 2.0.x ``.h5`` files: the rewrites that make them compute, today, what they computed then.

No weight values need rewriting for the layers Keras 2.0.8 had: the LSTM (i, f, c, o),
GRU (z, r, h, with ``reset_after=False``), Bidirectional (forward then backward) and
Embedding layouts are the modern ones; the golden fixtures check this numerically.
"""

from .. import errors as _errors
from .._keras import flavour as _flavour
from .._keras.internals import initializer_class_name
from ..decoder.layer import AttentionDecoder
from ..layers.activations import LEGACY_HARD_SIGMOID
from .rewrites import RECURRENT_CLASSES, RewriteSet
from .source import Source
from . import validate as _validate

#: The rewrites for files written by Keras 2.0.x, in the order they run.
KERAS_2_0 = RewriteSet("Keras 2.0.x")


# -- model-level facts -------------------------------------------------------------------
@KERAS_2_0.model_rewrite("Keras 2.0.x saved a Sequential model's config as a bare list of layer configs.")
def sequential_bare_list(model_config):
    if model_config["class_name"] == "Sequential" and isinstance(model_config["config"], list):
        model_config["config"] = {"name": "sequential", "layers": model_config["config"]}
        return True
    return False


@KERAS_2_0.model_rewrite("A Keras 2 Sequential declared its input through the first layer's "
                         "batch_input_shape; Keras 3 layers refuse that key, so it becomes an Input.")
def sequential_input_from_first_layer(model_config):
    if model_config["class_name"] != "Sequential":
        return False
    layers = model_config["config"]["layers"]
    if not layers or "batch_input_shape" not in layers[0]["config"]:
        return False
    first = layers[0]["config"]
    model_config["config"]["input"] = {
        "batch_shape": first.pop("batch_input_shape"),
        "dtype": first.pop("dtype", "float32"),
    }
    return True


@KERAS_2_0.model_rewrite("Keras 2 layers could carry batch_input_shape anywhere; modern Keras takes "
                         "input shapes from Input layers only.")
def drop_inner_batch_input_shape(model_config):
    changed = False
    for layer in model_config["config"]["layers"]:
        if layer["class_name"] != "InputLayer" and "batch_input_shape" in layer["config"]:
            layer["config"].pop("batch_input_shape")
            changed = True
    return changed


# -- per-layer facts ---------------------------------------------------------------------
@KERAS_2_0.layer_rewrite("Keras 2.0.x Recurrent layers stored `implementation` (0, 1 or 2), a speed "
                         "setting with no effect on the numbers; Keras 3 refuses the key.")
def drop_recurrent_implementation(class_name, config):
    return config.pop("implementation", None) is not None


@KERAS_2_0.layer_rewrite("Keras 2 Embedding took `input_length`; Keras 3 refuses it (the Input carries the length).")
def drop_embedding_input_length(class_name, config):
    return class_name == "Embedding" and config.pop("input_length", "absent") != "absent"


@KERAS_2_0.layer_rewrite("Keras 2.0.8 saved initializers under their class names (Orthogonal, ...); the running "
                         "Keras may know one only by its <name>Initializer spelling (Orthogonal: Keras 3.0-3.3).")
def initializer_class_names(class_name, config):
    changed = False
    for key, value in config.items():
        if key.endswith("_initializer") and isinstance(value, dict) and isinstance(value.get("class_name"), str):
            name = initializer_class_name(value["class_name"])
            if name is not None and name != value["class_name"]:
                value["class_name"] = name
                changed = True
    return changed


@KERAS_2_0.layer_rewrite("Keras 2.0.8 hard_sigmoid was clip(0.2x + 0.5, 0, 1), the LSTM/GRU default "
                         "recurrent_activation; Keras 3 redefined it with slope 1/6.")
def legacy_hard_sigmoid(class_name, config):
    changed = False
    for key in ("activation", "recurrent_activation"):
        if config.get(key) == "hard_sigmoid":
            config[key] = LEGACY_HARD_SIGMOID
            changed = LEGACY_HARD_SIGMOID != "hard_sigmoid"
    return changed


@KERAS_2_0.layer_rewrite("Keras 2.0.8 GRU had no reset_after (the reset gate acts before the "
                         "recurrent product, one (3U,) bias); modern GRU defaults to reset_after=True.")
def gru_without_reset_after(class_name, config):
    if class_name == "GRU" and "reset_after" not in config:
        config["reset_after"] = False
        return True
    return False


@KERAS_2_0.layer_rewrite("Keras 2.0.8 recurrent layers repeated their last output at masked steps "
                         "(the next layer reads those repeated vectors); say so explicitly.")
def masked_steps_repeat_output(class_name, config):
    if class_name in RECURRENT_CLASSES and config.get("zero_output_for_mask") is not False:
        config["zero_output_for_mask"] = False
        return True
    return False


# -- what this Keras cannot compute as Keras 2.0.8 did --------------------------------------
#: Transposed convolutions (Keras 2.0.8 saved its Deconvolution2D/Deconv2D aliases as Conv2DTranspose).
TRANSPOSED_CONV_CLASSES = ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")


@_validate._check(_validate.RESOURCES, "Keras 3.5.0-3.14.0 on the torch backend shift a transposed convolution with "
                  "padding='same' and a stride > 1 by one pixel (flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT); "
                  "such a file is refused there rather than loaded with wrong numbers.")
def transposed_conv_same_padding_exact(subject):
    if _flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT:
        return

    def visit(position, class_name, config):
        strides = config.get("strides", 1)
        strides = list(strides) if isinstance(strides, (list, tuple)) else [strides]
        if (class_name in TRANSPOSED_CONV_CLASSES and str(config.get("padding", "valid")).lower() == "same"
                and any(isinstance(s, int) and s > 1 for s in strides)):
            subject.fail("%s %r with padding='same' and strides %s: %s computes it shifted by one pixel, "
                         "not as Keras 2.0.8 did" % (class_name, config.get("name"), strides, _flavour.describe()),
                         layer=position, error=_errors.UnsupportedVersionError,
                         fix="pip install 'keras>=3.15.1', or use the TensorFlow or JAX backend (KERAS_BACKEND)")
        if isinstance(config.get("layer"), dict):
            visit(position, config["layer"]["class_name"], config["layer"]["config"])

    for index, entry in enumerate(subject.layers):
        visit((index, entry), entry["class_name"], entry["config"])


#: Keras 2.0.x files: the rewrites above, and the legacy ``AttentionDecoder`` mapped to ours.
KERAS_2_0_FILES = Source(
    "Keras 2.0.x", KERAS_2_0, {"AttentionDecoder": AttentionDecoder},
    weights_only_fix="build the model in code, then call compat_attention.load_legacy_weights(model, path)")

from . import keras2_0_wrappers  # noqa: E402,F401  (wrapped layers, dropped layers: registers more rewrites)
