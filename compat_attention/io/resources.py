"""What a file may cost and what the running Keras can make of it, checked before anything is built.

* The parameter cap: ``parameter_limit`` (``MAX_PARAMETERS``, 100 million by default, about 400 MB
  of float32; raise it per call with ``max_parameters=`` on ``load_legacy_model`` and
  ``load_attention_package_model``, or for every call, the CLI included, with the environment
  variable ``COMPAT_ATTENTION_MAX_PARAMETERS``).
* Stored sizes: ``check_stored_size``, called by the file readers with each weight's HDF5 shape
  before its array is read.
* ``RESOURCES`` (run by the loader after ``structure.STRUCTURE``): every layer class known, and the
  parameters the declared sizes need within what the file stores and within the cap;
* ``COMPUTED`` (run by the loader on the config as the source's rewrites left it, before anything is
  built, so that every era's names and keys arrive as today's): no layer the running Keras would
  compute otherwise than the file's Keras did, or refuses to make.

A violation raises ``ResourceLimitError`` (sizes), ``UnknownLayerError`` (classes) or
``UnsupportedVersionError`` (what this Keras computes otherwise), one line naming the file, the
layer and the fix.

The parameters a layer needs come from its class: ``AttentionDecoder``'s weight shapes from
``decoder/cell.py``, the package ``Attention``'s from ``layers/package_attention.py``, Keras' own
classes from the small table of formulas below (``_KERAS_PARAMETERS``).
"""

import numbers
import os

from .. import errors
from .._keras import flavour
from ..decoder.cell import weight_shapes as attention_decoder_weight_shapes
from ..layers.package_attention import kernel_shapes as package_attention_kernel_shapes
from .boundary import DAMAGED
from .build import known_class, topological_order
from .structure import Subject, check

MAX_PARAMETERS = 100 * 1000 * 1000
MAX_PARAMETERS_ENV = "COMPAT_ATTENTION_MAX_PARAMETERS"
#: Parameters a model may declare beyond what its file stores (per layer, and in all) before it is
#: refused unbuilt; smaller mismatches are cheap to build and ``assign_weights`` reports them exactly.
MAX_EXCESS = 1000 * 1000
#: Layer classes a legacy file may not name, whatever the running Keras provides.
REFUSED_CLASSES = ("TFSMLayer",)
#: Transposed convolutions (Keras 2.0.8 saved its Deconvolution2D/Deconv2D aliases as Conv2DTranspose).
TRANSPOSED_CONV_CLASSES = ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")

_RAISE_THE_LIMIT = "if the file is genuine, raise the limit (max_parameters=, or the environment variable %s)" \
    % MAX_PARAMETERS_ENV


def parameter_limit(max_parameters=None):
    """The cap in force: ``max_parameters`` if given, else ``$COMPAT_ATTENTION_MAX_PARAMETERS``, else the default.

    Raises:
        UsageError: the value is not a positive integer.
    """
    value, origin = max_parameters, "max_parameters"
    if value is None:
        value, origin = os.environ.get(MAX_PARAMETERS_ENV), MAX_PARAMETERS_ENV
        if value is None:
            return MAX_PARAMETERS
        try:
            value = int(value)
        except ValueError:
            raise errors.UsageError("%s=%r is not an integer; set it to a parameter count such as %d"
                                    % (MAX_PARAMETERS_ENV, value, MAX_PARAMETERS))
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise errors.UsageError("%s=%r: pass a positive integer parameter count" % (origin, value))
    return int(value)


def check_stored_size(path, layer, weight, shape, running_total, max_parameters):
    """Refuse one stored weight, from its HDF5 shape alone, when it (or the file so far) passes the cap.

    Returns:
        The weight's size, to add to ``running_total``.

    Raises:
        ResourceLimitError: one line naming the layer, the weight and the limit.
    """
    size = 1
    for dim in shape:
        size *= int(dim)
    if size > max_parameters or running_total + size > max_parameters:
        raise errors.ResourceLimitError(
            path, "layer %r, weight %r: shape %s brings the stored parameters to %d, over the limit of %d"
            % (layer, weight, tuple(shape), running_total + size, max_parameters), _RAISE_THE_LIMIT)
    return size


def check_resources(subject, stored, max_parameters, custom_objects):
    """The ``RESOURCES`` checks, in order, on a ``Subject`` that passed ``structure.check_structure``.

    Args:
        subject: the checked ``structure.Subject``.
        stored: ``LegacyFile.stored_parameters`` (layer name -> the parameters the file stores).
        max_parameters: the cap (``parameter_limit``).
        custom_objects: the layer classes the source and the caller provide besides Keras's.
    """
    subject.stored, subject.max_parameters, subject.custom_objects = stored, max_parameters, custom_objects
    for fn in RESOURCES:
        fn(subject)


@check("Every layer class is one of Keras or of compat_attention (or the caller's custom_objects).")
def layer_classes_known(subject):
    for _, class_name, config, _ in subject.nodes:
        if class_name in REFUSED_CLASSES or not known_class(class_name, subject.custom_objects):
            subject.fail("layer %r has class %r, which neither Keras nor compat_attention provides"
                         % (config.get("name"), class_name),
                         fix="pass custom_objects={%r: YourClass} (CLI: it cannot be converted)" % class_name,
                         error=errors.UnknownLayerError)


# -- the parameters a layer's sizes need ------------------------------------------------------

def _last(shape):
    return shape[-1] if isinstance(shape, list) and shape else None


def _size(shape):
    size = 1
    for dim in shape:
        size *= dim
    return size


#: Layers whose output has the width of their input.
_SAME_WIDTH = ("Dropout", "Activation", "Masking", "SpatialDropout1D", "GaussianNoise", "GaussianDropout",
               "ActivityRegularization", "LayerNormalization", "BatchNormalization", "RepeatVector", "Softmax",
               "ReLU", "LeakyReLU", "PReLU", "ELU", "AlphaDropout", "Add", "Subtract", "Multiply", "Average",
               "Maximum", "Minimum")

#: Keras' own classes: ``(parameters, output width)`` from ``(input width, units, config)``, biases left out.
_KERAS_PARAMETERS = {
    "Dense": lambda d, units, config: (d * units, units or None),
    "LSTM": lambda d, units, config: (4 * units * (d + units), units or None),
    "GRU": lambda d, units, config: (3 * units * (d + units), units or None),
    "SimpleRNN": lambda d, units, config: (units * (d + units), units or None),
}
_CONVOLUTIONS = ("Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "Conv1DTranspose")


def _parameters_and_width(class_name, config, width):
    """``(parameters, output width)`` of a layer: a lower bound of the parameters its sizes need (an
    unknown input width counted as 0), and the last dimension of its output (None: unknown). The sizes
    are positive integers or null (``structure.sizes_are_positive_integers``)."""
    d = width or 0
    units = config.get("units") or 0
    if class_name in _KERAS_PARAMETERS:
        return _KERAS_PARAMETERS[class_name](d, units, config)
    if class_name == "Embedding":
        input_dim, output_dim = config.get("input_dim"), config.get("output_dim")
        if input_dim and output_dim:
            return input_dim * output_dim, output_dim
        return 0, None
    if class_name == "AttentionDecoder":
        output_dim = config.get("output_dim") or 0
        shapes = attention_decoder_weight_shapes(d, units, output_dim)
        return sum(_size(s) for s in shapes.values()), (None if config.get("return_probabilities") else
                                                        output_dim or None)
    if class_name == "Attention" and units:  # the attention package's layer (Keras' own has no units)
        score = config.get("score") if config.get("score") == "bahdanau" else "luong"
        return sum(_size(s) for _, s in package_attention_kernel_shapes(d, units, score)), units
    if class_name in _CONVOLUTIONS:
        filters = config.get("filters") or 0
        return d * filters, filters or None
    if class_name == "Bidirectional" and isinstance(config.get("layer"), dict):
        params, inner = _parameters_and_width(config["layer"]["class_name"], config["layer"]["config"], width)
        merge = config.get("merge_mode", "concat")
        return 2 * params, (2 * inner if inner and merge == "concat" else inner if merge in ("sum", "mul", "ave")
                            else None)
    if class_name == "TimeDistributed" and isinstance(config.get("layer"), dict):
        return _parameters_and_width(config["layer"]["class_name"], config["layer"]["config"], width)
    if class_name == "InputLayer":
        return 0, _last(config.get("batch_input_shape", config.get("batch_shape")))
    if class_name in _SAME_WIDTH:
        return 0, width
    return 0, None


def _declared(subject):
    """``[(index, entry, parameters)]``: what each layer's sizes need, in model order."""
    needs = []
    if subject.is_functional:
        order, _ = topological_order(subject.layers)
        position = {id(entry): index for index, entry in enumerate(subject.layers)}
        widths = {}
        for entry in order:
            reads = [widths.get(item[0]) for node in entry["inbound_nodes"][:1] for item in node]
            if entry["class_name"] == "Concatenate":
                width = sum(reads) if reads and None not in reads else None
            else:
                width = reads[0] if reads else None
            params, widths[entry["name"]] = _parameters_and_width(entry["class_name"], entry["config"], width)
            needs.append((position[id(entry)], entry, params))
        return sorted(needs, key=lambda need: need[0])
    width = None
    for index, entry in enumerate(subject.layers):
        config = entry["config"]
        if index == 0 and entry["class_name"] != "InputLayer":
            width = _last(config.get("batch_input_shape", config.get("batch_shape")))
        params, width = _parameters_and_width(entry["class_name"], config, width)
        needs.append((index, entry, params))
    return needs


@check("A model cannot need more parameters than its file stores: each layer's sizes (units, "
       "output_dim, input widths) fit the arrays stored for it, and all of them the file's total "
       "(give or take MAX_EXCESS, left to assign_weights to report), and the cap.")
def parameters_within_stored_weights(subject):
    stored = subject.stored or {}
    total = sum(stored.values())
    declared = 0
    for index, entry, params in _declared(subject):
        name = entry["config"].get("name", entry.get("name"))
        if params > subject.max_parameters:
            subject.fail("its sizes need at least %d parameters, over the limit of %d" % (params, subject.max_parameters),
                         layer=(index, entry), fix=_RAISE_THE_LIMIT, error=errors.ResourceLimitError)
        if name in stored and params > stored[name] + MAX_EXCESS:
            subject.fail("its sizes need at least %d parameters, the file stores %d for it" % (params, stored[name]),
                         layer=(index, entry), fix="the config does not match the stored weights; " + DAMAGED,
                         error=errors.ResourceLimitError)
        declared += params
    if declared > total + MAX_EXCESS:
        subject.fail("the layers' sizes need at least %d parameters, the file stores %d in all" % (declared, total),
                     fix="the config does not match the stored weights; " + DAMAGED, error=errors.ResourceLimitError)


# -- what the running Keras computes otherwise ----------------------------------------------

def _strides(config):
    strides = config.get("strides", 1)
    return list(strides) if isinstance(strides, (list, tuple)) else [strides]


def _transposed_convolutions(subject):
    """``(position, class_name, config)`` of every transposed convolution of a rewritten config (ours, such as
    ``LegacyConv2DTranspose``, computes as Keras' ``Conv2DTranspose``)."""
    for position, class_name, config, _ in subject.nodes:
        base = class_name[len("Legacy"):] if class_name.startswith("Legacy") else class_name
        if base in TRANSPOSED_CONV_CLASSES:
            yield position, class_name, config


@check("Keras 3.5.0-3.14.0 on the torch backend shift a transposed convolution with padding='same' and a "
       "stride > 1 by one pixel (flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT); such a file is refused there "
       "rather than loaded with wrong numbers.")
def transposed_conv_same_padding_exact(subject):
    if flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT:
        return
    for position, class_name, config in _transposed_convolutions(subject):
        strides = _strides(config)
        if str(config.get("padding", "valid")).lower() == "same" and any(isinstance(s, int) and s > 1 for s in strides):
            subject.fail("%s %r with padding='same' and strides %s: %s computes it shifted by one pixel, "
                         "not as Keras 2.0.8 did" % (class_name, config.get("name"), strides, flavour.describe()),
                         layer=position, error=errors.UnsupportedVersionError,
                         fix="pip install 'keras>=3.15.1', or use the TensorFlow or JAX backend (KERAS_BACKEND)")


@check("Keras 3.0-3.10 refuse a transposed convolution's output_padding holding a 0 (Keras 2 and tf.keras wrote "
       "e.g. (1, 0); flavour.TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING); such a file is refused there, naming "
       "the layer and the Keras that reads it.")
def transposed_conv_output_padding_taken(subject):
    if flavour.TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING:
        return
    for position, class_name, config in _transposed_convolutions(subject):
        padding = config.get("output_padding")
        if 0 in (list(padding) if isinstance(padding, (list, tuple)) else [padding]):
            subject.fail("%s %r has output_padding %s, which %s refuses (a 0 in it)"
                         % (class_name, config.get("name"), config.get("output_padding"), flavour.describe()),
                         layer=position, error=errors.UnsupportedVersionError,
                         fix="pip install 'keras>=3.15.1' (it reads it)")


#: The resource checks, in the order they run (after ``structure.STRUCTURE``).
RESOURCES = (layer_classes_known, parameters_within_stored_weights)

#: The checks of what the running Keras computes or makes, run on the rewritten config (``check_computed``).
COMPUTED = (transposed_conv_same_padding_exact, transposed_conv_output_padding_taken)


def check_computed(path, config):
    """The ``COMPUTED`` checks on a model config the source's rewrites produced (today's class names and keys).

    Raises:
        UnsupportedVersionError: a layer the running Keras computes otherwise than the file's Keras did.
    """
    subject = Subject(path, config)
    for fn in COMPUTED:
        fn(subject)
