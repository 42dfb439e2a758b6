"""The slot variables of the running Keras's optimizers, by the role Keras 2.0.8 gave them.

Keras 3 and tf.keras >= 2.11 keep per-variable lists on the optimizer (``_momentums``, ...);
tf.keras 2.8-2.10's ``OptimizerV2`` keeps named slots (``get_slot(var, "m")``).
"""

from .flavour import keras

#: Per optimizer class: Keras 2.0.8's slot roles, in its weight order -> (list attribute, OptimizerV2 slot).
_SLOTS = {
    "Adam": (("m", "_momentums", "m"), ("v", "_velocities", "v"), ("vhat", "_velocity_hats", "vhat")),
    "RMSprop": (("a", "_velocities", "rms"),),
    "Adagrad": (("a", "_accumulators", "accumulator"),),
    "SGD": (("moment", "momentums", "momentum"),),
    "Adadelta": (("a", "_accumulated_grads", "accum_grad"), ("delta", "_accumulated_delta_vars", "accum_var")),
    "Adamax": (("m", "_m", "m"), ("u", "_u", "v")),
    "Nadam": (("m", "_momentums", "m"), ("v", "_velocities", "v")),
}

#: Per optimizer class, its one-per-optimizer state by role (Keras 2.3's Nadam ``m_schedule``, the product
#: of the momentum schedule so far) -> the running optimizer's variable attribute (Keras 3, tf.keras >= 2.11;
#: tf.keras 2.8-2.10's OptimizerV2 keeps it under another name, then it is not restored).
_SCALARS = {"Nadam": {"m_schedule": "_u_product"}}


#: Whether the running Keras's optimizers are tf.keras 2.8-2.10's ``OptimizerV2`` (read from the class:
#: nothing is built at import).
OPTIMIZER_V2 = hasattr(keras.optimizers.SGD, "_create_all_weights")


def slot_roles(class_name):
    """Keras 2's slot roles for an optimizer class (Adam's ``vhat``: AMSGrad's, stored by 2.1-2.3)."""
    return [role for role, _, _ in _SLOTS[class_name]]


def build(optimizer, variables):
    """Create the optimizer's slot variables for ``variables`` (no update is applied)."""
    if hasattr(optimizer, "_create_all_weights"):  # OptimizerV2 (tf.keras 2.8-2.10)
        optimizer._create_all_weights(variables)
    else:
        optimizer.build(variables)


def slot_variables(optimizer, class_name, role, variables):
    """The optimizer's ``role`` slot for each of ``variables`` (a list, or None where it keeps none)."""
    for name, attribute, v2_slot in _SLOTS[class_name]:
        if name != role:
            continue
        found = getattr(optimizer, attribute, None)
        if found is not None:
            found = list(found)
            return found if len(found) == len(variables) else None
        if hasattr(optimizer, "get_slot"):
            try:
                return [optimizer.get_slot(v, v2_slot) for v in variables]
            except (KeyError, ValueError):
                return None
    return None


def scalar_variable(optimizer, class_name, role):
    """The optimizer's one ``role`` variable (``_SCALARS``), or None where this Keras keeps none."""
    attribute = _SCALARS.get(class_name, {}).get(role)
    return None if attribute is None else getattr(optimizer, attribute, None)


def is_scalar_role(class_name, role):
    """Whether ``role`` is one value per optimizer (``_SCALARS``), not a slot per variable."""
    return role in _SCALARS.get(class_name, {})


def inverse_time_decay(learning_rate, decay):
    """Keras 2.0.8's ``decay``: ``lr / (1 + decay * iterations)``, as a schedule."""
    return keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)
