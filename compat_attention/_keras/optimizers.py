"""The slot variables of the running Keras's optimizers, by the role Keras 2.0.8 gave them.

Keras 3 and tf.keras >= 2.11 keep per-variable lists on the optimizer (``_momentums``, ...);
tf.keras 2.8-2.10's ``OptimizerV2`` keeps named slots (``get_slot(var, "m")``).
"""

from .flavour import KERAS_3, keras, register_serializable, tf

#: Per optimizer class: Keras 2.0.8's slot roles, in its weight order -> (list attribute, OptimizerV2 slot).
_SLOTS = {
    "Adam": (("m", "_momentums", "m"), ("v", "_velocities", "v")),
    "RMSprop": (("a", "_velocities", "rms"),),
    "Adagrad": (("a", "_accumulators", "accumulator"),),
    "SGD": (("moment", "momentums", "momentum"),),
    "Adadelta": (("a", "_accumulated_grads", "accum_grad"), ("delta", "_accumulated_delta_vars", "accum_var")),
    "Adamax": (("m", "_m", "m"), ("u", "_u", "v")),
    "Nadam": (("m", "_momentums", "m"), ("v", "_velocities", "v")),
}


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


def inverse_time_decay(learning_rate, decay):
    """Keras 2.0.8's ``decay``: ``lr / (1 + decay * iterations)``, as a schedule."""
    return keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)


def set_momentum_schedule(optimizer, product):
    """Set a built Nadam's momentum-schedule product (``m_schedule`` in Keras 1 and 2.0)."""
    (optimizer._m_cache if OPTIMIZER_V2 else optimizer._u_product).assign(product)


def _keras3_nadam():
    ops = keras.ops

    class LegacyNadam(keras.optimizers.Nadam):
        def __init__(self, schedule_decay=0.004, **kwargs):
            super().__init__(**kwargs)
            self.schedule_decay = float(schedule_decay)

        def _momentum(self, step, dtype):
            return ops.cast(self.beta_1, dtype) * (1.0 - 0.5 * ops.power(ops.cast(0.96, dtype), step * self.schedule_decay))

        def _backend_update_step(self, grads, trainable_variables, learning_rate):
            dtype = self._u_product.dtype
            self.assign(self._u_product, self._u_product * self._momentum(ops.cast(self.iterations + 1, dtype), dtype))
            super(keras.optimizers.Nadam, self)._backend_update_step(grads, trainable_variables, learning_rate)

        def update_step(self, gradient, variable, learning_rate):
            dtype = variable.dtype
            lr, gradient = ops.cast(learning_rate, dtype), ops.cast(gradient, dtype)
            step = ops.cast(self.iterations + 1, dtype)
            u_t, u_next = self._momentum(step, dtype), self._momentum(step + 1, dtype)
            product = ops.cast(self._u_product, dtype)
            m = self._momentums[self._get_variable_index(variable)]
            v = self._velocities[self._get_variable_index(variable)]
            self.assign_add(m, (gradient - m) * (1 - self.beta_1))
            self.assign_add(v, (ops.square(gradient) - v) * (1 - self.beta_2))
            m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * gradient / (1 - product)
            v_hat = v / (1 - ops.power(ops.cast(self.beta_2, dtype), step))
            self.assign_sub(variable, m_hat * lr / (ops.sqrt(v_hat) + self.epsilon))

        def get_config(self):
            return dict(super().get_config(), schedule_decay=self.schedule_decay)

    return LegacyNadam


def _tf_keras_nadam():
    class LegacyNadam(keras.optimizers.Nadam):
        def __init__(self, schedule_decay=0.004, **kwargs):
            super().__init__(**kwargs)
            self.schedule_decay = float(schedule_decay)

        def _momentum(self, step, dtype):
            return tf.cast(self.beta_1, dtype) * (1.0 - 0.5 * tf.pow(tf.cast(0.96, dtype), step * self.schedule_decay))

        def update_step(self, gradient, variable):
            # _u_product holds the product up to the previous step; every variable's update reads it, the
            # last one (program order orders the reads before) stores this step's.
            dtype = variable.dtype
            step = tf.cast(self.iterations + 1, dtype)
            u_t, u_next = self._momentum(step, dtype), self._momentum(step + 1, dtype)
            product = tf.cast(self._u_product, dtype) * u_t
            index = self._index_dict[self._var_key(variable)]
            m, v = self._momentums[index], self._velocities[index]
            m.assign_add((gradient - m) * (1 - self.beta_1))
            v.assign_add((tf.square(gradient) - v) * (1 - self.beta_2))
            m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * gradient / (1 - product)
            v_hat = v / (1 - tf.pow(tf.cast(self.beta_2, dtype), step))
            variable.assign_sub(m_hat * tf.cast(self.learning_rate, dtype) / (tf.sqrt(v_hat) + self.epsilon))
            if index == len(self._momentums) - 1:
                self._u_product.assign(tf.cast(product, self._u_product.dtype))

        def get_config(self):
            return dict(super().get_config(), schedule_decay=self.schedule_decay)

    return LegacyNadam


#: Keras 1's and 2.0's Nadam (momentum schedule ``0.96 ** (t * schedule_decay)``) on the running Keras,
#: where its own Nadam computes ``0.96 ** t`` (Keras 3, tf.keras >= 2.11); None on ``OptimizerV2``, whose
#: Nadam takes ``schedule_decay`` as Keras 1 did.
LegacyNadam = None if OPTIMIZER_V2 else register_serializable(name="LegacyNadam")(
    _keras3_nadam() if KERAS_3 else _tf_keras_nadam())
