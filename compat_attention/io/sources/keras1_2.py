"""Keras 1.2.x ``.h5`` files (TensorFlow or Theano backend): the legacy facts that make them compute, today,
what they computed then.

The facts are those of ``legacy_reference/eras/keras1_2/README.md`` and ``../keras1_2_theano/README.md``
(numbered there; each function here says which), measured on genuine Keras 1.2.2 files:

* the configs: Keras 1's argument names and values become Keras 2's (as Keras 2.0's
  ``keras/legacy/interfaces.py`` converted them), Keras 1's classes Keras 2 renamed or dropped become
  theirs or ours (``compat_attention.layers``: ``Merge``, ``Highway``, ``MaxoutDense``,
  ``ParametricSoftplus``, ``SReLU``, ``BatchNormalization`` modes 1 and 2), a Sequential of ``Merge``d
  Sequentials becomes the functional model it was, channels_first ('th') spatial layers run through
  ``LegacyChannelsFirst``;
* the weights: ``io/keras1_weights.py`` (per-gate recurrent matrices fused, convolution kernels
  transposed per ``dim_ordering``, a Theano file's kernels flipped), by the Keras 1 config of each stored
  layer, or, for a ``save_weights`` file, by the layer it goes into;
* the optimizer state: Keras 1 kept one slot per stored array, ordered by weight NAME;
* the backend: Keras 1 wrote no ``backend`` attribute, but on TensorFlow every weight name ends in ``:0``
  (``dense_1_W:0``), on Theano none does (``dense_1_W``): checked on every genuine file of both eras.

Recognised by ``keras_version`` "1.x", and a file that records no ``keras_version`` at all (Keras 1's
``save_weights``; Keras 2's own loader read those as Keras 1) whose weight names are Keras 1's.
"""

import copy

import numpy as np

from ... import errors
from ..._keras.flavour import keras
from ...layers.activations import LegacyParametricSoftplus, LegacySReLU, LegacyThresholdedReLU
from ...layers.channels import LegacyChannelsFirst
from ...layers.dense import LegacyHighway, LegacyMaxoutDense
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from ...layers.merge import LegacyMerge
from ...layers.normalization import LegacyBatchNormalization
from .. import rewrites
from ..configs import layer_entries, walk, walk_entries
from ..keras1_weights import CONVOLUTIONS, convert_layer
from ..rewrites import MASKED_STEPS_KEPT, RewriteSet, file_rewrite, layer_rewrite, model_rewrite, renamed
from ..source import Source
from ..structure import check

#: Keras 2 weight attribute names: a stored name ending in one (``lstm_1/kernel:0``) is no Keras 1 name.
KERAS_2_WEIGHT_NAMES = ("kernel", "bias", "recurrent_kernel", "gamma", "beta", "moving_mean", "moving_variance",
                        "embeddings", "depthwise_kernel", "pointwise_kernel", "alpha")

#: Keras 1 classes Keras 2 renamed (Keras 2.0.8's aliases), and the name each becomes.
RENAMED_CLASSES = {"Convolution1D": "Conv1D", "AtrousConvolution1D": "Conv1D", "Convolution2D": "Conv2D",
                   "AtrousConvolution2D": "Conv2D", "SeparableConvolution2D": "SeparableConv2D",
                   "Deconvolution2D": "Conv2DTranspose", "Convolution3D": "Conv3D"}

#: Keras 1 layers that saved no ``dim_ordering`` though they have one (fact 12).
UNSAID_ORDERING = ("UpSampling2D", "UpSampling3D", "ZeroPadding2D", "ZeroPadding3D", "Cropping2D", "Cropping3D",
                   "SpatialDropout2D", "SpatialDropout3D")

#: Spatial layers run through ``LegacyChannelsFirst`` when 'th' (after the renames), and their spatial axes.
CHANNELS_LAST_ONLY = {"Conv2D": 2, "SeparableConv2D": 2, "Conv2DTranspose": 2, "ConvLSTM2D": 2, "Conv3D": 3,
                      "MaxPooling2D": 2, "AveragePooling2D": 2, "MaxPooling3D": 3, "AveragePooling3D": 3}

#: Keras 1 pooling classes (Theano padded their 'same' otherwise).
POOLINGS = ("MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D", "MaxPooling3D",
            "AveragePooling3D")

#: Keras 1 initializer names and the running Keras' equivalent (Keras 1's ``initializations.py``: its
#: ``uniform`` and ``normal`` had scale 0.05, its ``orthogonal`` gain 1.1). They only seed unloaded weights.
INITIALIZERS = {
    "uniform": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05}},
    "normal": {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.05}},
    "orthogonal": {"class_name": "Orthogonal", "config": {"gain": 1.1}},
    "zero": "zeros", "one": "ones", "identity": "identity", "glorot_uniform": "glorot_uniform",
    "glorot_normal": "glorot_normal", "he_normal": "he_normal", "he_uniform": "he_uniform",
    "lecun_uniform": "lecun_uniform",
}

#: Keras 1 constraint classes: their saved arguments and Keras 2's names for them.
CONSTRAINTS = {"MaxNorm": {"m": "max_value", "axis": "axis"}, "NonNeg": {}, "UnitNorm": {"axis": "axis"},
               "MinMaxNorm": {"low": "min_value", "high": "max_value", "rate": "rate", "axis": "axis"}}


# -- what the file says of itself ---------------------------------------------------------------

def _short(name):
    """A stored weight name without TensorFlow's ``:0`` suffix."""
    return name[:-2] if name.endswith(":0") else name


def stored_names(legacy):
    """Every stored model weight name of ``legacy``, in file order."""
    return [name for arrays in legacy.weights.values() for name, _ in arrays]


def producer_backend(legacy):
    """The backend that wrote a Keras 1 file, from its weight names (it wrote no ``backend`` attribute).

    Returns:
        ``"tensorflow"`` (every name ends in ``:0``), ``"theano"`` (none does), ``"mixed"`` (some do), or
        None (the file stores no weights: nothing tells).
    """
    names = stored_names(legacy)
    if not names:
        return None
    suffixed = sum(name.endswith(":0") for name in names)
    return "tensorflow" if suffixed == len(names) else "theano" if suffixed == 0 else "mixed"


def keras_2_weight_name(names):
    """The first of ``names`` that is Keras 2's (``<layer>/kernel:0``), or None."""
    for name in names:
        head, _, last = name.rpartition("/")
        if head and last.split(":")[0] in KERAS_2_WEIGHT_NAMES:
            return name
    return None


def _config_entries(model_config):
    """``{name: (class_name, config)}`` of every stored layer of a Keras 1 model config: the top-level
    layers (a wrapper with the layer it holds in its config) and the layers of ``Merge``d branches."""
    found = {}

    def visit(entries):
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("config"), (dict, list)):
                continue
            config = entry["config"]
            if entry.get("class_name") == "Sequential" and isinstance(config, list):
                visit(config)
                continue
            if isinstance(config, dict):
                found[config.get("name", entry.get("name"))] = (entry.get("class_name"), config)
                if isinstance(config.get("layers"), list):
                    visit(config["layers"])

    visit(layer_entries(model_config))
    return found


def _model_orderings(model_config):
    """The ``dim_ordering`` values the layers of a Keras 1 model config state (a set)."""
    return {config.get("dim_ordering") for _, _, config, _ in walk(model_config)
            if isinstance(config, dict) and config.get("dim_ordering") in ("tf", "th")}


def _kernel_size(class_name, config):
    """A Keras 1 convolution's kernel size per spatial axis, from its Keras 1 arguments."""
    if class_name in ("Convolution1D", "AtrousConvolution1D"):
        return [config.get("filter_length", 1)]
    if class_name == "Convolution3D":
        return [config.get("kernel_dim1", 1), config.get("kernel_dim2", 1), config.get("kernel_dim3", 1)]
    return [config.get("nb_row", 1), config.get("nb_col", 1)]


def _strides(class_name, config):
    if class_name in ("Convolution1D", "AtrousConvolution1D"):
        return [config.get("subsample_length", 1)]
    return list(config.get("subsample") or [1] * len(_kernel_size(class_name, config)))


def theano_padding(class_name, config):
    """The zeros Keras 1 on Theano put before and after each spatial axis of a convolution, as
    ``[(before, after)]``, or None where TensorFlow's own padding computes the same (Theano fact 3).

    'same' became Theano's ``border_mode='half'`` (``k // 2`` on both sides) and Keras 1 cropped the
    output to ``ceil(length / stride)``: the same as ``(k // 2, (k - 1) // 2)`` before a 'valid'
    convolution; TensorFlow's SAME pads ``(k - 1) // 2`` first at stride 1 (equal for odd ``k`` only)
    and otherwise by the input length. 'full' pads ``k - 1`` on both sides.
    """
    mode = config.get("border_mode", "valid")
    kernel, strides = _kernel_size(class_name, config), _strides(class_name, config)
    if mode == "full":
        return [(k - 1, k - 1) for k in kernel]
    if mode == "same" and any(k % 2 == 0 or s != 1 for k, s in zip(kernel, strides)):
        return [(k // 2, (k - 1) // 2) for k in kernel]
    return None


# -- the config facts -------------------------------------------------------------------------------

def _sequential_branch(entries, layers, inputs):
    """Append the functional entries of a Keras 1 Sequential (a list of layer entries, maybe headed by a
    ``Merge`` of Sequentials) to ``layers``, its inputs' names to ``inputs``; return its output's name."""
    first = entries[0]
    rest = entries[1:]
    if first["class_name"] == "Merge" and isinstance(first["config"].get("layers"), list):
        outputs = [_sequential_branch(branch["config"], layers, inputs) for branch in first["config"]["layers"]]
        merge = {key: value for key, value in first["config"].items() if key != "layers"}
        layers.append({"name": merge["name"], "class_name": "Merge", "config": merge,
                       "inbound_nodes": [[[name, 0, 0] for name in outputs]]})
        previous = merge["name"]
    else:
        config = first["config"]
        previous = config["name"] + "_input"
        layers.append({"name": previous, "class_name": "InputLayer", "inbound_nodes": [], "config": {
            "name": previous, "batch_input_shape": config.pop("batch_input_shape"),
            "input_dtype": config.pop("input_dtype", "float32"), "sparse": False}})
        inputs.append(previous)
        rest = entries
    for entry in rest:
        layers.append({"name": entry["config"]["name"], "class_name": entry["class_name"], "config": entry["config"],
                       "inbound_nodes": [[[previous, 0, 0]]]})
        previous = entry["config"]["name"]
    return previous


def _merges_sequentials(model_config):
    body = model_config.get("config")
    first = body[0] if isinstance(body, list) and body else None
    return (model_config.get("class_name") == "Sequential" and isinstance(first, dict)
            and first.get("class_name") == "Merge" and isinstance(first["config"].get("layers"), list))


@model_rewrite("Keras 1 fact 17: a Sequential whose first layer Merges Sequential branches saved the branches "
               "inside the Merge's config and its weights flattened (the branches' layers, then the rest); it is "
               "the functional model it computed: one input per branch, the Merge, then the layers after it.")
def merged_sequentials_become_functional(model_config):
    if not _merges_sequentials(model_config):
        return False
    layers, inputs = [], []
    output = _sequential_branch(model_config["config"], layers, inputs)
    model_config["class_name"] = "Model"
    model_config["config"] = {"name": "sequential", "layers": layers, "input_layers": [[n, 0, 0] for n in inputs],
                              "output_layers": [[output, 0, 0]]}
    return True


@model_rewrite("Keras 1 fact 4: a Sequential's first layer carries the model input's dtype as `input_dtype` "
               "(int32 for an Embedding); it becomes the Input's dtype.")
def first_layer_input_dtype(model_config):
    layers = layer_entries(model_config)
    if model_config["class_name"] != "Sequential" or not layers or "input_dtype" not in layers[0]["config"]:
        return False
    layers[0]["config"]["dtype"] = layers[0]["config"].pop("input_dtype")
    return True


@model_rewrite("Keras 1 fact 12: UpSampling2D/3D, ZeroPadding2D/3D, Cropping2D/3D and SpatialDropout2D/3D saved "
               "no dim_ordering (Keras 1 took the loading user's keras.json); they get the one the model's other "
               "layers state (a model stating both, or none, is refused by `orderings_told`), a SpatialDropout "
               "(whose ordering only picks the axes its training-time dropout shares) Keras 1's default 'tf' "
               "where the model states none.")
def dim_ordering_from_the_model(model_config):
    orderings = _model_orderings(model_config)
    ordering = orderings.pop() if len(orderings) == 1 else None
    changed = False
    for _, class_name, config, _ in walk(model_config):
        told = ordering or ("tf" if class_name.startswith("SpatialDropout") and not orderings else None)
        if class_name in UNSAID_ORDERING and "dim_ordering" not in config and told:
            config["dim_ordering"] = told
            changed = True
    return changed


@file_rewrite("Keras 1 fact 14: PReLU, ParametricSoftplus and SReLU did not save shared_axes; the stored "
              "parameter's shape says which axes were shared (size 1 there).")
def shared_axes_from_stored_shapes(model_config, legacy):
    changed = False
    for entry in layer_entries(model_config):
        config = entry["config"]
        stored = legacy.weights.get(config.get("name"))
        if entry["class_name"] in ("PReLU", "ParametricSoftplus", "SReLU") and stored and "shared_axes" not in config:
            shared = [axis + 1 for axis, size in enumerate(stored[0][1].shape) if size == 1]
            if shared:
                config["shared_axes"] = shared
                changed = True
    return changed


def _padding_layer(class_name, config, pads):
    """A Keras 1 zero-padding layer config putting ``pads`` around the input of convolution ``config``."""
    name = config["name"] + "_theano_padding"
    if len(pads) == 1:
        return {"class_name": "ZeroPadding1D", "config": {"name": name, "padding": list(pads[0])}}
    ordering = config.get("dim_ordering", "tf")
    if len(pads) == 2:
        return {"class_name": "ZeroPadding2D", "config": {"name": name, "dim_ordering": ordering,
                                                          "padding": [pads[0][0], pads[0][1], pads[1][0], pads[1][1]]}}
    return {"class_name": "ZeroPadding3D", "config": {"name": name, "dim_ordering": ordering,
                                                      "padding": [list(p) for p in pads]}}


def _insert_before(model_config, index, padding):
    """Insert layer entry ``padding`` before top-level layer ``index``, which then reads it."""
    layers = layer_entries(model_config)
    entry = layers[index]
    if model_config["class_name"] != "Sequential":
        name = padding["config"]["name"]
        padding = dict(padding, name=name, inbound_nodes=entry["inbound_nodes"])
        entry["inbound_nodes"] = [[[name, i, 0]] for i in range(len(entry["inbound_nodes"]))]
    layers.insert(index, padding)


@file_rewrite("Keras 1 Theano fact 3: Keras 1 on Theano padded a 'same' convolution with k // 2 zeros on both "
              "sides and cropped the end (so an even kernel, or a stride, sees other pixels than TensorFlow's "
              "SAME), and 'full' with k - 1; such a convolution becomes explicit zero padding, then 'valid'.")
def theano_padding_made_explicit(model_config, legacy):
    if producer_backend(legacy) != "theano":
        return False
    changed = False
    index = 0
    while index < len(layer_entries(model_config)):
        entry = layer_entries(model_config)[index]
        pads = theano_padding(entry["class_name"], entry["config"]) if entry["class_name"] in (
            "Convolution1D", "Convolution2D", "Convolution3D") else None
        if pads:
            _insert_before(model_config, index, _padding_layer(entry["class_name"], entry["config"], pads))
            entry["config"]["border_mode"] = "valid"
            changed = True
            index += 1
        index += 1
    return changed


def _wrapped_dense(config):
    """A Keras 1 ``TimeDistributedDense`` config as ``TimeDistributed(Dense)``'s."""
    outer = {key: config[key] for key in ("name", "trainable") if key in config}
    return {"class_name": "TimeDistributed", "config": dict(outer, layer={"class_name": "Dense", "config": config})}


@model_rewrite("Keras 1 facts 10, 11, 14, 18: Keras 2 renamed Convolution1D/2D/3D, AtrousConvolution1D/2D (a "
               "dilation_rate), SeparableConvolution2D and Deconvolution2D (Conv1D/2D/3D, SeparableConv2D, "
               "Conv2DTranspose); TimeDistributedDense is TimeDistributed(Dense); BatchNormalization mode 1 or 2 "
               "is ours (LegacyBatchNormalization).")
def keras1_class_names(model_config):
    changed = False
    for entry in walk_entries(model_config):
        class_name, config = entry["class_name"], entry["config"]
        if class_name in RENAMED_CLASSES:
            entry["class_name"] = RENAMED_CLASSES[class_name]
        elif class_name == "TimeDistributedDense":
            entry.update(_wrapped_dense(config))
        elif class_name == "BatchNormalization" and config.get("mode", 0) in (1, 2):
            entry["class_name"] = "LegacyBatchNormalization"
        else:
            continue
        changed = True
    return changed


@model_rewrite("The running Keras computes channels_first ('th') convolutions, pooling and ConvLSTM2D on no CPU "
               "(tf.keras 2.14) or on some (Keras 3: Conv2D, Conv2DTranspose, ConvLSTM2D); each runs as a "
               "channels_last layer between two transposes (LegacyChannelsFirst).")
def channels_first_layers_wrapped(model_config):
    changed = False
    for entry in walk_entries(model_config):
        class_name, config = entry["class_name"], entry["config"]
        if class_name in CHANNELS_LAST_ONLY and config.get("dim_ordering") == "th":
            inner = dict(config, dim_ordering="tf")
            outer = {key: config[key] for key in ("name", "trainable") if key in config}
            entry["class_name"] = LegacyChannelsFirst.__name__
            entry["config"] = dict(outer, spatial_dims=CHANNELS_LAST_ONLY[class_name],
                                   layer={"class_name": class_name, "config": inner})
            changed = True
    return changed


#: Keras 1 argument names of the recurrent layers (``legacy_recurrent_support``; ConvLSTM2D's too).
RECURRENT_NAMES = (("output_dim", "units"), ("init", "kernel_initializer"), ("inner_init", "recurrent_initializer"),
                   ("inner_activation", "recurrent_activation"), ("W_regularizer", "kernel_regularizer"),
                   ("U_regularizer", "recurrent_regularizer"), ("b_regularizer", "bias_regularizer"),
                   ("dropout_W", "dropout"), ("dropout_U", "recurrent_dropout"))

#: Keras 1 argument names of the convolutions (``legacy_conv1d/2d/3d_support``).
CONVOLUTION_NAMES = (("nb_filter", "filters"), ("subsample_length", "strides"), ("subsample", "strides"),
                     ("border_mode", "padding"), ("atrous_rate", "dilation_rate"), ("dim_ordering", "data_format"),
                     ("W_regularizer", "kernel_regularizer"), ("b_regularizer", "bias_regularizer"),
                     ("W_constraint", "kernel_constraint"), ("b_constraint", "bias_constraint"), ("bias", "use_bias"))

#: Keras 1's ``dim_ordering`` values and Keras 2's ``data_format``.
DATA_FORMATS = {"tf": "channels_last", "th": "channels_first"}

_CONVOLUTION_CLASSES = ("Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "Conv2DTranspose", "LocallyConnected1D",
                        "LocallyConnected2D", "ConvLSTM2D")


def _forget_bias(config):
    value = config.pop("forget_bias_init", None)
    if value is not None:
        config["unit_forget_bias"] = value == "one"
    return value is not None


def _data_format(config):
    if config.get("data_format") in DATA_FORMATS:
        config["data_format"] = DATA_FORMATS[config["data_format"]]


def _dropped(config, *keys):
    """Drop ``keys`` from ``config``; whether any was there."""
    return any([config.pop(key, "absent") != "absent" for key in keys])


@layer_rewrite("Keras 1 fact 2: Dense (and TimeDistributedDense) saved output_dim, init, W_/b_regularizer, "
               "W_/b_constraint, bias and input_dim (input_length); Keras 2 names them units, kernel_initializer, "
               "kernel_/bias_..., use_bias (input_dim and input_length: the Input gives them).")
def dense_keras2_names(class_name, config):
    if class_name != "Dense":
        return False
    return renamed(config, rewrites.KERAS_1_DENSE_NAMES) | _dropped(config, "input_dim", "input_length")


@layer_rewrite("Keras 1 facts 2, 6, 7: LSTM/GRU/SimpleRNN saved output_dim, init, inner_init, inner_activation, "
               "W_/U_/b_regularizer, dropout_W/U, forget_bias_init ('one': unit_forget_bias) and consume_less (a "
               "speed setting whose weight layouts io/keras1_weights.py converts); Keras 2 names them units, "
               "kernel_/recurrent_initializer, recurrent_activation, ..., dropout, recurrent_dropout.")
def recurrent_keras2_names(class_name, config):
    if class_name not in ("LSTM", "GRU", "SimpleRNN"):
        return False
    changed = renamed(config, RECURRENT_NAMES) | _forget_bias(config)
    return _dropped(config, "consume_less", "input_dim", "input_length") | changed


@layer_rewrite("Keras 1 facts 2, 11, 19: the convolutions (and LocallyConnected, ConvLSTM2D) saved nb_filter, "
               "filter_length / nb_row, nb_col / kernel_dim1-3, subsample(_length), border_mode, atrous_rate, "
               "dim_ordering ('tf'/'th'), init, W_/b_... and bias; Keras 2 names them filters, kernel_size, "
               "strides, padding, dilation_rate, data_format (channels_last/first), kernel_initializer, ...; "
               "Deconvolution2D's output_shape (checked against the built layer) is dropped.")
def convolution_keras2_names(class_name, config):
    if class_name not in _CONVOLUTION_CLASSES:
        return False
    sizes = [config.pop(key) for key in ("filter_length", "nb_row", "nb_col", "kernel_dim1", "kernel_dim2",
                                         "kernel_dim3") if key in config]
    if sizes:
        config["kernel_size"] = sizes
    init = config.pop("init", None)
    if init is not None:
        keys = ("depthwise_initializer", "pointwise_initializer") if class_name == "SeparableConv2D" else (
            "kernel_initializer",)
        config.update({key: init for key in keys})
    renamed(config, CONVOLUTION_NAMES + RECURRENT_NAMES[2:])
    _forget_bias(config)
    _data_format(config)
    _dropped(config, "output_shape", "input_dim", "input_length")
    return True


@layer_rewrite("Keras 1 fact 2: pooling saved pool_length, stride (1D), border_mode and dim_ordering; Keras 2 "
               "names them pool_size, strides, padding, data_format.")
def pooling_keras2_names(class_name, config):
    if not (class_name in POOLINGS or class_name.startswith("Global")):
        return False
    changed = renamed(config, (("pool_length", "pool_size"), ("stride", "strides"), ("border_mode", "padding"),
                               ("dim_ordering", "data_format")))
    _data_format(config)
    return changed


@layer_rewrite("Keras 1 facts 2, 12, 13: UpSampling1D saved its size as length; ZeroPadding2D its padding as "
               "(top, bottom, left, right) or a dict of them, Keras 2 takes ((top, bottom), (left, right)); the "
               "2D/3D spatial layers' dim_ordering (told by the model) is Keras 2's data_format.")
def spatial_keras2_names(class_name, config):
    changed = renamed(config, (("length", "size"),)) if class_name == "UpSampling1D" else False
    padding = config.get("padding")
    if class_name == "ZeroPadding2D" and isinstance(padding, dict):
        padding = [padding.get(key, 0) for key in ("top_pad", "bottom_pad", "left_pad", "right_pad")]
    if class_name == "ZeroPadding2D" and isinstance(padding, list) and len(padding) == 4:
        config["padding"] = [padding[:2], padding[2:]]
        changed = True
    if class_name in UNSAID_ORDERING and renamed(config, (("dim_ordering", "data_format"),)):
        _data_format(config)
        changed = True
    return changed


@layer_rewrite("Keras 1 fact 2: Dropout, SpatialDropout1D/2D/3D and GaussianDropout saved their rate as p, "
               "GaussianNoise its stddev as sigma.")
def noise_keras2_names(class_name, config):
    return renamed(config, (("p", "rate"), ("sigma", "stddev")))


@layer_rewrite("Keras 1 facts 2, 4: Embedding saved init, W_regularizer, W_constraint (Keras 2: embeddings_...) and "
               "dropout, which dropped whole words in training only (Keras 2.0 dropped it too: predictions are "
               "unchanged).")
def embedding_keras2_names(class_name, config):
    if class_name != "Embedding":
        return False
    changed = renamed(config, (("init", "embeddings_initializer"), ("W_regularizer", "embeddings_regularizer"),
                               ("W_constraint", "embeddings_constraint")))
    return _dropped(config, "dropout") | changed


@layer_rewrite("Keras 1 facts 9, 10: BatchNormalization saved mode (0 is Keras 2's only behaviour; 1 and 2 are "
               "ours) and beta_init / gamma_init; running_std holds the variance (on Theano plus epsilon, which "
               "Keras 1 added again when predicting: loaded as the moving variance, it predicts the same).")
def batchnorm_keras2_names(class_name, config):
    if class_name != "BatchNormalization":
        return False
    changed = renamed(config, (("beta_init", "beta_initializer"), ("gamma_init", "gamma_initializer")))
    return _dropped(config, "mode") | changed


@layer_rewrite("Keras 1: PReLU saved its initializer as init (Keras 2: alpha_initializer).")
def prelu_keras2_names(class_name, config):
    return class_name == "PReLU" and renamed(config, (("init", "alpha_initializer"),))


@layer_rewrite("Keras 1 fact 4: every first layer (and InputLayer) saved input_dtype; an InputLayer's is its dtype, "
               "any other layer's is dropped (Keras 2.0.8 made it the layer's dtype: an int32 Embedding matrix).")
def input_dtype_keras2_names(class_name, config):
    if class_name == "InputLayer":
        return renamed(config, (("input_dtype", "dtype"),))
    return _dropped(config, "input_dtype")


def _regularizer(value):
    return {"class_name": "L1L2", "config": {"l1": value.get("l1", 0.0), "l2": value.get("l2", 0.0)}}


def _constraint(value):
    arguments = CONSTRAINTS[value["name"]]
    return {"class_name": value["name"], "config": {arguments[k]: v for k, v in value.items() if k in arguments}}


@layer_rewrite("Keras 1 fact 15: regularizers were saved as {'name': 'L1L2Regularizer', 'l1', 'l2'} and "
               "constraints as {'name': 'MaxNorm', 'm', 'axis'} (NonNeg, UnitNorm, MinMaxNorm); Keras 2 reads "
               "{'class_name': 'L1L2', 'config': ...} and MaxNorm(max_value), MinMaxNorm(min_value, max_value).")
def regularizer_and_constraint_configs(class_name, config):
    changed = False
    for key, value in config.items():
        if not isinstance(value, dict) or "class_name" in value:
            continue
        if key.endswith("regularizer") and value.get("name") in ("L1L2Regularizer", "WeightRegularizer",
                                                                 "ActivityRegularizer"):
            config[key] = _regularizer(value)
            changed = True
        elif key.endswith("constraint") and value.get("name") in CONSTRAINTS:
            config[key] = _constraint(value)
            changed = True
    return changed


@layer_rewrite("Keras 1 saved initializers by its function names (uniform, normal, zero, one, orthogonal, ...); "
               "the running Keras names them otherwise (random_uniform ..., zeros, ones; Keras 1's uniform and "
               "normal had scale 0.05, its orthogonal gain 1.1).")
def initializer_names(class_name, config):
    changed = False
    for key, value in config.items():
        if (key.endswith("_initializer") or key.endswith("_init")) and isinstance(value, str) and value in INITIALIZERS:
            new = copy.deepcopy(INITIALIZERS[value])
            changed = changed or new != value
            config[key] = new
    return changed


# -- what cannot be computed: refused in one line ---------------------------------------------------

def _where(name, class_name):
    return "layer %r (%s)" % (name, class_name)


@check("Keras 1 fact 22: a Merge whose mode is a Python function holds marshaled bytecode (mode_type "
       "'lambda'), or names a function (mode_type 'function'); refused like a Lambda.")
def merge_functions_refused(subject):
    for name, (class_name, config) in _config_entries(subject.model_config).items():
        if class_name == "Merge" and config.get("mode_type", "raw") != "raw":
            if config.get("mode_type") == "lambda":
                subject.fail("%s has a Python function as its mode: marshaled bytecode that would run on load"
                             % _where(name, class_name), error=errors.UnsafeLambdaError,
                             fix="rebuild the model in code and use load_legacy_weights()")
            subject.fail("%s has the function %r as its mode, which this loader cannot run"
                         % (_where(name, class_name), config.get("mode")), error=errors.UnknownLayerError,
                         fix="rebuild the model in code and use load_legacy_weights()")


@check("Keras 1 fact 17: a Merge in a Sequential holds its branches' configs; only Sequential branches (and Merges "
       "of them) are rebuilt.")
def merge_branches_sequential(subject):
    for entry in layer_entries(subject.model_config)[:1]:
        branches = entry["config"].get("layers") if entry["class_name"] == "Merge" else None
        for branch in branches if isinstance(branches, list) else ():
            if not (isinstance(branch, dict) and branch.get("class_name") == "Sequential"
                    and isinstance(branch.get("config"), list) and branch["config"]):
                subject.fail("%s merges a %s branch; only Sequential branches are rebuilt"
                             % (_where(entry["config"].get("name"), "Merge"), branch.get("class_name")
                                if isinstance(branch, dict) else type(branch).__name__),
                             error=errors.UnknownLayerError, fix="build the model in code and load its weights "
                             "with compat_attention.load_legacy_weights(model, path, by_name=True)")


@check("Keras 1 fact 10: BatchNormalization had modes 0, 1 and 2 only.")
def batchnorm_modes_known(subject):
    for _, class_name, config, _ in subject.nodes:
        if class_name == "BatchNormalization" and config.get("mode", 0) not in (0, 1, 2):
            subject.fail("%s has mode %r; Keras 1 had modes 0, 1 and 2" % (_where(config.get("name"), class_name),
                                                                           config.get("mode")))


@check("Keras 1 fact 15: its regularizers were L1L2Regularizer and EigenvalueRegularizer; the latter has no Keras 2 "
       "equivalent.")
def regularizers_known(subject):
    for _, class_name, config, _ in subject.nodes:
        for key, value in config.items():
            if key.endswith("regularizer") and isinstance(value, dict) and "name" in value and value["name"] not in (
                    "L1L2Regularizer", "WeightRegularizer", "ActivityRegularizer"):
                subject.fail("%s has the regularizer %r, which modern Keras does not have"
                             % (_where(config.get("name"), class_name), value["name"]), key=key,
                             error=errors.UnsupportedVersionError,
                             fix="rebuild the model in code without it and use load_legacy_weights()")


@check("Keras 1 fact 12: a layer that saved no dim_ordering takes the one the model's other layers state; a model "
       "stating both ('tf' and 'th'), or none, does not tell it.")
def orderings_told(subject):
    orderings = _model_orderings(subject.model_config)
    for position, class_name, config, _ in subject.nodes:
        told = len(orderings) == 1 or (class_name.startswith("SpatialDropout") and not orderings)
        if class_name in UNSAID_ORDERING and "dim_ordering" not in config and not told:
            subject.fail("%s saved no dim_ordering (Keras 1 took it from the loading user's keras.json) and the "
                         "model's other layers state %s" % (_where(config.get("name"), class_name),
                                                            "both 'tf' and 'th'" if orderings else "none"),
                         layer=position, error=errors.UnsupportedVersionError,
                         fix="rebuild the model in code with the data_format it was trained with and use "
                             "load_legacy_weights()")


@check("Keras 1 Theano facts 1-3: the backend is told by the weight names (':0' on TensorFlow); Keras 1 on "
       "Theano flipped convolution kernels (converted), padded 'same' and 'full' convolutions its own way "
       "(made explicit), and padded 'same' pooling, ConvLSTM2D, Deconvolution2D and a dilated convolution "
       "whose padding is not TensorFlow's otherwise than TensorFlow (refused).")
def theano_layers_reproduced(subject):
    backend = producer_backend(subject.legacy)
    if backend == "mixed":
        subject.fail("mixes weight names with and without TensorFlow's ':0' suffix, so it does not tell whether "
                     "Keras 1 ran on TensorFlow or on Theano (convolution kernels differ)", error=errors.MalformedFileError,
                     fix="use another copy of the file")
    for position, class_name, config, depth in subject.nodes:
        what = _where(config.get("name"), class_name)
        if class_name in POOLINGS and config.get("border_mode") == "same" and backend in ("theano", None):
            subject.fail("%s pools with border_mode='same', which Keras 1 on Theano padded its own way (pool_size - 1 "
                         "or - 2 zeros on both sides); %s" % (what, "it was written on Theano" if backend else
                                                              "the file stores no weights, so nothing tells whether "
                                                              "Theano wrote it"), layer=position,
                         error=errors.UnsupportedVersionError,
                         fix="rebuild the model in code with explicit padding and use load_legacy_weights()")
        if backend == "theano" and depth > 0 and class_name in CONVOLUTIONS and theano_padding(class_name, config):
            subject.fail("%s (inside a wrapper) on Theano: Keras 1 padded its border_mode=%r otherwise than "
                         "TensorFlow, which this loader reproduces for top-level layers only"
                         % (what, config.get("border_mode")), layer=position, error=errors.UnsupportedVersionError,
                         fix="load it on Keras 1.2 with Theano and re-save its weights for a model built in code")
        if backend == "theano" and (class_name == "Deconvolution2D" or (
                class_name == "ConvLSTM2D" and theano_padding(class_name, dict(config, border_mode="same"))) or (
                class_name in ("AtrousConvolution1D", "AtrousConvolution2D") and theano_padding(class_name, config))):
            subject.fail("%s on Theano: Keras 1 computed it with Theano's own padding, which this loader does not "
                         "reproduce" % what, layer=position, error=errors.UnsupportedVersionError,
                         fix="load it on Keras 1.2 with Theano and re-save its weights for a model built in code")


#: The checks of a Keras 1 file, in order (after the shared structure and resource checks).
CHECKS = (merge_functions_refused, merge_branches_sequential, batchnorm_modes_known, regularizers_known,
          orderings_told, theano_layers_reproduced)


# -- the weights -------------------------------------------------------------------------------------

def _keras1_view(layer):
    """The Keras 1 ``(class_name, config)`` whose stored weights fit ``layer`` (a layer built in code, for a
    ``save_weights`` file that says nothing of its layers), as Keras 2.0.8's loader read them."""
    inner = getattr(layer, "layer", None)
    if isinstance(layer, LegacyChannelsFirst):
        class_name, config = _keras1_view(inner)
        return class_name, dict(config, dim_ordering="th")
    if isinstance(layer, keras.layers.Bidirectional):
        return "Bidirectional", {"layer": dict(zip(("class_name", "config"), _keras1_view(layer.forward_layer)))}
    if isinstance(layer, keras.layers.TimeDistributed):
        return "TimeDistributed", {"layer": dict(zip(("class_name", "config"), _keras1_view(inner)))}
    ordering = "th" if getattr(layer, "data_format", None) == "channels_first" else "tf"
    for modern, keras1 in (("LSTM", "LSTM"), ("GRU", "GRU"), ("ConvLSTM2D", "ConvLSTM2D"), ("Conv1D", "Convolution1D"),
                           ("Conv2DTranspose", "Deconvolution2D"), ("SeparableConv2D", "SeparableConvolution2D"),
                           ("Conv2D", "Convolution2D"), ("Conv3D", "Convolution3D")):
        if isinstance(layer, getattr(keras.layers, modern)):
            return keras1, {"dim_ordering": ordering, "border_mode": getattr(layer, "padding", "valid"),
                            "kernel_size": getattr(layer, "kernel_size", None), "strides": getattr(layer, "strides", ())}
    return type(layer).__name__, {}


def _output_shape_check(legacy, layer, class_name, config):
    """A Deconvolution2D computed the ``output_shape`` its file says; refuse a built layer computing another."""
    wanted = config.get("output_shape") if class_name == "Deconvolution2D" else None
    output = getattr(layer, "output", None)
    got = tuple(output.shape[1:]) if output is not None and wanted else None
    if got is not None and list(got) != list(wanted[1:]):
        raise errors.UnsupportedVersionError(
            legacy.path, "layer %r (Deconvolution2D) computed output_shape %s in Keras 1; its Keras 2 "
            "Conv2DTranspose computes %s" % (layer.name, list(wanted[1:]), list(got)),
            "rebuild the model in code with Conv2DTranspose(output_padding=...) and use load_legacy_weights()")


def _theano_target_check(legacy, layer, class_name, config):
    """A layer built in code (a ``save_weights`` file) with TensorFlow's SAME where Theano padded otherwise."""
    sizes, strides = config.get("kernel_size") or (), config.get("strides") or ()
    if class_name in CONVOLUTIONS and config.get("border_mode") == "same" and (
            any(k % 2 == 0 for k in sizes) or any(s != 1 for s in strides) or class_name == "Deconvolution2D"):
        raise errors.WeightMismatchError(
            legacy.path, "holds Keras 1 weights written on Theano; layer %r (%s, padding='same', kernel %s) would "
            "pad otherwise than Theano did" % (layer.name, type(layer).__name__, list(sizes or ())),
            "pad explicitly (ZeroPadding with k // 2 zeros first, (k - 1) // 2 after) and build it with "
            "padding='valid'")


def convert_weights(pairs, legacy):
    """The stored arrays of each ``(target layer, stored layer name, [(name, array)])`` in Keras 2's layout.

    The Keras 1 config of the stored layer says how (``io/keras1_weights.py``); a ``save_weights`` file
    (no config) is read by the layer it goes into, as Keras 2.0.8 did.

    Raises:
        UnsupportedVersionError: the file's weight names are Keras 2's, or a layer computes otherwise.
        WeightMismatchError: a Theano file's weights going into a layer that pads otherwise.
    """
    odd = keras_2_weight_name(stored_names(legacy))
    if odd is not None:
        raise errors.UnsupportedVersionError(
            legacy.path, "is read as a Keras 1 file (keras_version %r) but its weight names are Keras 2's (%r)"
            % (legacy.keras_version, odd), "the file's metadata contradicts its contents; use another copy of the file",
            version=legacy.keras_version)
    backend = producer_backend(legacy)
    configs = _config_entries(legacy.model_config) if legacy.model_config is not None else {}
    converted = []
    for layer, name, arrays in pairs:
        class_name, config = configs.get(name) or _keras1_view(layer)
        if name in configs:
            _output_shape_check(legacy, layer, class_name, config)
        elif backend == "theano":
            _theano_target_check(legacy, layer, class_name, config)
        converted.append((layer, name, convert_layer(class_name, config, arrays, backend)))
    return converted


def layer_settings(config):
    """What a Keras 1 recurrent layer config states of ``activation``, ``recurrent_activation`` (its
    ``inner_activation``), for ``load_legacy_weights``' target check."""
    settings = {key: config[key] for key in ("activation",) if key in config}
    if "inner_activation" in config:
        settings["recurrent_activation"] = config["inner_activation"]
    return settings


def recurrent_defaults(keras_version):
    """What a recurrent layer of a Keras 1 file computed where its config does not say (facts 7, 8): tanh,
    ``inner_activation='hard_sigmoid'`` (slope 0.2), the GRU of Keras 2's ``reset_after=False``, and its
    last output repeated at masked steps, inside a ``Bidirectional`` too."""
    return {"activation": "tanh", "recurrent_activation": "hard_sigmoid", "reset_after": False,
            "masked_steps": "repeat"}


# -- the optimizer state --------------------------------------------------------------------------

#: Per optimizer class (Keras 1.2.2's ``optimizers.py``): whether ``iterations`` comes first, then the
#: slot roles (as ``_keras/optimizers.py`` names them) in stored order.
SLOTS = {"SGD": (True, ("moment",)), "RMSprop": (False, ("a",)), "Adagrad": (False, ("a",)),
         "Adadelta": (False, ("a", "delta")), "Adam": (True, ("m", "v")), "Adamax": (True, ("m", "u")),
         "Nadam": (True, ("m", "v"))}


def _trainable_names(legacy):
    """``[(stored layer name, index in its arrays, weight name)]`` of the weights Keras 1 trained."""
    configs = _config_entries(legacy.model_config)
    found = []
    for name, arrays in legacy.weights.items():
        class_name, config = configs.get(name, (None, {}))
        if config.get("trainable", True) is False:
            continue
        for index, (weight, _) in enumerate(arrays):
            if class_name == "BatchNormalization" and _short(weight).endswith(("_running_mean", "_running_std")):
                continue
            found.append((name, index, weight))
    return found


def optimizer_state(legacy, class_name, variables):
    """The Keras 1 optimizer state of ``legacy`` as ``(iterations or None, {role: [array per variable]})``.

    Keras 1 sorted the trainable weights by NAME before making the optimizer (fact 21: ``dense_10_W``
    before ``dense_1_W``, ``a_second`` before ``m_out``), and kept one slot per stored array (an LSTM's
    12 per-gate slots, converted as its weights are). ``variables`` are the model's trainable
    variables; the slots come back in their order.

    Raises:
        WeightMismatchError: the stored state does not fit the model's trainable weights.
    """
    has_iterations, roles = SLOTS[class_name]
    stored = list(legacy.optimizer_weights)
    trainable = _trainable_names(legacy)
    if len(stored) != int(has_iterations) + len(roles) * len(trainable):
        raise errors.WeightMismatchError(
            legacy.path, "stores %d %s optimizer weights; Keras 1 kept %d for its %d trainable weights"
            % (len(stored), class_name, int(has_iterations) + len(roles) * len(trainable), len(trainable)),
            "load without compile=True and compile the model yourself")
    iterations = int(np.asarray(stored.pop(0)[1])) if has_iterations else None
    order = sorted(trainable, key=lambda item: item[2])
    backend = producer_backend(legacy)
    configs = _config_entries(legacy.model_config)
    by_variable = {}
    for r, role in enumerate(roles):
        slots = {(name, index): array for (name, index, _), (_, array) in
                 zip(order, stored[r * len(order):(r + 1) * len(order)])}
        for layer, name in legacy.targets:
            mine = [(weight, slots[(name, index)]) for n, index, weight in trainable if n == name]
            class_name_1, config = configs.get(name) or _keras1_view(layer)
            for variable, (_, array) in zip(layer.trainable_weights, convert_layer(class_name_1, config, mine, backend)):
                by_variable.setdefault(id(variable), {})[role] = array
    missing = [v for v in variables if id(v) not in by_variable]
    if missing:
        raise errors.WeightMismatchError(
            legacy.path, "stores no %s optimizer slots for %d of the model's trainable weights" % (class_name, len(missing)),
            "load without compile=True and compile the model yourself")
    return iterations, {role: [by_variable[id(v)][role] for v in variables] for role in roles}


# -- recognising a file -------------------------------------------------------------------------------

def make_layer(factory, class_name, config):
    """``LegacyChannelsFirst`` around the layer its config holds (made by the factory); the rest as usual."""
    if class_name == LegacyChannelsFirst.__name__:
        config = dict(config)
        inner = config.pop("layer")
        return LegacyChannelsFirst(factory.make(inner["class_name"], inner["config"]), **config)
    return factory.make_standard(class_name, config)


#: Keras 1.2.x files: their facts, in the order they are rewritten; Keras 1's classes that Keras 2 renamed
#: (by the name each becomes, for the checks that run before the renames) and ours for those it dropped.
SOURCE = Source(
    "Keras 1.2.x",
    keras_versions=("1.",),
    rewrites=RewriteSet("Keras 1.2.x", [
        merged_sequentials_become_functional,
        rewrites.sequential_bare_list,
        first_layer_input_dtype,
        rewrites.sequential_input_from_first_layer,
        rewrites.drop_inner_batch_input_shape,
        dim_ordering_from_the_model,
        shared_axes_from_stored_shapes,
        theano_padding_made_explicit,
        keras1_class_names,
        channels_first_layers_wrapped,
        dense_keras2_names,
        rewrites.highway_maxout_keras2_names,
        recurrent_keras2_names,
        convolution_keras2_names,
        pooling_keras2_names,
        spatial_keras2_names,
        noise_keras2_names,
        embedding_keras2_names,
        batchnorm_keras2_names,
        prelu_keras2_names,
        input_dtype_keras2_names,
        regularizer_and_constraint_configs,
        initializer_names,
        *rewrites.KERAS_2_0_LAYER_FACTS,
    ]),
    checks=CHECKS,
    custom_objects={
        **{old: getattr(keras.layers, new) for old, new in RENAMED_CLASSES.items()},
        "TimeDistributedDense": keras.layers.TimeDistributed,
        "Merge": LegacyMerge, "Highway": LegacyHighway, "MaxoutDense": LegacyMaxoutDense,
        "ParametricSoftplus": LegacyParametricSoftplus, "SReLU": LegacySReLU, "ThresholdedReLU": LegacyThresholdedReLU,
        "LocallyConnected1D": LegacyLocallyConnected1D, "LocallyConnected2D": LegacyLocallyConnected2D,
        "LegacyBatchNormalization": LegacyBatchNormalization, "LegacyChannelsFirst": LegacyChannelsFirst,
        **{cls.__name__: cls for cls in MASKED_STEPS_KEPT.values()}},
    weights_only_fix="build the model in code, then call compat_attention.load_legacy_weights(model, path)",
    recurrent_defaults=recurrent_defaults,
    make_layer=make_layer,
    convert_weights=convert_weights,
    optimizer_state=optimizer_state,
    layer_settings=layer_settings,
)
