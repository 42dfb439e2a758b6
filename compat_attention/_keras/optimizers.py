"""The slot variables of the running Keras's optimizers, by the role Keras 2.0.8 gave them.

Keras 3 and tf.keras >= 2.11 keep per-variable lists on the optimizer (``_momentums``, ...);
tf.keras 2.8-2.10's ``OptimizerV2`` keeps named slots (``get_slot(var, "m")``).
"""

from .flavour import keras

#: Per optimizer class: Keras 2.0.8's slot roles, in its weight order -> (list attribute, OptimizerV2 slot).
_SLOTS = {
    "Adam": (("m", "_momentums", "m"), ("v", "_velocities", "v")),
    "RMSprop": (("a", "_velocities", "rms"),),
    "Adagrad": (("a", "_accumulators", "accumulator"),),
    "SGD": (("moment", "momentums", "momentum"),),
    "Adadelta": (("a", "_accumulated_grads", "accum_grad"), ("delta", "_accumulated_delta_vars", "accum_var")),
    "Adamax": (("m", "_m", "m"), ("u", "_u", "v")),
    "Nadam": (("m", "_momentums", "m"), ("v", "_velocities", "v")),
    "Ftrl": (("accumulator", "_accumulators", "accumulator"), ("linear", "_linears", "linear")),  # tf.keras only
}

#: Slots that only some files store, not in ``slot_roles``: Keras 2.1-2.3's and tf.keras's AMSGrad ``vhat`` (restored
#: where the file's Adam had ``amsgrad=True``, then the running Adam keeps them too); tf.keras's RMSprop ``momentum``
#: and centered ``mg`` (where its config had momentum > 0 or ``centered=True``, which the running RMSprop is given).
_OPTIONAL_SLOTS = {"Adam": (("vhat", "_velocity_hats", "vhat"),),
                   "RMSprop": (("momentum", "_momentums", "momentum"), ("mg", "_average_gradients", "mg"))}


#: Whether the running Keras's optimizers are tf.keras 2.8-2.10's ``OptimizerV2`` (read from the class:
#: nothing is built at import).
OPTIMIZER_V2 = hasattr(keras.optimizers.SGD, "_create_all_weights")


def slot_roles(class_name):
    """Keras 2.0.8's slot roles for an optimizer class, in the order it stored them."""
    return [role for role, _, _ in _SLOTS[class_name]]


def build(optimizer, variables):
    """Create the optimizer's slot variables for ``variables`` (no update is applied)."""
    if hasattr(optimizer, "_create_all_weights"):  # OptimizerV2 (tf.keras 2.8-2.10)
        optimizer._create_all_weights(variables)
    else:
        optimizer.build(variables)


def slot_variables(optimizer, class_name, role, variables):
    """The optimizer's ``role`` slot for each of ``variables`` (a list, or None where it keeps none)."""
    if hasattr(optimizer, "slot_variable"):  # compat_attention.legacy.optimizers: slots named by Keras 2.0.8's roles
        return [optimizer.slot_variable(v, role) for v in variables]
    for name, attribute, v2_slot in _SLOTS[class_name] + _OPTIONAL_SLOTS.get(class_name, ()):
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


def inverse_time_decay(learning_rate, decay):
    """Keras 2.0.8's ``decay``: ``lr / (1 + decay * iterations)``, as a schedule."""
    return keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)


def set_momentum_product(optimizer, product):
    """Set a built Nadam's product of its momentum schedule where the running Keras keeps one (Keras 3 and
    tf.keras 2.11+: ``_u_product``; OptimizerV2's Nadam computes another schedule and is left as it is)."""
    if hasattr(optimizer, "_u_product"):
        optimizer._u_product.assign(product)
