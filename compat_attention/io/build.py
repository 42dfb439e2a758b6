"""Models from rewritten configs: layers made, wired as the file says, weights assigned.

Also the order in which a functional model's layers can be built (``topological_order``), which the
structure checks (a graph with a cycle is refused) and the resource estimate read too.
"""

import inspect

from .. import errors
from .._keras.flavour import keras
from ..objects import all_layers
from .boundary import DAMAGED, wrapped
from .configs import WRAPPER_CLASSES


def topological_order(layers):
    """A functional model's layer entries, each after the layers it reads.

    Args:
        layers: the entries of a functional model config (checked by ``structure``' shape checks).

    Returns:
        ``(order, stuck)``: the entries in an order that builds, and the names of the layers on
        or behind a cycle (empty when the graph is acyclic).
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


def known_class(class_name, custom_objects):
    """Whether ``class_name`` names a layer class the builder can make: one of ``custom_objects`` (the
    source's and the caller's), a layer of ``keras.layers``, or ``Lambda`` (refused or built by ``make``)."""
    if class_name == "Lambda" or class_name in custom_objects:
        return True
    cls = getattr(keras.layers, class_name, None) if class_name.isidentifier() else None
    return inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)


class LayerFactory(object):
    """Makes modern layers from rewritten layer configs of one file.

    Args:
        path: the file, for messages.
        source: the ``Source`` that wrote it (its hook may make some layers itself).
        custom_objects: further layer classes the caller provides.
        allow_lambda: build ``Lambda`` layers (runs marshaled bytecode from the file).
    """

    def __init__(self, path, source, custom_objects=None, allow_lambda=False):
        self.path = path
        self.source = source
        self.allow_lambda = allow_lambda
        self.custom_objects = dict(source.custom_objects)
        self.custom_objects.update(custom_objects or {})

    def make(self, class_name, config, index=None):
        """A layer from ``(class_name, config)``, through the source's hook.

        Raises:
            MalformedFileError: Keras could not make it (the original exception chained).
        """
        where = "layer %r%s (%s)" % (config.get("name"), "" if index is None else " (index %d)" % index, class_name)
        with wrapped(self.path, "rebuilding " + where):
            if self.source.make_layer is not None:
                return self.source.make_layer(self, class_name, config)
            return self.make_standard(class_name, config)

    def known_class(self, class_name):
        """Whether ``class_name`` names a layer class this factory can make (``known_class``)."""
        return known_class(class_name, self.custom_objects)

    def make_standard(self, class_name, config):
        """A layer of Keras, of ``custom_objects``, or a wrapper around one (``make`` for the inner)."""
        config = dict(config)
        if class_name in WRAPPER_CLASSES and isinstance(config.get("layer"), dict):
            inner = config.pop("layer")
            return getattr(keras.layers, class_name)(self.make(inner["class_name"], inner["config"]), **config)
        if class_name == "Lambda":
            return self._make_lambda(config)
        cls = self.custom_objects.get(class_name)
        if cls is None and self.known_class(class_name):
            cls = getattr(keras.layers, class_name)
        if cls is None:
            raise errors.UnknownLayerError(
                self.path, "layer %r has class %r, which neither Keras nor compat_attention provides"
                % (config.get("name"), class_name),
                "pass custom_objects={%r: YourClass} (CLI: it cannot be converted)" % class_name,
            )
        return cls.from_config(config)

    def _make_lambda(self, config):
        if not self.allow_lambda:
            raise errors.UnsafeLambdaError(
                self.path, "layer %r is a Lambda: its function is marshaled Python bytecode that "
                "would run on load" % config.get("name"),
                "pass allow_lambda=True (CLI: --allow-lambda) only if you trust the file, or rebuild "
                "the model in code and use load_legacy_weights()",
            )
        try:
            return keras.layers.Lambda.from_config(config, custom_objects=self.custom_objects)
        except Exception as exc:  # bytecode from another Python version cannot be unmarshaled
            raise errors.UnsafeLambdaError(
                self.path, "Lambda layer %r could not be rebuilt (%s)" % (config.get("name"), errors.first_line(exc)),
                "rebuild the model in code and use load_legacy_weights()",
            )


def build_model(model_config, factory):
    """Build an unweighted model from a rewritten model config (checked by ``structure.STRUCTURE``)."""
    kind = model_config["class_name"]
    body = model_config["config"]
    if kind == "Sequential":
        layers = [factory.make(l["class_name"], l["config"], i) for i, l in enumerate(body["layers"])]
        with wrapped(factory.path, "building the Sequential model"):
            if "input" in body:
                inp = keras.Input(batch_shape=tuple(body["input"]["batch_shape"]), dtype=body["input"]["dtype"])
                layers.insert(0, inp)
            return keras.Sequential(layers, name=body.get("name"))
    if kind in ("Model", "Functional"):
        return _build_functional(body, factory)
    raise errors.UnknownLayerError(
        factory.path, "model class %r is not supported" % kind, "only Sequential and functional models load")


def _output(factory, outputs_of, item, reader):
    """The tensor ``[layer name, node index, tensor index]`` refers to, or a typed error."""
    name, node, tensor = item[:3]
    nodes = outputs_of[name]
    if node >= len(nodes) or tensor >= len(nodes[node]):
        raise errors.MalformedFileError(
            factory.path, "%s reads output %d of node %d of layer %r, which has %d node(s) of %s output(s)"
            % (reader, tensor, node, name, len(nodes), len(nodes[node]) if node < len(nodes) else 0), DAMAGED)
    return nodes[node][tensor]


def _build_functional(body, factory):
    outputs_of = {}  # layer name -> list of node outputs (each a list of tensors)
    index_of = {id(entry): index for index, entry in enumerate(body["layers"])}
    order, stuck = topological_order(body["layers"])
    if stuck:  # structure.graph_is_acyclic refused it already; kept so that no loop depends on it
        raise errors.MalformedFileError(factory.path, "layers %s read each other in a cycle" % stuck[:10], DAMAGED)
    for entry in order:
        name, config, index = entry["name"], entry["config"], index_of[id(entry)]
        where = "layer %r (index %d)" % (name, index)
        if entry["class_name"] == "InputLayer":
            with wrapped(factory.path, "making the input of " + where):
                shape = config.get("batch_input_shape", config.get("batch_shape"))
                tensor = keras.Input(batch_shape=tuple(shape), dtype=config.get("dtype", "float32"), name=name)
            outputs_of[name] = [[tensor]]
            continue
        layer = factory.make(entry["class_name"], config, index)
        outputs_of[name] = []
        for node in entry["inbound_nodes"]:
            args = [_output(factory, outputs_of, item, where) for item in node]
            kwargs = node[0][3] if len(node[0]) > 3 else {}
            with wrapped(factory.path, "calling " + where):
                out = layer(args[0] if len(args) == 1 else args, **kwargs)
            outputs_of[name].append(list(out) if isinstance(out, (list, tuple)) else [out])
    inputs = [_output(factory, outputs_of, item, "input_layers") for item in body["input_layers"]]
    outputs = [_output(factory, outputs_of, item, "output_layers") for item in body["output_layers"]]
    with wrapped(factory.path, "building the functional model"):
        return keras.Model(
            inputs[0] if len(inputs) == 1 else inputs, outputs[0] if len(outputs) == 1 else outputs,
            name=body.get("name"),
        )


def assign_weights(model, legacy, by_name=True, check=None):
    """Set the file's weights into ``model``, checking counts and shapes first.

    Args:
        model: a built model.
        legacy: a ``LegacyFile``.
        by_name: match layers by name; otherwise by position among the layers that
            have weights.
        check: None, or ``check(pairs, legacy)`` called with ``[(target layer, stored
            layer name)]`` before the shapes are compared (e.g. ``targets.check_targets``).

    The arrays go through the file's source's ``convert_weights`` first, where it has one; the
    ``(target layer, stored layer name)`` pairs are kept as ``legacy.targets`` (for the optimizer state).

    Raises:
        WeightMismatchError: before any weight is set, when something does not fit.
    """
    stored = [(name, arrays) for name, arrays in legacy.weights.items() if arrays]
    targets = [layer for layer in all_layers(model) if layer.weights and not isinstance(layer, keras.Model)]
    if by_name:
        by = {layer.name: layer for layer in targets}
        missing = [name for name, _ in stored if name not in by]
        if missing:
            raise errors.WeightMismatchError(
                legacy.path, "has weights for layers %s that the model lacks (it has %s)"
                % (missing, sorted(by)), "name the layers as in the file, or load by position (by_name=False)")
        pairs = [(by[name], arrays) for name, arrays in stored]
        names = [name for name, _ in stored]
    else:
        if len(stored) != len(targets):
            raise errors.WeightMismatchError(
                legacy.path, "has weights for %d layers, the model has %d layers with weights"
                % (len(stored), len(targets)), "build the same architecture as the file")
        pairs = list(zip(targets, (arrays for _, arrays in stored)))
        names = [name for name, _ in stored]
    if check is not None:
        check([(layer, name) for (layer, _), name in zip(pairs, names)], legacy)
    convert = getattr(legacy.source, "convert_weights", None)
    if convert is not None:
        pairs = [(layer, arrays) for layer, _, arrays in
                 convert([(layer, name, arrays) for (layer, arrays), name in zip(pairs, names)], legacy)]
    legacy.targets = [(layer, name) for (layer, _), name in zip(pairs, names)]
    for layer, arrays in pairs:
        expected = [tuple(w.shape) for w in layer.weights]
        found = [tuple(a.shape) for _, a in arrays]
        if expected != found:
            raise errors.WeightMismatchError(
                legacy.path, "layer %r expects %d weights of shapes %s, the file has %d of shapes %s"
                % (layer.name, len(expected), expected, len(found), found),
                "build the layer with the sizes it was saved with",
            )
    for layer, arrays in pairs:
        with wrapped(legacy.path, "setting the weights of layer %r" % layer.name, error=errors.WeightMismatchError):
            layer.set_weights([a for _, a in arrays])
