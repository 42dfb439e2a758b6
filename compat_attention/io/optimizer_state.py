"""A Keras 2.0.x file's optimizer, with its hyperparameters and its state, on the running Keras.

``restore_optimizer(model, training_config, path)`` (called by ``build.compile_from_training_config``)
recompiles ``model`` with an optimizer built from every hyperparameter the file records
(``lr``, ``beta_1``, ``beta_2``, ``epsilon``, ``rho``, ``momentum``, ``nesterov``; ``decay`` as an
inverse-time schedule) and sets its iteration count and slots (Adam's m and v, RMSprop's and
Adagrad's accumulators, SGD's moments) from the file's ``optimizer_weights``, so that training
resumes where Keras 2.0.8 left off. What the running optimizer computes differently is
measured by ``tests/io_zoo/test_optimizer_state.py`` and listed in MIGRATION.md: tf.keras 2.8-2.10's
OptimizerV2 divides RMSprop's and Adagrad's steps by ``sqrt(a) + eps`` as Keras 2.0.8 did, Keras 3
and tf.keras >= 2.11 by ``sqrt(a + eps)`` (no ``epsilon`` makes one the other).

``resolve_training_objects(training_config, path, custom_objects)`` (called by the loader before
compiling) turns the loss and metric names Keras 2.0.8 saved for custom functions into those
functions, or refuses the file with ``UnknownTrainingObjectError``.
"""

import re
import warnings

import numpy as np

from .. import errors
from .._keras import optimizers as slots
from .._keras.flavour import keras

#: How Keras 2.0.x named its optimizer slots (``training/Adam/Variable_3:0``): unnamed ``K.zeros``.
_KERAS_2_0_SLOT = re.compile(r"(^|/)Variable(_\d+)?(:0)?$")

#: Keras 2.0.8 optimizer classes whose state this module restores.
RESTORED = ("Adam", "RMSprop", "Adagrad", "SGD")

#: Keras 2.0.8 config key -> modern keyword, per class (``lr`` and ``decay`` are handled apart).
_HYPER = {
    "Adam": ("beta_1", "beta_2", "epsilon"),
    "RMSprop": ("rho", "epsilon"),
    "Adagrad": ("epsilon",),
    "SGD": ("momentum", "nesterov"),
}


def read_optimizer_weights(path):
    """The file's ``optimizer_weights`` as ``[(name, array)]`` in file order ([] when absent)."""
    import h5py

    with h5py.File(path, "r") as handle:
        group = handle.get("optimizer_weights")
        if group is None:
            return []
        names = [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in group.attrs.get("weight_names", [])]
        return [(name, np.asarray(group[name][()])) for name in names]


def make_optimizer(optimizer_config):
    """A modern optimizer with every hyperparameter a Keras 2.0.8 ``optimizer_config`` records."""
    class_name = optimizer_config.get("class_name")
    config = dict(optimizer_config.get("config") or {})
    kwargs = {key: config[key] for key in _HYPER.get(class_name, ()) if key in config}
    learning_rate = config.get("learning_rate", config.get("lr"))
    if learning_rate is not None:
        decay = float(config.get("decay") or 0.0)
        kwargs["learning_rate"] = slots.inverse_time_decay(learning_rate, decay) if decay > 0 else learning_rate
    return getattr(keras.optimizers, class_name)(**kwargs)


def _split(class_name, stored, count):
    """The stored arrays as ``(iterations or None, {role: [array per variable]})``."""
    iterations = None
    if stored and stored[0][1].shape == () and "iterations" in stored[0][0]:
        iterations, stored = int(stored[0][1]), stored[1:]
    roles = slots.slot_roles(class_name)
    if len(stored) != count * len(roles):
        return iterations, None
    arrays = [a for _, a in stored]
    return iterations, {role: arrays[i * count:(i + 1) * count] for i, role in enumerate(roles)}


#: Metric names Keras resolves itself at compile time (not through ``keras.metrics.get``).
_COMPILE_METRICS = ("accuracy", "acc", "crossentropy", "ce")


def _known(getter, name):
    """Whether the running Keras resolves ``name`` itself (``keras.metrics.get`` / ``keras.losses.get``)."""
    try:
        return callable(getter(name))  # tf.keras 2.14's metrics.get hands an unknown name back as a str
    except (ValueError, TypeError):
        return False


def _resolver(kind, getter, builtins, path, custom_objects):
    """Resolve one ``kind`` ('loss', 'metric') name: ``custom_objects``, then Keras's registry and
    ``custom_object_scope``, then Keras's own names (kept as the name); a name none knows raises."""
    def resolve(name):
        if not isinstance(name, str):
            return name
        if name in (custom_objects or {}):
            return custom_objects[name]
        found = keras.utils.get_registered_object(name)  # custom_object_scope, register_keras_serializable
        if found is not None:
            return found
        if name in builtins or _known(getter, name):
            return name
        raise errors.UnknownTrainingObjectError(
            path, "training_config names the %s %r, which this Keras does not know" % (kind, name),
            "pass custom_objects={%r: your_function}, or load with compile=False" % name)
    return resolve


def _nested(resolve, value):
    """``value`` (a name, a list of names, or a dict of either, per output) with each name resolved.

    A serialized object (a dict with ``class_name``, as tf.keras 2 wrote a ``Metric``) is left as is.
    """
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _nested(resolve, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nested(resolve, item) for item in value]
    return resolve(value)


def resolve_metrics(training_config, path, custom_objects=None):
    """The training config's metrics, custom ones resolved (see ``resolve_training_objects``)."""
    resolve = _resolver("metric", keras.metrics.get, _COMPILE_METRICS, path, custom_objects)
    metrics = training_config.get("metrics")
    return _nested(resolve, metrics) if metrics is not None else None


def resolve_training_objects(training_config, path, custom_objects=None):
    """A copy of ``training_config`` whose loss and metric names are the functions they name.

    Keras 2.0.8 saved a custom loss or metric function by its ``__name__``. Each name resolves,
    in this order, through ``custom_objects``, Keras's registry (``keras.utils.custom_object_scope``,
    ``register_keras_serializable``) or Keras's own losses and metrics (kept as names). Keras 3
    and tf.keras resolve names only at the first training step; this resolves them at load time.

    Raises:
        UnknownTrainingObjectError: a name nothing resolves (one line: the file, the name, the fix).
    """
    resolved = dict(training_config)
    if resolved.get("loss") is not None:
        resolved["loss"] = _nested(_resolver("loss", keras.losses.get, (), path, custom_objects), resolved["loss"])
    if resolved.get("metrics") is not None:
        resolved["metrics"] = resolve_metrics(training_config, path, custom_objects)
    return resolved


def restore_optimizer(model, training_config, path):
    """Recompile ``model`` with the file's optimizer and set the optimizer state the file stores.

    A file without optimizer state, or with an optimizer this module does not restore, keeps the
    fresh optimizer (a ``UserWarning`` says so in the second case).

    Raises:
        WeightMismatchError: the stored state does not fit the model's trainable weights.
    """
    metrics = resolve_metrics(training_config, path)
    optimizer_config = training_config.get("optimizer_config") or {}
    class_name = optimizer_config.get("class_name")
    stored = read_optimizer_weights(path)
    if class_name not in RESTORED:
        if stored:
            warnings.warn("%s: the %s optimizer's state is not restored (only %s); training starts with "
                          "fresh slots" % (path, class_name, ", ".join(RESTORED)))
        return
    optimizer = make_optimizer(optimizer_config)
    model.compile(optimizer=optimizer, loss=model.loss, metrics=metrics,
                  loss_weights=training_config.get("loss_weights"))
    if not stored:
        return
    variables = list(model.trainable_variables)
    if not all(_KERAS_2_0_SLOT.search(name) for name, a in stored if a.shape != () or "iterations" not in name):
        warnings.warn("%s: the optimizer state is not in Keras 2.0.x's layout (unnamed slot Variables); "
                      "training starts with fresh slots" % path)
        return
    iterations, by_role = _split(class_name, stored, len(variables))
    if by_role is None:
        raise errors.WeightMismatchError(
            path, "stores %d %s optimizer weights, which do not fit the model's %d trainable weights"
            % (len(stored), class_name, len(variables)), "load without compile=True and compile the model yourself")
    slots.build(optimizer, variables)
    targets = {role: slots.slot_variables(optimizer, class_name, role, variables) for role in by_role}
    for role, arrays in by_role.items():
        wanted = [tuple(v.shape) for v in variables]
        if [a.shape for a in arrays] != wanted:
            raise errors.WeightMismatchError(
                path, "the %s optimizer's %r slots have shapes %s, the trainable weights %s"
                % (class_name, role, [a.shape for a in arrays], wanted),
                "load without compile=True and compile the model yourself")
        if targets[role] is None:
            if any(np.any(a) for a in arrays):
                warnings.warn("%s: this Keras keeps no %s %r slots (e.g. SGD without momentum); the stored "
                              "ones are not used" % (path, class_name, role))
            continue
        for variable, array in zip(targets[role], arrays):
            variable.assign(array.astype(np.float32))
    if iterations is not None:
        optimizer.iterations.assign(iterations)
