"""The optimizer state standalone Keras 2 saved under ``optimizer_weights``, read by role.

Standalone Keras 2 (2.0.x to 2.3.x) saved ``optimizer.weights``: for most classes the iteration
count first (a scalar named ``<Class>/iterations:0``), then each slot kind for every trainable
weight in turn, in the order the optimizer's ``get_updates`` made them (``KERAS_2_SLOTS``). Each
source (``io/sources/``) says which of its producers' layouts it reads and hands
``Source.optimizer_state`` the pieces from here; ``training.restore_slots`` sets them.
Roles are ``_keras.optimizers``' names for the running optimizer's slots.
"""

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
