"""Read Keras 2.0.x ``.h5`` files and rebuild them on the running Keras.

The path from file to model is a short pipeline:

1. ``read_legacy_file``: open the file read-only and check, in order, that it is a
   file, HDF5, a Keras 2 model or weights file; a bad file raises a
   ``LegacyFileError`` whose one line names the file, the problem and the fix.
2. ``rewrites``: the named config rewrites, one per legacy fact.
3. ``build_model``: layers from the rewritten configs (``AttentionDecoder`` mapped
   to ours, ``Lambda`` refused unless the caller opted in), wired as the file says.
4. ``assign_weights``: the stored arrays, layer by layer, count and shapes checked.
"""

import json
import os
from collections import OrderedDict

import numpy as np

from . import errors, rewrites
from ._compat import keras
from .layer import AttentionDecoder

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


class LegacyFile(object):
    """What a Keras 2.0.x ``.h5`` holds, read once, the file closed again.

    Attributes:
        path: the file.
        keras_version: the ``keras_version`` attribute (e.g. ``'2.0.8'``).
        backend: the ``backend`` attribute (e.g. ``'tensorflow'``).
        model_config: the model config dict, or None for a weights-only file.
        training_config: the training config dict, or None.
        weights: OrderedDict layer name -> list of ``(weight name, array)`` in file order.
        has_optimizer_weights: whether the file stores optimizer state.
    """

    def __init__(self, path, keras_version, backend, model_config, training_config, weights,
                 has_optimizer_weights):
        self.path = path
        self.keras_version = keras_version
        self.backend = backend
        self.model_config = model_config
        self.training_config = training_config
        self.weights = weights
        self.has_optimizer_weights = has_optimizer_weights

    @property
    def is_weights_only(self):
        return self.model_config is None


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_legacy_file(path):
    """Read a Keras 2.0.x ``.h5`` model or weights file, read-only.

    Args:
        path: path to the ``.h5`` file.

    Returns:
        A ``LegacyFile``.

    Raises:
        LegacyFileError: (a subclass) when the path is not a usable legacy file.
    """
    import h5py

    path = os.fspath(path)
    if not os.path.exists(path):
        raise errors.NotAFileError(path, "no such file", "check the path")
    if os.path.isdir(path):
        raise errors.NotAFileError(path, "is a directory, not an .h5 file", "pass the path of the .h5 file itself")
    if os.path.getsize(path) == 0:
        raise errors.NotAFileError(path, "is empty (0 bytes)", "the save did not complete; use another copy of the model")
    with open(path, "rb") as raw:
        signature = raw.read(len(_HDF5_SIGNATURE))
    if signature != _HDF5_SIGNATURE:
        raise errors.NotHDF5Error(
            path, "is not an HDF5 file (no HDF5 signature)",
            "pass a Keras .h5 file; a .keras or SavedModel file loads with keras.models.load_model",
        )
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise errors.NotHDF5Error(
            path, "is not a readable HDF5 file, probably truncated or corrupted (%s)" % errors.first_line(exc),
            "use a complete copy of the file",
        )
    try:
        with handle:
            return _read_open_file(path, handle)
    except errors.LegacyFileError:
        raise
    except (KeyError, OSError, ValueError, TypeError) as exc:
        raise errors.NotHDF5Error(
            path, "could not be read as a Keras file (%s)" % errors.first_line(exc), "use a complete copy of the file",
        )


def _read_open_file(path, handle):
    attrs = handle.attrs
    if "model_config" in attrs:
        group = handle["model_weights"] if "model_weights" in handle else None
        if group is None:
            raise errors.NotAKerasFileError(
                path, "has a model config but no 'model_weights' group", "use a complete copy of the file")
    elif "layer_names" in attrs:
        group = handle
    else:
        raise errors.NotAKerasFileError(
            path, "is HDF5 but holds no Keras model or weights (no 'model_config' or 'layer_names')",
            "pass a file written by Keras model.save() or model.save_weights()",
        )
    version = _text(attrs.get("keras_version", group.attrs.get("keras_version", "unknown")))
    if not version.startswith("2."):
        raise errors.UnsupportedVersionError(
            path, "was written by Keras %s; this reader handles Keras 2.x files" % version,
            "load and re-save it with Keras 2.0.x first" if version.startswith("1") else
            "load it with keras.models.load_model",
            version=version,
        )
    model_config = json.loads(_text(attrs["model_config"])) if "model_config" in attrs else None
    training_config = json.loads(_text(attrs["training_config"])) if "training_config" in attrs else None
    weights = OrderedDict()
    for layer_name in (_text(n) for n in group.attrs["layer_names"]):
        layer_group = group[layer_name]
        weights[layer_name] = [
            (_text(n), np.asarray(layer_group[_text(n)])) for n in layer_group.attrs["weight_names"]
        ]
    return LegacyFile(
        path=path, keras_version=version, backend=_text(attrs.get("backend", "unknown")),
        model_config=model_config, training_config=training_config, weights=weights,
        has_optimizer_weights="optimizer_weights" in handle,
    )


# -- rebuilding the model -----------------------------------------------------------------
def plan(legacy):
    """Rewrite a legacy model config for the running Keras, without building anything.

    Returns:
        ``(model_config, applied)``: the rewritten config and the list of
        ``(rewrite name, layer name or None)`` that changed something.
    """
    config = json.loads(json.dumps(legacy.model_config))  # a private deep copy
    applied = [(name, None) for name in rewrites.apply_model_rewrites(config)]
    for layer in config["config"]["layers"]:
        applied += rewrites.apply_layer_rewrites(layer["class_name"], layer["config"])
    return config, applied


def lambda_layers(model_config):
    """Names of the Lambda layers in a model config (wrapped ones too)."""
    found = []

    def visit(class_name, config):
        if class_name == "Lambda":
            found.append(config.get("name", "lambda"))
        if isinstance(config.get("layer"), dict):
            visit(config["layer"]["class_name"], config["layer"]["config"])

    layers = model_config["config"]
    layers = layers if isinstance(layers, list) else layers["layers"]
    for layer in layers:
        visit(layer["class_name"], layer["config"])
    return found


class _LayerFactory(object):
    """Makes modern layers from rewritten legacy layer configs."""

    def __init__(self, path, custom_objects=None, allow_lambda=False):
        self.path = path
        self.allow_lambda = allow_lambda
        self.custom_objects = {"AttentionDecoder": AttentionDecoder}
        self.custom_objects.update(custom_objects or {})

    def make(self, class_name, config):
        config = dict(config)
        if class_name in rewrites.WRAPPER_CLASSES and isinstance(config.get("layer"), dict):
            inner = config.pop("layer")
            return getattr(keras.layers, class_name)(self.make(inner["class_name"], inner["config"]), **config)
        if class_name == "Lambda":
            return self._make_lambda(config)
        cls = self.custom_objects.get(class_name) or getattr(keras.layers, class_name, None)
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
    """Build an unweighted model from a rewritten model config."""
    kind = model_config["class_name"]
    body = model_config["config"]
    if kind == "Sequential":
        layers = [factory.make(l["class_name"], l["config"]) for l in body["layers"]]
        if "input" in body:
            inp = keras.Input(batch_shape=tuple(body["input"]["batch_shape"]), dtype=body["input"]["dtype"])
            layers.insert(0, inp)
        return keras.Sequential(layers, name=body.get("name"))
    if kind in ("Model", "Functional"):
        return _build_functional(body, factory)
    raise errors.UnknownLayerError(
        factory.path, "model class %r is not supported" % kind, "only Sequential and functional models load")


def _build_functional(body, factory):
    outputs_of = {}  # layer name -> list of node outputs (each a list of tensors)
    pending = list(body["layers"])
    while pending:
        progressed = False
        for entry in list(pending):
            name, config = entry["name"], entry["config"]
            if entry["class_name"] == "InputLayer":
                tensor = keras.Input(
                    batch_shape=tuple(config["batch_input_shape"]), dtype=config.get("dtype", "float32"),
                    name=name,
                )
                outputs_of[name] = [[tensor]]
            else:
                nodes = entry["inbound_nodes"]
                if not all(inbound[0] in outputs_of for node in nodes for inbound in node):
                    continue
                layer = factory.make(entry["class_name"], config)
                outputs_of[name] = []
                for node in nodes:
                    args = [outputs_of[i[0]][i[1]][i[2]] for i in node]
                    kwargs = node[0][3] if len(node[0]) > 3 else {}
                    out = layer(args[0] if len(args) == 1 else args, **kwargs)
                    outputs_of[name].append(list(out) if isinstance(out, (list, tuple)) else [out])
            pending.remove(entry)
            progressed = True
        if not progressed:
            raise errors.UnknownLayerError(
                factory.path, "layers %s read inputs that no layer produces"
                % [e["name"] for e in pending], "the model config is inconsistent; use another copy")
    inputs = [outputs_of[n][i][j] for n, i, j in body["input_layers"]]
    outputs = [outputs_of[n][i][j] for n, i, j in body["output_layers"]]
    return keras.Model(
        inputs[0] if len(inputs) == 1 else inputs, outputs[0] if len(outputs) == 1 else outputs,
        name=body.get("name"),
    )


def assign_weights(model, legacy, by_name=True):
    """Set the file's weights into ``model``, checking counts and shapes first.

    Args:
        model: a built model.
        legacy: a ``LegacyFile``.
        by_name: match layers by name; otherwise by position among the layers that
            have weights.

    Raises:
        WeightMismatchError: before any weight is set, when something does not fit.
    """
    stored = [(name, arrays) for name, arrays in legacy.weights.items() if arrays]
    targets = [layer for layer in _flat_layers(model) if layer.weights]
    if by_name:
        by = {layer.name: layer for layer in targets}
        missing = [name for name, _ in stored if name not in by]
        if missing:
            raise errors.WeightMismatchError(
                legacy.path, "has weights for layers %s that the model lacks (it has %s)"
                % (missing, sorted(by)), "name the layers as in the file, or load by position (by_name=False)")
        pairs = [(by[name], arrays) for name, arrays in stored]
    else:
        if len(stored) != len(targets):
            raise errors.WeightMismatchError(
                legacy.path, "has weights for %d layers, the model has %d layers with weights"
                % (len(stored), len(targets)), "build the same architecture as the file")
        pairs = list(zip(targets, (arrays for _, arrays in stored)))
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
        layer.set_weights([a for _, a in arrays])


def _flat_layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            for inner in _flat_layers(layer):
                yield inner
        else:
            yield layer


# -- public API ---------------------------------------------------------------------------
def load_legacy_model(path, compile=False, custom_objects=None, allow_lambda=False):
    """Load a Keras 2.0.x ``.h5`` model on the running Keras, computing what it computed then.

    The legacy ``AttentionDecoder`` becomes ``compat_attention.AttentionDecoder``;
    every other legacy layer is rewritten by the named steps in
    ``compat_attention.rewrites`` (legacy ``hard_sigmoid``, GRU without
    ``reset_after``, Sequential bare-list configs, ...).

    Args:
        path: the ``.h5`` file (``model.save``, with or without optimizer state).
        compile: compile the model with the loss, metrics and optimizer class the
            file records (optimizer state is not restored).
        custom_objects: dict of further layer classes the file names.
        allow_lambda: build ``Lambda`` layers, which runs marshaled bytecode from
            the file. Off by default; only for files you trust.

    Returns:
        A ``keras.Model``.

    Raises:
        LegacyFileError: (a subclass) with a one-line message naming the file,
            the problem and the fix.
    """
    legacy = read_legacy_file(path)
    if legacy.is_weights_only:
        raise errors.NotAKerasFileError(
            legacy.path, "holds weights only (model.save_weights), no model",
            "build the model in code, then call compat_attention.load_legacy_weights(model, path)")
    config, _ = plan(legacy)
    model = build_model(config, _LayerFactory(legacy.path, custom_objects, allow_lambda))
    assign_weights(model, legacy, by_name=True)
    if compile and legacy.training_config:
        _compile_from_training_config(model, legacy.training_config)
    return model


def load_legacy_weights(model, path, by_name=False):
    """Load a Keras 2.0.x weights file (``save_weights`` or a full model) into ``model``.

    Args:
        model: a model built with compat_attention (and any Keras layers).
        path: the ``.h5`` file.
        by_name: match layers by name instead of by position.

    Returns:
        ``model``, for chaining.
    """
    legacy = read_legacy_file(path)
    if not model.built:
        raise errors.WeightMismatchError(
            legacy.path, "cannot be loaded into an unbuilt model", "build the model (give it an Input) first")
    assign_weights(model, legacy, by_name=by_name)
    return model


def _compile_from_training_config(model, training_config):
    optimizer = training_config.get("optimizer_config", {})
    opt_cls = getattr(keras.optimizers, optimizer.get("class_name", "Adam"))
    settings = dict(optimizer.get("config", {}))
    learning_rate = settings.get("learning_rate", settings.get("lr"))
    opt = opt_cls(learning_rate=learning_rate) if learning_rate is not None else opt_cls()
    model.compile(optimizer=opt, loss=training_config.get("loss"), metrics=training_config.get("metrics"))
