"""The one training path: a file's loss, metrics and optimizer on the running Keras, its state restored.

``compile_model(model, legacy, custom_objects)`` (the loader's, for ``compile=True``) does each
step once:

1. the training config the file records (``LegacyFile.training_config``: an ``.h5``'s
   ``training_config``, an archive's ``compile_config`` in the same form), with its source's
   training rewrites (``RewriteSet.plan_training``);
2. the loss and metric names resolved (``resolve_training_objects``): Keras 2.0.8 saved a custom
   function by its name; ``custom_objects``, Keras's registry or Keras's own names resolve it, or
   the file is refused with ``UnknownTrainingObjectError``;
3. the optimizer made (``make_optimizer``): its class one of ``keras.optimizers`` and its learning
   rate a positive number (else ``MalformedFileError``); for the classes whose state is restored
   (``RESTORED``) every hyperparameter Keras 2.0.8 recorded (``lr``, ``beta_1``, ``beta_2``,
   ``epsilon``, ``rho``, ``momentum``, ``nesterov``; ``decay`` as an inverse-time schedule), for
   the others the learning rate;
4. the model compiled;
5. the slots (Adam's m and v, RMSprop's and Adagrad's accumulators, SGD's moments) and the iteration
   count set from ``LegacyFile.optimizer_weights`` (read once, size-checked, by the file reader), so
   that training resumes where Keras 2.0.8 left off.

What the running optimizer computes differently is measured by
``tests/io_zoo/test_optimizer_state.py`` and listed in MIGRATION.md: tf.keras 2.8-2.10's
OptimizerV2 divides RMSprop's and Adagrad's steps by ``sqrt(a) + eps`` as Keras 2.0.8 did, Keras 3
and tf.keras >= 2.11 by ``sqrt(a + eps)`` (no ``epsilon`` makes one the other).
"""

import inspect
import math
import numbers
import re
import warnings

import numpy as np

from .. import errors
from .._keras import optimizers as slots
from .._keras.flavour import keras
from ..legacy import optimizers as legacy_optimizers
from . import optimizer_weights
from .boundary import wrapped

#: The optimizer classes whose hyperparameters and state are restored (Keras 1-2.3 and tf.keras; Ftrl: tf.keras only).
RESTORED = ("Adam", "RMSprop", "Adagrad", "SGD", "Adadelta", "Adamax", "Nadam", "Ftrl")

#: Keras 2.0.8 config keys passed on as they are, per restored class (``lr`` and ``decay`` apart).
_HYPER = {
    "Adam": ("beta_1", "beta_2", "epsilon", "amsgrad"),  # amsgrad: Keras 2.1+
    "RMSprop": ("rho", "epsilon", "momentum", "centered"),  # momentum, centered: tf.keras
    "Adagrad": ("epsilon",),
    "SGD": ("momentum", "nesterov"),
    "Adadelta": ("rho", "epsilon"),
    "Adamax": ("beta_1", "beta_2", "epsilon"),
    "Nadam": ("beta_1", "beta_2", "epsilon"),
    "Ftrl": ("learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
             "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta"),  # tf.keras
}

#: How Keras 2.0.x named its optimizer slots (``training/Adam/Variable_3:0``): unnamed ``K.zeros``.
_KERAS_2_0_SLOT = re.compile(r"(^|/)Variable(_\d+)?(:0)?$")

#: Metric names Keras resolves itself at compile time (not through ``keras.metrics.get``).
_COMPILE_METRICS = ("accuracy", "acc", "crossentropy", "ce")

_LOAD_WITHOUT_COMPILE = "load without compile=True, or use another copy of the file"
_COMPILE_YOURSELF = "load without compile=True and compile the model yourself"


def compile_model(model, legacy, custom_objects=None):
    """Compile ``model`` as ``legacy``'s file records and restore the optimizer state it stores.

    Args:
        model: the rebuilt model, its weights set.
        legacy: the ``LegacyFile`` (``training_config`` not None; ``source`` picked).
        custom_objects: dict of the custom losses and metrics the file names.

    Raises:
        MalformedFileError: the training config is not what Keras 2 wrote, or Keras refuses it.
        UnknownTrainingObjectError: a loss or metric name nothing resolves.
        WeightMismatchError: the stored optimizer state does not fit the model's trainable weights.
    """
    if not isinstance(legacy.training_config, dict):
        raise errors.MalformedFileError(
            legacy.path, "training_config is a %s, not an object" % type(legacy.training_config).__name__,
            _LOAD_WITHOUT_COMPILE)
    training_config = resolve_training_objects(
        legacy.source.rewrites.plan_training(legacy.training_config), legacy.path, custom_objects)
    optimizer_config = _optimizer_config(legacy.path, training_config)
    with wrapped(legacy.path, "compiling with the file's training_config", fix=_COMPILE_YOURSELF):
        optimizer = make_optimizer(optimizer_config)
        model.compile(optimizer=optimizer, loss=training_config.get("loss"), metrics=training_config.get("metrics"),
                      loss_weights=training_config.get("loss_weights"))
        class_name = optimizer_config.get("class_name")
        state = legacy.source.optimizer_state
        restore_slots(model, optimizer, class_name, legacy.optimizer_weights, legacy.path,
                      state=None if state is None else lambda variables: state(legacy, class_name, variables))
        if class_name == "Nadam" and legacy.optimizer_weights:
            restore_momentum_schedule(optimizer, optimizer_config["config"], model.trainable_variables)


# -- loss and metric names ----------------------------------------------------------------------

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
        resolved["metrics"] = _nested(_resolver("metric", keras.metrics.get, _COMPILE_METRICS, path, custom_objects),
                                      resolved["metrics"])
    return resolved


# -- the optimizer --------------------------------------------------------------------------------

def _optimizer_classes():
    """``keras.optimizers``' optimizer classes by name."""
    found = {}
    for name in dir(keras.optimizers):
        cls = getattr(keras.optimizers, name, None)
        if inspect.isclass(cls) and issubclass(cls, keras.optimizers.Optimizer):
            found[name] = cls
    return found


def optimizer_class(name):
    """The optimizer class ``name`` gives (``'Adam'``, or Keras' string identifier ``'adam'``), or None."""
    if not isinstance(name, str):
        return None
    classes = _optimizer_classes()
    if name in classes:
        return classes[name]
    by_lower = {key.lower(): cls for key, cls in classes.items()}
    return by_lower.get(name.lower())


def _finite_positive(value):
    """Whether ``value`` is a real number (not a bool), finite and above zero."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _optimizer_config(path, training_config):
    """The training config's ``optimizer_config``, its class and learning rate checked.

    Returns:
        ``{'class_name': recorded name or None, 'class': the optimizer class, 'config': dict,
        'learning_rate': number or None}``.
    """
    def fail(problem):
        return errors.MalformedFileError(path, "training_config: %s" % problem, _LOAD_WITHOUT_COMPILE)

    optimizer = training_config.get("optimizer_config", {})
    if optimizer is None:
        optimizer = {}
    if not isinstance(optimizer, dict):
        raise fail("optimizer_config is a %s, not an object" % type(optimizer).__name__)
    name = optimizer.get("class_name", "Adam")
    cls = optimizer_class(name)
    if cls is None:
        raise fail("optimizer class %r is not one of keras.optimizers" % (name,))
    settings = optimizer.get("config", {})
    if not isinstance(settings, dict):
        raise fail("the optimizer's config is a %s, not an object" % type(settings).__name__)
    learning_rate = settings.get("learning_rate", settings.get("lr"))
    if learning_rate is not None and not _finite_positive(learning_rate):
        raise fail("the learning rate is %r, not a positive number" % (learning_rate,))
    return {"class_name": optimizer.get("class_name"), "class": cls, "config": settings,
            "learning_rate": learning_rate}


def make_optimizer(optimizer_config):
    """The running Keras's optimizer for a checked ``optimizer_config`` (see ``_optimizer_config``).

    A class of ``RESTORED`` gets every hyperparameter Keras 2.0.8 recorded (``decay`` as
    ``lr / (1 + decay * iterations)``); any other class its learning rate.
    """
    cls, config, learning_rate = optimizer_config["class"], optimizer_config["config"], optimizer_config["learning_rate"]
    if optimizer_config["class_name"] not in RESTORED:
        return cls(learning_rate=learning_rate) if learning_rate is not None else cls()
    kwargs = {key: config[key] for key in _HYPER[optimizer_config["class_name"]] if key in config}
    if learning_rate is not None:
        decay = float(config.get("decay") or 0.0)
        kwargs["learning_rate"] = slots.inverse_time_decay(learning_rate, decay) if decay > 0 else learning_rate
    if optimizer_config["class_name"] == "Nadam" and "schedule_decay" in config:
        # Keras 1-2.3 and OptimizerV2 (the tf.keras sources name its 'decay' so): momentum 0.96 ** (t * schedule_decay)
        return legacy_optimizers.Nadam(schedule_decay=config.get("schedule_decay", 0.004), **kwargs)
    return cls(**kwargs)


# -- the optimizer's state ----------------------------------------------------------------------

def restore_momentum_schedule(optimizer, config, variables):
    """Set Nadam's product of its momentum schedule, which most eras did not save, from the restored iteration count.

    Keras 1.2-2.3 and tf.keras's OptimizerV2 (TensorFlow 1.13-2.10) take the momentum at update ``t`` as
    ``beta_1 * (1 - 0.5 * 0.96 ** (t * schedule_decay))`` (``compat_attention.legacy.optimizers.Nadam``),
    tf.keras 2.11+ as ``beta_1 * (1 - 0.5 * 0.96 ** t)`` (the running Keras's own Nadam); each update reads
    the product of the momenta so far. Keras 1.2 and 2.0 kept that product out of the optimizer's weights: a
    reloaded Nadam restarted it at 1 (its next step then differs by 4.6e-3 on the era's file); rebuilt
    from ``iterations`` it is exact.
    """
    beta_1 = float(config.get("beta_1", 0.9))
    steps = int(np.asarray(optimizer.iterations))
    if isinstance(optimizer, legacy_optimizers.Nadam):
        product = optimizer.momentum_product(steps)
        for schedule in slots.slot_variables(optimizer, "Nadam", "m_schedule", variables):
            schedule.assign(product)
    else:
        slots.set_momentum_product(optimizer, float(np.prod([beta_1 * (1.0 - 0.5 * 0.96 ** t)
                                                             for t in range(1, steps + 1)])))


def restore_slots(model, optimizer, class_name, stored, path, state=None):
    """Set ``optimizer``'s slots and iteration count from the file's optimizer weights.

    A file without optimizer state, with an optimizer whose state is not restored, or with state
    not in Keras 2.0.x's layout keeps the fresh slots (a ``UserWarning`` says so in the last two cases).

    Args:
        state: None (Keras 2.0.x's layout), or ``fn(variables) -> (iterations, {role: arrays})``, the
            state as the file's source reads it (``Source.optimizer_state``).

    Raises:
        WeightMismatchError: the stored state does not fit the model's trainable weights.
    """
    if class_name not in RESTORED:
        if stored:
            warnings.warn("%s: the %s optimizer's state is not restored (only %s); training starts with "
                          "fresh slots" % (path, class_name, ", ".join(RESTORED)))
        return
    if not stored:
        return
    variables = list(model.trainable_variables)
    if state is not None:
        iterations, by_role = state(variables)
    elif not all(_KERAS_2_0_SLOT.search(name) for name, a in stored if a.shape != () or "iterations" not in name):
        warnings.warn("%s: the optimizer state is not in Keras 2.0.x's layout (unnamed slot Variables); "
                      "training starts with fresh slots" % path)
        return
    else:
        iterations, by_role = optimizer_weights.split_optimizer_weights(class_name, stored, len(variables))
    if by_role is None:
        raise errors.WeightMismatchError(
            path, "stores %d %s optimizer weights, which do not fit the model's %d trainable weights"
            % (len(stored), class_name, len(variables)), _COMPILE_YOURSELF)
    slots.build(optimizer, variables)
    targets = {role: slots.slot_variables(optimizer, class_name, role, variables) for role in by_role}
    for role, arrays in by_role.items():
        wanted = [tuple(v.shape) for v in variables]
        if [a.shape for a in arrays] != wanted:
            raise errors.WeightMismatchError(
                path, "the %s optimizer's %r slots have shapes %s, the trainable weights %s"
                % (class_name, role, [a.shape for a in arrays], wanted), _COMPILE_YOURSELF)
        if targets[role] is None:
            if any(np.any(a) for a in arrays):
                warnings.warn("%s: this Keras keeps no %s %r slots (e.g. SGD without momentum); the stored "
                              "ones are not used" % (path, class_name, role))
            continue
        for variable, array in zip(targets[role], arrays):
            variable.assign(array.astype(np.float32))
    if iterations is not None:
        optimizer.iterations.assign(iterations)
