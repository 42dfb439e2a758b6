"""Checks that a model config is what Keras 2.x wrote, before any rewrite runs or any layer is built.

One small named function per fact, run in the order of ``STRUCTURE`` (by the loader and by
``inspect``): the model config's types and required keys, unique layer names, positive integer
sizes, well-formed and acyclic ``inbound_nodes``. After these, the rewrites and the builder may
index the config without further checks. A violation raises ``MalformedFileError``
(``UnknownLayerError`` for a model class or a nested model this loader does not rebuild), one line
naming the file, the layer (name and index) and the key.

The other checks take the same ``Subject``: ``resources.RESOURCES`` and each source's own
(``Source.checks``).
"""

import numbers

from .. import errors
from .boundary import DAMAGED
from .build import topological_order
from .configs import WRAPPER_CLASSES, layer_entries, walk

#: The largest size or shape entry.
MAX_DIMENSION = 2 ** 31 - 1
#: The deepest nesting of wrappers (``TimeDistributed(Bidirectional(LSTM))`` is 1).
MAX_WRAPPER_DEPTH = 4

#: Model classes a Keras 2 file can hold.
MODEL_CLASSES = ("Sequential", "Model", "Functional")
#: Config keys that hold a positive integer size.
SIZE_KEYS = ("units", "output_dim", "input_dim", "filters", "n")
#: Config keys that hold a shape (``None`` or positive integers).
SHAPE_KEYS = ("batch_input_shape", "batch_shape")


def check(fact):
    """Decorator: mark ``fn(subject)`` as a check of ``fact`` (raises, or returns None).

    Nothing is registered: the lists that run checks (``STRUCTURE``, ``resources.RESOURCES``,
    ``Source.checks``) name them.
    """
    def mark(fn):
        fn.fact = fact
        return fn
    return mark


class Subject(object):
    """What the checks read: the file's path, model config and stored weights, and the limits.

    Args:
        path: the file, for messages.
        model_config: the model config as read (not rewritten).
        stored: ``LegacyFile.stored_parameters`` (layer name -> the parameters the file stores), or None.
        max_parameters: the cap (see ``resources.parameter_limit``).
        custom_objects: the layer classes the source and the caller provide (resource checks only).
    """

    def __init__(self, path, model_config, stored=None, max_parameters=None, custom_objects=None):
        self.path = path
        self.model_config = model_config
        self.stored = stored
        self.max_parameters = max_parameters
        self.custom_objects = custom_objects or {}
        #: The ``LegacyFile`` itself, for a source's checks that read more than the config (set by the loader).
        self.legacy = None
        # Meaningful once model_config_shape and layer_entries_shape passed.
        self.body = model_config.get("config") if isinstance(model_config, dict) else None
        self.is_functional = isinstance(model_config, dict) and model_config.get("class_name") != "Sequential"
        self.layers = layer_entries(model_config)
        #: ``configs.walk``'s ``(position, class_name, config, depth)`` for every layer, wrapped ones too.
        self.nodes = list(walk(model_config))

    def fail(self, problem, layer=None, key=None, fix=DAMAGED, error=None):
        """Raise ``error`` (``MalformedFileError``) naming the file, the layer ``(index, entry)`` and the key."""
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


def kind(value):
    """The JSON kind of ``value`` for messages (``'dict'``, ``'list'``, ``'null'``, ...)."""
    return type(value).__name__ if value is not None else "null"


def positive_int(value):
    """Whether ``value`` is an integer (not a bool) from 1 to ``MAX_DIMENSION``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 < value <= MAX_DIMENSION


def check_structure(path, model_config):
    """The ``STRUCTURE`` checks, in order (the first violation raises): after them, rewrites and
    builder may index the config freely.

    Returns:
        The checked ``Subject``, for the checks that follow (``resources.check_resources``, the
        source's own).
    """
    subject = Subject(path, model_config)
    for fn in STRUCTURE:
        fn(subject)
    return subject


@check("A Keras 2 model config is {'class_name': 'Sequential' | 'Model', 'config': ...}: a Sequential's "
       "config a list of layers (Keras 2.0.x) or a dict with 'layers', a Model's a dict with 'layers'.")
def model_config_shape(subject):
    config = subject.model_config
    if not isinstance(config, dict):
        subject.fail("the model config is a JSON %s, not an object" % kind(config))
    model_class = config.get("class_name")
    if not isinstance(model_class, str):
        subject.fail("the model config has no class name (a %s)" % kind(model_class), key="class_name")
    if model_class not in MODEL_CLASSES:
        subject.fail("model class %r is not supported" % model_class, fix="only Sequential and functional models load",
                     error=errors.UnknownLayerError)
    body = config.get("config")
    if model_class == "Sequential" and isinstance(body, list):
        return
    if not isinstance(body, dict):
        subject.fail("the %s config is a %s, not an object%s" % (
            model_class, kind(body), " or a list" if model_class == "Sequential" else ""), key="config")
    if not isinstance(body.get("layers"), list):
        subject.fail("the %s config's layers are a %s, not a list" % (model_class, kind(body.get("layers"))),
                     key="layers")
    if body.get("name") is not None and not isinstance(body.get("name"), str):
        subject.fail("the model name is a %s, not a string" % kind(body.get("name")), key="name")


@check("Keras 2 could use a whole model as a layer of another (a nested Sequential or Model); "
       "this loader does not rebuild those yet, so it refuses them by name rather than guess.")
def nested_models_refused(subject):
    for index, entry in enumerate(subject.layers):
        model_class = entry.get("class_name") if isinstance(entry, dict) else None
        if model_class in MODEL_CLASSES:
            subject.fail("is a %s model used as a layer (a nested model), which this loader does not rebuild"
                         % model_class, layer=(index, entry), error=errors.UnknownLayerError,
                         fix="build the model in code and load its weights with "
                             "compat_attention.load_legacy_weights(model, path, by_name=True)")


def _layer_shape(subject, position, class_name, config, depth):
    """One layer of the walk: a class name, a config object, a name, a wrapped layer if a wrapper."""
    if not isinstance(class_name, str) or not class_name:
        subject.fail("the class name is %r, not a class name" % (class_name,), layer=position, key="class_name")
    if not isinstance(config, dict):
        subject.fail("the config is a %s, not an object" % kind(config), layer=position, key="config")
    if "name" in config and not isinstance(config["name"], str):
        subject.fail("the name is a %s, not a string" % kind(config["name"]), layer=position, key="name")
    inner = config.get("layer")
    if class_name in WRAPPER_CLASSES or isinstance(inner, dict):
        if not isinstance(inner, dict):
            subject.fail("a %s wraps a layer, but 'layer' is a %s" % (class_name, kind(inner)), layer=position,
                         key="layer")
        if depth >= MAX_WRAPPER_DEPTH:
            subject.fail("wrappers nest deeper than %d" % MAX_WRAPPER_DEPTH, layer=position, key="layer")


@check("Each layer is {'class_name': str, 'config': {...}} (a functional model's also with 'name' and "
       "'inbound_nodes'); a wrapper's 'layer' is a layer of the same form.")
def layer_entries_shape(subject):
    for position, class_name, config, depth in subject.nodes:
        if not isinstance(position[1], dict):
            subject.fail("the layer is a %s, not an object" % kind(position[1]), layer=position)
        _layer_shape(subject, position, class_name, config, depth)
    if not subject.is_functional:
        return
    for index, entry in enumerate(subject.layers):
        if not isinstance(entry.get("name"), str):
            subject.fail("a functional model's layer needs a name (got a %s)" % kind(entry.get("name")),
                         layer=(index, entry), key="name")
        if not isinstance(entry.get("inbound_nodes"), list):
            subject.fail("inbound_nodes is a %s, not a list" % kind(entry.get("inbound_nodes")),
                         layer=(index, entry), key="inbound_nodes")


@check("Keras gives every layer of a model its own name.")
def layer_names_unique(subject):
    seen = {}
    for index, entry in enumerate(subject.layers):
        names = {entry.get("name"), entry["config"].get("name")} - {None}
        for name in names:
            if name in seen and seen[name] != index:
                subject.fail("the name is also that of layer %d" % seen[name], layer=(index, entry), key="name")
            seen[name] = index


def _shape_ok(shape):
    return isinstance(shape, list) and 1 <= len(shape) <= 16 and all(d is None or positive_int(d) for d in shape)


@check("Sizes (units, output_dim, input_dim, filters, n) are positive integers (or null where not "
       "given, as Highway's input_dim), and input shapes lists of null or positive integers: Keras 2 "
       "wrote no floats, strings or booleans there.")
def sizes_are_positive_integers(subject):
    for position, _, config, _ in subject.nodes:
        for key in SIZE_KEYS:
            if key in config and config[key] is not None and not positive_int(config[key]):  # None: not given
                subject.fail("must be a positive integer up to %d, got %r" % (MAX_DIMENSION, config[key]),
                             layer=position, key=key)
        for key in SHAPE_KEYS:
            if key in config and not _shape_ok(config[key]):
                shape = config[key]
                subject.fail("must be a list of null or positive integers (up to %d), got %r"
                             % (MAX_DIMENSION, shape if not isinstance(shape, list) or len(shape) <= 16 else "..."),
                             layer=position, key=key)


def _index(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and 0 <= value <= MAX_DIMENSION


def _is_inbound(item):
    return (isinstance(item, list) and len(item) in (3, 4) and isinstance(item[0], str) and _index(item[1])
            and _index(item[2]) and (len(item) == 3 or isinstance(item[3], dict)))


@check("A functional model's inbound_nodes are lists of nodes, each a list of [layer name, node index, "
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


@check("A functional model's input_layers and output_layers are non-empty lists of [layer name, node "
       "index, tensor index]; the inputs are InputLayers, the outputs layers of the model.")
def io_layers_well_formed(subject):
    if not subject.is_functional:
        return
    classes = {entry["name"]: entry["class_name"] for entry in subject.layers}
    for key in ("input_layers", "output_layers"):
        items = subject.body.get(key)
        if not isinstance(items, list) or not items:
            subject.fail("is a %s, not a non-empty list" % kind(items) if not isinstance(items, list) else
                         "is empty", key=key)
        for item in items:
            if not (isinstance(item, list) and len(item) == 3 and _is_inbound(item)):
                subject.fail("an entry is %r, not [layer name, node index, tensor index]" % (item,), key=key)
            if item[0] not in classes:
                subject.fail("names layer %r, which the model does not have" % item[0], key=key)
            if key == "input_layers" and (classes[item[0]] != "InputLayer" or item[1:] != [0, 0]):
                subject.fail("names %r (%s), not the output of an InputLayer" % (item[0], classes[item[0]]), key=key)


@check("An InputLayer of a functional model has a batch_input_shape (or batch_shape) and no inbound nodes.")
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


@check("A functional model's layers form an acyclic graph: each reads only layers built before it.")
def graph_is_acyclic(subject):
    if not subject.is_functional:
        return
    _, stuck = topological_order(subject.layers)
    if stuck:
        subject.fail("layers %s read each other in a cycle (or read a layer that does)" % stuck[:10], key="inbound_nodes")


#: The structure checks, in the order they run: each may index what the ones before it checked.
STRUCTURE = (model_config_shape, nested_models_refused, layer_entries_shape, layer_names_unique,
             sizes_are_positive_integers, inbound_nodes_well_formed, io_layers_well_formed, input_layers_have_shapes,
             graph_is_acyclic)
