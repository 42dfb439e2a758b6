"""The optimizer state Keras 2 and tf.keras saved under ``optimizer_weights``, read by role.

Standalone Keras 2 (2.0.x to 2.3.x) saved ``optimizer.weights``: for most classes the iteration
count first (a scalar named ``<Class>/iterations:0``), then each slot kind for every trainable
weight in turn, in the order the optimizer's ``get_updates`` made them (``KERAS_2_SLOTS``). Each
source (``io/sources/``) says which of its producers' layouts it reads and hands
``Source.optimizer_state`` the pieces from here; ``training.restore_slots`` sets them.
Roles are ``_keras.optimizers``' names for the running optimizer's slots.
"""

import re
import warnings

from .. import errors

#: Per optimizer class, standalone Keras 2's slot kinds in the order it stored them (after
#: ``iterations``): the ``get_updates`` of each class in ``keras/optimizers.py``, 2.0.x to 2.3.x.
KERAS_2_SLOTS = {
    "SGD": ("moment",),
    "RMSprop": ("a",),
    "Adagrad": ("a",),
    "Adadelta": ("a", "delta"),
    "Adam": ("m", "v"),
    "Adamax": ("m", "u"),
    "Nadam": ("m", "v"),
}

#: The fix of a one-line refusal of the stored state.
COMPILE_YOURSELF = "load without compile=True and compile the model yourself"


def iterations_first(stored):
    """``(iterations or None, the rest)``: the stored state without its leading iteration count.

    Args:
        stored: ``[(name, array)]`` in file order (``LegacyFile.optimizer_weights``).

    Returns:
        The count (an int) where the first weight is a scalar named ``...iterations...``, else None;
        and the weights after it.
    """
    if stored and stored[0][1].shape == () and "iterations" in stored[0][0]:
        return int(stored[0][1]), stored[1:]
    return None, stored


def split_optimizer_weights(class_name, stored, count, roles=None):
    """The stored optimizer weights as ``(iterations or None, {role: [array per variable]})``.

    Args:
        class_name: the optimizer class (one of ``KERAS_2_SLOTS``).
        stored: ``[(name, array)]`` in file order (``LegacyFile.optimizer_weights``).
        count: the number of trainable variables.
        roles: the slot kinds in stored order (default ``KERAS_2_SLOTS[class_name]``).

    Returns:
        The iteration count (None when not stored) and the slots per role, or None in place of the
        dict when the count does not fit.

    Example:

    >>> import numpy as np
    >>> stored = [("Adam/iterations:0", np.array(2))] + [("Variable_%d:0" % i, np.zeros(3)) for i in range(4)]
    >>> iterations, by_role = split_optimizer_weights("Adam", stored, 2)
    >>> iterations, sorted(by_role), len(by_role["m"])
    (2, ['m', 'v'], 2)
    """
    iterations, stored = iterations_first(stored)
    roles = KERAS_2_SLOTS[class_name] if roles is None else roles
    if len(stored) != count * len(roles):
        return iterations, None
    arrays = [a for _, a in stored]
    return iterations, {role: arrays[i * count:(i + 1) * count] for i, role in enumerate(roles)}


def state_does_not_fit(path, class_name, stored, count):
    """The one-line refusal of ``stored`` optimizer weights that do not fit ``count`` trainable weights."""
    return errors.WeightMismatchError(
        path, "stores %d %s optimizer weights, which do not fit the model's %d trainable weights"
        % (len(stored), class_name, count), COMPILE_YOURSELF)


# -- standalone Keras 2.1-2.3 --------------------------------------------------------------------------

#: Keras 2.3's slot names (``training/Adam/m_0_1:0``: kind, the weight's index, a graph suffix) per role.
_NAMED_SLOT = re.compile(r"(?:^|/)(m|v|vhat|accumulator|delta_accumulator|moment|u)_(\d+)(?:_\d+)?(?::\d+)?$")
_ROLE_OF_NAME = {"m": "m", "v": "v", "vhat": "vhat", "accumulator": "a", "delta_accumulator": "delta",
                 "moment": "moment", "u": "u"}

#: Keras 2.0-2.2's unnamed slots (``training/Adam/Variable_3:0``).
_UNNAMED_SLOT = re.compile(r"(^|/)Variable(_\d+)?(:\d+)?$")


def _named_roles_fit(stored, roles, count):
    """Whether Keras 2.3's slot names say the roles (in order) and weight indices the split assumes."""
    for i, (name, _) in enumerate(stored):
        match = _NAMED_SLOT.search(name)
        if match is None or _ROLE_OF_NAME[match.group(1)] != roles[i // count] or int(match.group(2)) != i % count:
            return False
    return True


def adam_amsgrad(legacy):
    """The file's Adam ``amsgrad`` setting (False where its training config does not say)."""
    training = legacy.training_config if isinstance(legacy.training_config, dict) else {}
    optimizer = training.get("optimizer_config")
    settings = optimizer.get("config") if isinstance(optimizer, dict) else None
    return bool(settings.get("amsgrad", False)) if isinstance(settings, dict) else False


def keras_2_1_to_2_3_state(legacy, class_name, variables):
    """The optimizer state standalone Keras 2.1-2.3 saved, by role (``Source.optimizer_state``'s answer).

    What those versions stored (``optimizers.py: <Optimizer>.get_updates``; each era's README):
    ``iterations`` first (every class from 2.3; before, none for RMSprop, Adagrad and Adadelta), for
    Nadam from 2.3 its scalar ``m_schedule`` next, then each slot kind for every trainable weight
    (``KERAS_2_SLOTS``); Adam also its AMSGrad ``vhat`` slots, of shape (1,) and never updated when
    ``amsgrad=False`` (``adam_amsgrad``: the training config): those are dropped. Slots are unnamed ``Variable_<k>`` before 2.3 and named
    ``<kind>_<index>`` from 2.3 (the names are checked against the roles then).

    Args:
        legacy: the ``LegacyFile``.
        class_name: the optimizer class (not one of ``KERAS_2_SLOTS``: nothing restored, a warning).
        variables: the model's trainable variables.

    Returns:
        ``(iterations or None, {role: [array per variable]})``; Nadam's ``m_schedule`` (2.3) is left out:
        ``training.restore_momentum_schedule`` rebuilds the same product from ``iterations``.

    Raises:
        WeightMismatchError: the stored state does not fit ``variables``.
    """
    stored = list(legacy.optimizer_weights)
    if class_name not in KERAS_2_SLOTS:
        warnings.warn("%s: the %s optimizer's state is not restored (only %s); training starts with fresh slots"
                      % (legacy.path, class_name, ", ".join(KERAS_2_SLOTS)))
        return None, {}
    count = len(variables)
    iterations, slots = iterations_first(stored)
    if class_name == "Nadam" and slots and slots[0][1].shape == () and "m_schedule" in slots[0][0]:
        slots = slots[1:]  # the schedule's product: training.restore_momentum_schedule rebuilds it from iterations
    roles = KERAS_2_SLOTS[class_name] + (("vhat",) if class_name == "Adam" and len(slots) == 3 * count else ())
    named = bool(slots) and not _UNNAMED_SLOT.search(slots[0][0])
    if len(slots) != count * len(roles) or (named and not _named_roles_fit(slots, roles, count)):
        raise state_does_not_fit(legacy.path, class_name, stored, count)
    _, by_role = split_optimizer_weights(class_name, slots, count, roles)
    if "vhat" in by_role and not adam_amsgrad(legacy):
        by_role.pop("vhat")  # amsgrad=False: K.zeros(1) per weight, never read nor updated
    return iterations, by_role


# -- tf.keras (TensorFlow 1.x and 2.x) ---------------------------------------------------------------

#: tf.keras's slot names, per class, to the roles: OptimizerV2's (TF 1.13-2.10, and ``legacy`` optimizers
#: after) and those of the optimizers of tf.keras 2.11-2.15 (``Custom>Adam`` in the training config).
TF_KERAS_SLOTS = {
    "SGD": {"momentum": "moment", "m": "moment"},
    "RMSprop": {"rms": "a", "velocity": "a", "momentum": "momentum", "mg": "mg", "average_gradient": "mg"},
    "Adagrad": {"accumulator": "a"},
    "Adadelta": {"accum_grad": "a", "accumulated_grad": "a", "accum_var": "delta", "accumulated_delta_var": "delta"},
    "Adam": {"m": "m", "v": "v", "vhat": "vhat"},
    "Adamax": {"m": "m", "v": "u", "u": "u"},
    "Nadam": {"m": "m", "v": "v"},
    "Ftrl": {"accumulator": "accumulator", "linear": "linear"},
}

#: The iteration count's name: OptimizerV2's ``[training/]<Class>/iter:0``, tf.keras 2.11+'s ``iteration:0``.
_TF_KERAS_ITERATIONS = re.compile(r"(?:^|/)(iter|iteration)(?::\d+)?$")
#: OptimizerV2 Nadam's product of the momentum schedule: rebuilt from the iteration count (as for Keras 1-2.3).
_TF_KERAS_SCHEDULE = re.compile(r"(?:^|/)momentum_cache(?::\d+)?$")


def _tf_keras_slot(name, modern):
    """The slot kind in a stored name: ``Adam/m/dense/kernel:0`` (tf.keras 2.11+) or ``training/Adam/dense/kernel/m:0``."""
    parts = re.sub(r":\d+$", "", name).split("/")
    if modern:
        return parts[1] if len(parts) > 2 else None
    return parts[-1] if len(parts) > 2 else None


def tf_keras_state(legacy, class_name, variables):
    """The optimizer state tf.keras saved, by role (``Source.optimizer_state``'s answer).

    tf.keras stored ``optimizer.weights``: the iteration count first (``iter``; ``iteration`` from
    2.11), Nadam's ``momentum_cache`` scalar under OptimizerV2 (rebuilt here from the count, as
    ``training.restore_momentum_schedule`` does for every era), then the slots, each named with its kind
    and its variable (OptimizerV2: every variable's ``m``, then every variable's ``v``; 2.11+: variable by
    variable). The slots of each kind keep the order of the model's trainable weights.

    Args:
        legacy: the ``LegacyFile``.
        class_name: the optimizer class (not one of ``TF_KERAS_SLOTS``: nothing restored, a warning).
        variables: the model's trainable variables.

    Returns:
        ``(iterations or None, {role: [array per variable]})``; ``(None, {})`` with a warning where the file
        holds a slot kind this table does not know.

    Raises:
        WeightMismatchError: the stored slots do not fit ``variables``.

    Example:

    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> names = ["iteration:0", "Adam/m/d/kernel:0", "Adam/v/d/kernel:0", "Adam/m/d/bias:0", "Adam/v/d/bias:0"]
    >>> legacy = SimpleNamespace(path="m.h5", optimizer_weights=[(n, np.zeros(())) for n in names])
    >>> iterations, by_role = tf_keras_state(legacy, "Adam", ["kernel", "bias"])
    >>> sorted(by_role), len(by_role["m"])
    (['m', 'v'], 2)
    """
    stored = list(legacy.optimizer_weights)
    if class_name not in TF_KERAS_SLOTS:
        warnings.warn("%s: the %s optimizer's state is not restored (only %s); training starts with fresh slots"
                      % (legacy.path, class_name, ", ".join(TF_KERAS_SLOTS)))
        return None, {}
    iterations, modern, by_role, unknown = None, False, {}, []
    for name, array in stored:
        found = _TF_KERAS_ITERATIONS.search(name)
        if found and array.shape == ():
            iterations, modern = int(array), found.group(1) == "iteration"
            continue
        if _TF_KERAS_SCHEDULE.search(name) and array.shape == ():
            continue
        role = TF_KERAS_SLOTS[class_name].get(_tf_keras_slot(name, modern))
        if role is None:
            unknown.append(name)
        else:
            by_role.setdefault(role, []).append(array)
    if unknown:
        warnings.warn("%s: the %s optimizer's slots %s have no counterpart in the optimizer compile=True builds (the "
                      "training config's other settings); training starts with fresh slots"
                      % (legacy.path, class_name, ", ".join(unknown[:3])))
        return None, {}
    if any(len(arrays) != len(variables) for arrays in by_role.values()):
        raise state_does_not_fit(legacy.path, class_name, stored, len(variables))
    return iterations, by_role
