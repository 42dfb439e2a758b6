"""Checks that a legacy file is what Keras 2.x wrote, before any rewrite runs or any layer is built.

Like the rewrites, one small named function per fact, registered in order:

* ``STRUCTURE`` (run by the loader and by ``inspect``): the model config's types and required
  keys, unique layer names, positive integer sizes, well-formed and acyclic ``inbound_nodes``.
  After these, the rewrites and the builder may index the config without further checks.
* ``RESOURCES`` (run by the loader only): every layer class known, and the parameters the
  declared sizes need within what the file stores and within the cap.

A violation raises ``MalformedFileError`` (``ResourceLimitError`` for sizes, ``UnknownLayerError``
for classes), one line naming the file, the layer (name and index) and the key.

Limits (module constants):

* ``MAX_PARAMETERS``: the most parameters a file may store or a model may declare, 100 million
  by default (about 400 MB of float32). Raise it per call with ``max_parameters=`` (on
  ``load_legacy_model`` and ``load_attention_package_model``), or for every call, the CLI
  included, with the environment variable ``COMPAT_ATTENTION_MAX_PARAMETERS``.
* ``MAX_JSON_DEPTH``: the deepest nesting of a config's JSON (Keras 2 configs nest about 10).
* ``MAX_DIMENSION``: the largest size or shape entry (``2**31 - 1``).
"""

import json
import math
import numbers
import os
import re
from collections import namedtuple

from .. import errors
from .rewrites import WRAPPER_CLASSES

MAX_PARAMETERS = 100 * 1000 * 1000
MAX_PARAMETERS_ENV = "COMPAT_ATTENTION_MAX_PARAMETERS"
MAX_JSON_DEPTH = 100
MAX_DIMENSION = 2 ** 31 - 1
MAX_WRAPPER_DEPTH = 4
#: Parameters a model may declare beyond what its file stores (per layer, and in all) before it is
#: refused unbuilt; smaller mismatches are cheap to build and ``assign_weights`` reports them exactly.
MAX_EXCESS = 1000 * 1000

#: Model classes a Keras 2 file can hold.
MODEL_CLASSES = ("Sequential", "Model", "Functional")
#: Config keys that hold a positive integer size.
SIZE_KEYS = ("units", "output_dim", "input_dim", "filters", "n")
#: Config keys that hold a shape (``None`` or positive integers).
SHAPE_KEYS = ("batch_input_shape", "batch_shape")
#: Layer classes a legacy file may not name, whatever the running Keras provides.
REFUSED_CLASSES = ("TFSMLayer",)

FIX = "the file is damaged or was not written by Keras 2.x; use another copy of the model"

#: One check: its name, the fact it checks, and the function (``fn(subject)``, raises or returns None).
Check = namedtuple("Check", "name fact apply")
STRUCTURE = []
RESOURCES = []


def _check(registry, fact):
    def register(fn):
        registry.append(Check(fn.__name__, fact, fn))
        return fn
    return register


class Subject(object):
    """What the checks read: the file's path, model config and stored weights, and the limits.

    Args:
        path: the file, for messages.
        model_config: the model config as read (not rewritten).
        weights: ``LegacyFile.weights`` (layer name -> list of ``(weight name, array)``), or None.
        max_parameters: the cap (see ``parameter_limit``).
        known_class: ``fn(class_name) -> bool``, whether a layer class can be made (RESOURCES only).
    """

    def __init__(self, path, model_config, weights=None, max_parameters=MAX_PARAMETERS, known_class=None):
        self.path = path
        self.model_config = model_config
        self.weights = weights
        self.max_parameters = max_parameters
        self.known_class = known_class

    # Valid once ``model_config_shape`` and ``layer_entries_shape`` passed.
    @property
    def is_functional(self):
        return self.model_config["class_name"] != "Sequential"

    @property
    def body(self):
        return self.model_config["config"]

    @property
    def layers(self):
        body = self.model_config["config"]
        return body if isinstance(body, list) else body["layers"]

    def fail(self, problem, layer=None, key=None, fix=FIX, error=None):
        where = ""
        if layer is not None:
            index, entry = layer
            where = "layer %r (index %d)" % (layer_name(entry), index)
        if key is not None:
            where += (", " if where else "") + "key %r" % (key,)
        raise (error or errors.MalformedFileError)(self.path, (where + ": " if where else "") + problem, fix)


def layer_name(entry):
    """A layer entry's name (the entry's, else its config's), or ``'?'``."""
    if isinstance(entry, dict):
        if isinstance(entry.get("name"), str):
            return entry["name"]
        config = entry.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
    return "?"


def _kind(value):
    return type(value).__name__ if value is not None else "null"


# -- JSON -------------------------------------------------------------------------------
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text, limit=MAX_JSON_DEPTH):
    """The nesting depth of JSON ``text``, counting no further than ``limit + 1``."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def parse_json(path, raw, what):
    """``raw`` (an HDF5 attribute: bytes, str or array) parsed as JSON, depth bounded first.

    Raises:
        MalformedFileError: not text, too deep, or not JSON.
    """
    if hasattr(raw, "tobytes") and not isinstance(raw, (bytes, str)):
        raw = raw.tolist() if getattr(raw, "ndim", 1) == 0 else None
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise errors.MalformedFileError(path, "%s is not UTF-8 text (%s)" % (what, exc.reason), FIX) from exc
    if not isinstance(raw, str):
        raise errors.MalformedFileError(path, "%s is not a JSON string (an HDF5 %s)" % (what, _kind(raw)), FIX)
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise errors.MalformedFileError(
            path, "%s nests deeper than %d levels (Keras 2 configs nest about 10)" % (what, MAX_JSON_DEPTH), FIX)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise errors.MalformedFileError(path, "%s is not valid JSON (%s)" % (what, errors.first_line(exc)), FIX) from exc


def parameter_limit(max_parameters=None):
    """The cap in force: ``max_parameters`` if given, else ``$COMPAT_ATTENTION_MAX_PARAMETERS``, else the default."""
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


def run(checks, subject):
    """Run ``checks`` in order on ``subject``; the first violation raises."""
    for check in checks:
        check.apply(subject)


def check_structure(path, model_config):
    """The ``STRUCTURE`` checks: after them, rewrites and builder may index the config freely."""
    run(STRUCTURE, Subject(path, model_config))


def check_resources(path, model_config, weights, max_parameters, known_class):
    """The ``RESOURCES`` checks (after ``check_structure``)."""
    run(RESOURCES, Subject(path, model_config, weights, max_parameters, known_class))


# -- structure ----------------------------------------------------------------------------
@_check(STRUCTURE, "A Keras 2 model config is {'class_name': 'Sequential' | 'Model', 'config': ...}: a Sequential's "
                   "config a list of layers (Keras 2.0.x) or a dict with 'layers', a Model's a dict with 'layers'.")
def model_config_shape(subject):
    config = subject.model_config
    if not isinstance(config, dict):
        subject.fail("the model config is a JSON %s, not an object" % _kind(config))
    kind = config.get("class_name")
    if not isinstance(kind, str):
        subject.fail("the model config has no class name (a %s)" % _kind(kind), key="class_name")
    if kind not in MODEL_CLASSES:
        subject.fail("model class %r is not supported" % kind, fix="only Sequential and functional models load",
                     error=errors.UnknownLayerError)
    body = config.get("config")
    if kind == "Sequential" and isinstance(body, list):
        return
    if not isinstance(body, dict):
        subject.fail("the %s config is a %s, not an object%s" % (kind, _kind(body), " or a list" if kind == "Sequential"
                                                                 else ""), key="config")
    if not isinstance(body.get("layers"), list):
        subject.fail("the %s config's layers are a %s, not a list" % (kind, _kind(body.get("layers"))), key="layers")
    if body.get("name") is not None and not isinstance(body.get("name"), str):
        subject.fail("the model name is a %s, not a string" % _kind(body.get("name")), key="name")


def _layer_config_shape(subject, position, class_name, config, depth):
    if not isinstance(class_name, str) or not class_name:
        subject.fail("the class name is %r, not a class name" % (class_name,), layer=position, key="class_name")
    if not isinstance(config, dict):
        subject.fail("the config is a %s, not an object" % _kind(config), layer=position, key="config")
    if "name" in config and not isinstance(config["name"], str):
        subject.fail("the name is a %s, not a string" % _kind(config["name"]), layer=position, key="name")
    inner = config.get("layer")
    if class_name in WRAPPER_CLASSES or isinstance(inner, dict):
        if not isinstance(inner, dict):
            subject.fail("a %s wraps a layer, but 'layer' is a %s" % (class_name, _kind(inner)), layer=position,
                         key="layer")
        if depth >= MAX_WRAPPER_DEPTH:
            subject.fail("wrappers nest deeper than %d" % MAX_WRAPPER_DEPTH, layer=position, key="layer")
        _layer_config_shape(subject, position, inner.get("class_name"), inner.get("config"), depth + 1)


@_check(STRUCTURE, "Keras 2 could use a whole model as a layer of another (a nested Sequential or Model); "
                   "this loader does not rebuild those yet, so it refuses them by name rather than guess.")
def nested_models_refused(subject):
    for index, entry in enumerate(subject.layers):
        kind = entry.get("class_name") if isinstance(entry, dict) else None
        if kind in ("Sequential", "Model", "Functional"):
            subject.fail("is a %s model used as a layer (a nested model), which this loader does not rebuild" % kind,
                         layer=(index, entry), error=errors.UnknownLayerError,
                         fix="build the model in code and load its weights with "
                             "compat_attention.load_legacy_weights(model, path, by_name=True)")


@_check(STRUCTURE, "Each layer is {'class_name': str, 'config': {...}} (a functional model's also with 'name' and "
                   "'inbound_nodes'); a wrapper's 'layer' is a layer of the same form.")
def layer_entries_shape(subject):
    for index, entry in enumerate(subject.layers):
        position = (index, entry)
        if not isinstance(entry, dict):
            subject.fail("the layer is a %s, not an object" % _kind(entry), layer=position)
        _layer_config_shape(subject, position, entry.get("class_name"), entry.get("config"), 0)
        if subject.is_functional:
            if not isinstance(entry.get("name"), str):
                subject.fail("a functional model's layer needs a name (got a %s)" % _kind(entry.get("name")),
                             layer=position, key="name")
            if not isinstance(entry.get("inbound_nodes"), list):
                subject.fail("inbound_nodes is a %s, not a list" % _kind(entry.get("inbound_nodes")), layer=position,
                             key="inbound_nodes")


@_check(STRUCTURE, "Keras gives every layer of a model its own name.")
def layer_names_unique(subject):
    seen = {}
    for index, entry in enumerate(subject.layers):
        names = {entry.get("name"), entry["config"].get("name")} - {None}
        for name in names:
            if name in seen and seen[name] != index:
                subject.fail("the name is also that of layer %d" % seen[name], layer=(index, entry), key="name")
            seen[name] = index


def _positive_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 < value <= MAX_DIMENSION


def _sizes(subject, position, config):
    for key in SIZE_KEYS:
        if key in config and config[key] is not None and not _positive_int(config[key]):  # None: not given
            subject.fail("must be a positive integer up to %d, got %r" % (MAX_DIMENSION, config[key]),
                         layer=position, key=key)
    for key in SHAPE_KEYS:
        if key in config:
            shape = config[key]
            if (not isinstance(shape, list) or not 1 <= len(shape) <= 16
                    or not all(d is None or _positive_int(d) for d in shape)):
                subject.fail("must be a list of null or positive integers (up to %d), got %r"
                             % (MAX_DIMENSION, shape if not isinstance(shape, list) or len(shape) <= 16 else "..."),
                             layer=position, key=key)
    if isinstance(config.get("layer"), dict):
        _sizes(subject, position, config["layer"]["config"])


@_check(STRUCTURE, "Sizes (units, output_dim, input_dim, filters, n) are positive integers (or null where not "
                   "given, as Highway's input_dim), and input shapes lists of null or positive integers: Keras 2 "
                   "wrote no floats, strings or booleans there.")
def sizes_are_positive_integers(subject):
    for index, entry in enumerate(subject.layers):
        _sizes(subject, (index, entry), entry["config"])


def _index(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value <= MAX_DIMENSION


def _is_inbound(item):
    return (isinstance(item, list) and len(item) in (3, 4) and isinstance(item[0], str) and _index(item[1])
            and _index(item[2]) and (len(item) == 3 or isinstance(item[3], dict)))


@_check(STRUCTURE, "A functional model's inbound_nodes are lists of nodes, each a list of [layer name, node index, "
                   "tensor index(, call kwargs)] naming a layer of the model and one of its nodes.")
def inbound_nodes_well_formed(subject):
    if not subject.is_functional:
        return
    nodes_of = {}
    for entry in subject.layers:
        nodes_of[entry["name"]] = 1 if entry["class_name"] == "InputLayer" else len(entry["inbound_nodes"])
    for index, entry in enumerate(subject.layers):
        for node in entry["inbound_nodes"]:
            if not isinstance(node, list) or not node:
                subject.fail("a node is %r, not a non-empty list" % (node,), layer=(index, entry), key="inbound_nodes")
            for item in node:
                if not _is_inbound(item):
                    subject.fail("an inbound entry is %r, not [layer name, node index, tensor index, {kwargs}]"
                                 % (item,), layer=(index, entry), key="inbound_nodes")
                if item[0] not in nodes_of:
                    subject.fail("reads layer %r, which the model does not have" % item[0], layer=(index, entry),
                                 key="inbound_nodes")
                if item[1] >= nodes_of[item[0]]:
                    subject.fail("reads node %d of layer %r, which has %d" % (item[1], item[0], nodes_of[item[0]]),
                                 layer=(index, entry), key="inbound_nodes")


@_check(STRUCTURE, "A functional model's input_layers and output_layers are non-empty lists of [layer name, node "
                   "index, tensor index]; the inputs are InputLayers, the outputs layers of the model.")
def io_layers_well_formed(subject):
    if not subject.is_functional:
        return
    classes = {entry["name"]: entry["class_name"] for entry in subject.layers}
    for key in ("input_layers", "output_layers"):
        items = subject.body.get(key)
        if not isinstance(items, list) or not items:
            subject.fail("is a %s, not a non-empty list" % _kind(items) if not isinstance(items, list) else
                         "is empty", key=key)
        for item in items:
            if not (isinstance(item, list) and len(item) == 3 and _is_inbound(item)):
                subject.fail("an entry is %r, not [layer name, node index, tensor index]" % (item,), key=key)
            if item[0] not in classes:
                subject.fail("names layer %r, which the model does not have" % item[0], key=key)
            if key == "input_layers" and (classes[item[0]] != "InputLayer" or item[1:] != [0, 0]):
                subject.fail("names %r (%s), not the output of an InputLayer" % (item[0], classes[item[0]]), key=key)


@_check(STRUCTURE, "An InputLayer of a functional model has a batch_input_shape (or batch_shape) and no inbound "
                   "nodes.")
def input_layers_have_shapes(subject):
    if not subject.is_functional:
        return
    for index, entry in enumerate(subject.layers):
        if entry["class_name"] == "InputLayer":
            config = entry["config"]
            if not any(key in config for key in SHAPE_KEYS):
                subject.fail("an InputLayer without batch_input_shape", layer=(index, entry), key="batch_input_shape")
            if entry["inbound_nodes"]:
                subject.fail("an InputLayer reads other layers", layer=(index, entry), key="inbound_nodes")


def topological_order(layers):
    """A functional model's layer entries, each after the layers it reads.

    Returns:
        ``(order, stuck)``: the entries in an order that builds, and the names of the layers on
        or behind a cycle (empty when the graph is acyclic). Checked input only (STRUCTURE).
    """
    reads = {}
    for entry in layers:
        reads[entry["name"]] = {item[0] for node in entry["inbound_nodes"] for item in node}
    by_name = {entry["name"]: entry for entry in layers}
    readers = {name: [] for name in reads}
    missing = {name: len(sources) for name, sources in reads.items()}
    for name, sources in reads.items():
        for source in sources:
            readers[source].append(name)
    ready = [entry["name"] for entry in layers if not missing[entry["name"]]]
    order = []
    while ready:
        name = ready.pop(0)
        order.append(by_name[name])
        for reader in readers[name]:
            missing[reader] -= 1
            if not missing[reader]:
                ready.append(reader)
    stuck = [entry["name"] for entry in layers if missing[entry["name"]] > 0]
    return order, stuck


@_check(STRUCTURE, "A functional model's layers form an acyclic graph: each reads only layers built before it.")
def graph_is_acyclic(subject):
    if not subject.is_functional:
        return
    _, stuck = topological_order(subject.layers)
    if stuck:
        subject.fail("layers %s read each other in a cycle (or read a layer that does)" % stuck[:10], key="inbound_nodes")


# -- resources ----------------------------------------------------------------------------
@_check(RESOURCES, "Every layer class is one of Keras or of compat_attention (or the caller's custom_objects).")
def layer_classes_known(subject):
    def visit(position, class_name, config):
        if class_name in REFUSED_CLASSES or not subject.known_class(class_name):
            subject.fail("layer %r has class %r, which neither Keras nor compat_attention provides"
                         % (config.get("name"), class_name),
                         fix="pass custom_objects={%r: YourClass} (CLI: it cannot be converted)" % class_name,
                         error=errors.UnknownLayerError)
        if isinstance(config.get("layer"), dict):
            visit(position, config["layer"]["class_name"], config["layer"]["config"])

    for index, entry in enumerate(subject.layers):
        visit((index, entry), entry["class_name"], entry["config"])


def _last(shape):
    return shape[-1] if isinstance(shape, list) and shape else None


#: Layers whose output has the width of their input.
_SAME_WIDTH = ("Dropout", "Activation", "Masking", "SpatialDropout1D", "GaussianNoise", "GaussianDropout",
               "ActivityRegularization", "LayerNormalization", "BatchNormalization", "RepeatVector", "Softmax",
               "ReLU", "LeakyReLU", "PReLU", "ELU", "AlphaDropout", "Add", "Subtract", "Multiply", "Average",
               "Maximum", "Minimum")


def _weights_and_width(class_name, config, width):
    """``(parameters, output width)`` of a layer: a lower bound of the parameters its sizes need (biases
    left out, an unknown input width counted as 0), and the last dimension of its output (None: unknown)."""
    d = width or 0
    units = config.get("units") if _positive_int(config.get("units")) else 0
    if class_name == "Dense":
        return d * units, units or None
    if class_name in ("LSTM", "GRU", "SimpleRNN"):
        gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[class_name]
        return gates * units * (d + units), units or None
    if class_name == "Embedding":
        input_dim, output_dim = config.get("input_dim"), config.get("output_dim")
        if _positive_int(input_dim) and _positive_int(output_dim):
            return input_dim * output_dim, output_dim
        return 0, None
    if class_name == "AttentionDecoder":
        output_dim = config.get("output_dim") if _positive_int(config.get("output_dim")) else 0
        u, o = units, output_dim
        params = (u * u + d * u) + 3 * (d * u + u * u + o * u) + (d * o + u * o + o * o) + d * u
        return params, (None if config.get("return_probabilities") else o or None)
    if class_name == "Attention" and units:  # the attention package's layer
        return 2 * d * units, units
    if class_name in ("Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "Conv1DTranspose"):
        filters = config.get("filters") if _positive_int(config.get("filters")) else 0
        return d * filters, filters or None
    if class_name == "Bidirectional" and isinstance(config.get("layer"), dict):
        params, inner = _weights_and_width(config["layer"]["class_name"], config["layer"]["config"], width)
        merge = config.get("merge_mode", "concat")
        return 2 * params, (2 * inner if inner and merge == "concat" else inner if merge in ("sum", "mul", "ave")
                            else None)
    if class_name == "TimeDistributed" and isinstance(config.get("layer"), dict):
        return _weights_and_width(config["layer"]["class_name"], config["layer"]["config"], width)
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
            params, widths[entry["name"]] = _weights_and_width(entry["class_name"], entry["config"], width)
            needs.append((position[id(entry)], entry, params))
        return sorted(needs, key=lambda need: need[0])
    width = None
    for index, entry in enumerate(subject.layers):
        config = entry["config"]
        if index == 0 and entry["class_name"] != "InputLayer":
            width = _last(config.get("batch_input_shape", config.get("batch_shape")))
        params, width = _weights_and_width(entry["class_name"], config, width)
        needs.append((index, entry, params))
    return needs


@_check(RESOURCES, "A model cannot need more parameters than its file stores: each layer's sizes (units, "
                   "output_dim, input widths) fit the arrays stored for it, and all of them the file's total "
                   "(give or take MAX_EXCESS, left to assign_weights to report), and the cap.")
def parameters_within_stored_weights(subject):
    stored = {name: sum(int(array.size) for _, array in arrays) for name, arrays in (subject.weights or {}).items()}
    total = sum(stored.values())
    declared = 0
    for index, entry, params in _declared(subject):
        name = entry["config"].get("name", entry.get("name"))
        if params > subject.max_parameters:
            subject.fail("its sizes need at least %d parameters, over the limit of %d" % (params, subject.max_parameters),
                         layer=(index, entry), fix="if the file is genuine, raise the limit (max_parameters=, or "
                         "the environment variable %s)" % MAX_PARAMETERS_ENV, error=errors.ResourceLimitError)
        if name in stored and params > stored[name] + MAX_EXCESS:
            subject.fail("its sizes need at least %d parameters, the file stores %d for it" % (params, stored[name]),
                         layer=(index, entry), fix="the config does not match the stored weights; " + FIX,
                         error=errors.ResourceLimitError)
        declared += params
    if declared > total + MAX_EXCESS:
        subject.fail("the layers' sizes need at least %d parameters, the file stores %d in all" % (declared, total),
                     fix="the config does not match the stored weights; " + FIX, error=errors.ResourceLimitError)


def check_stored_size(path, layer, weight, shape, running_total, max_parameters):
    """Refuse one stored weight, from its HDF5 shape alone, when it (or the file so far) passes the cap."""
    size = 1
    for dim in shape:
        size *= int(dim)
    if size > max_parameters or running_total + size > max_parameters:
        raise errors.ResourceLimitError(
            path, "layer %r, weight %r: shape %s brings the stored parameters to %d, over the limit of %d"
            % (layer, weight, tuple(shape), running_total + size, max_parameters),
            "if the file is genuine, raise the limit (max_parameters=, or the environment variable %s)"
            % MAX_PARAMETERS_ENV)
    return size


def finite_positive(value):
    """Whether ``value`` is a real number (not a bool), finite and above zero."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) and value > 0)
