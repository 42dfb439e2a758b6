"""The running Keras's optimizer base class, with what Keras 2.0.8's optimizers need of it.

``compat_attention.legacy.optimizers`` writes each Keras 2.0.8 update once, as a function from
the old values to the new ones (``legacy_update``); :class:`LegacyOptimizer` runs it on whichever
optimizer machinery the running Keras has:

* Keras 3 (TensorFlow, JAX, PyTorch): ``keras.optimizers.Optimizer`` (``build``, ``update_step``,
  ``apply``);
* tf.keras 2.11-2.15 and ``tf_keras``: the same class of tf.keras (``update_step`` without the
  learning rate, ``apply_gradients``);
* tf.keras 2.8-2.10: ``OptimizerV2`` (``_create_slots``, ``_resource_apply_dense``).

What is Keras 2.0.8's and the same on all of them (this module's :class:`_Legacy2017`):

* ``decay``: the learning rate at update ``t`` (0-based) is ``lr * (1 / (1 + decay * t))``;
* ``clipnorm``: every gradient scaled by ``clipnorm / n`` when the norm ``n`` of ALL gradients
  together reaches ``clipnorm`` (today's ``global_clipnorm``; today's ``clipnorm`` clips each
  gradient by its own norm); ``clipvalue``: each element clipped to ``[-clipvalue, clipvalue]``,
  after ``clipnorm``;
* a sparse gradient (an ``Embedding``'s, on TensorFlow) is made dense first, so that a row
  repeated in a batch gets the square of its summed gradient (Keras 3 squares the slices one by
  one: the sum of the squares).
"""

import types

from .flavour import KERAS_3, keras, register_serializable, tf
from .optimizers import OPTIMIZER_V2

__all__ = ["LegacyOptimizer", "constant", "ops", "register_optimizer"]

if KERAS_3:
    ops = keras.ops
else:
    #: The few ``keras.ops`` functions the legacy updates use, from TensorFlow on tf.keras 2.
    ops = types.SimpleNamespace(sqrt=tf.sqrt, square=tf.square, maximum=tf.maximum, abs=tf.abs, power=tf.pow,
                                cast=tf.cast, convert_to_tensor=tf.convert_to_tensor, sum=tf.reduce_sum,
                                clip=tf.clip_by_value, where=tf.where)


def register_optimizer(cls):
    """Register a legacy optimizer class as ``compat_attention>Legacy<Name>`` (saved models reload it)."""
    return register_serializable(name="Legacy" + cls.__name__)(cls)


def _dense(gradient):
    """A gradient as a dense tensor (TensorFlow hands an Embedding's as ``IndexedSlices``)."""
    if gradient is not None and tf is not None and isinstance(gradient, tf.IndexedSlices):
        return tf.convert_to_tensor(gradient)
    return gradient


def _dtype_name(dtype):
    """``'float32'`` for any dtype object (a TensorFlow ``DType``, a NumPy dtype) or name."""
    return getattr(dtype, "name", None) or str(dtype)


def _slot_name(variable, slot):
    """A unique name for a scalar slot (saved files key optimizer variables by name)."""
    name = getattr(variable, "path", None) or variable.name
    return "%s_%s" % (name.replace("/", "_").replace(":", "_"), slot)


def constant(value, like):
    """A Python number as a tensor of ``like``'s dtype (Keras 2.0.8 kept most hyperparameters in
    float32 variables: ``1 - beta_1`` is computed in float32)."""
    return ops.convert_to_tensor(value, dtype=_dtype_name(like.dtype))


def _serialize_rate(rate):
    """A learning rate for ``get_config``: a float, or a serialized schedule."""
    schedules = keras.optimizers.schedules
    if isinstance(rate, schedules.LearningRateSchedule):
        return schedules.serialize(rate)
    if hasattr(rate, "numpy"):
        return float(rate.numpy())
    return float(rate)


class _Legacy2017(object):
    """Keras 2.0.8's behaviour shared by every flavour: hyperparameters, ``decay``, clipping, config.

    A subclass sets ``SLOTS`` (per-variable state, zeros), ``SCALAR_SLOTS`` (per-variable scalars,
    ones) and ``HYPERPARAMETERS`` (constructor arguments saved in the config, besides
    ``learning_rate``, ``decay``, ``clipnorm`` and ``clipvalue``), and implements
    ``legacy_update(p, g, slots, lr, t)``.
    """

    SLOTS = ()
    SCALAR_SLOTS = ()
    HYPERPARAMETERS = ()
    #: Whether the class took Keras 2.0.8's ``decay`` argument (Nadam did not).
    HAS_DECAY = True

    def _set_legacy(self, decay, clipnorm, clipvalue):
        if decay is None or decay < 0:
            raise ValueError("decay must be a number >= 0, got %r." % (decay,))
        for name, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue)):
            if value is not None and value < 0:
                raise ValueError("%s must be >= 0, got %r." % (name, value))
        self.decay, self.legacy_clipnorm, self.legacy_clipvalue = float(decay), clipnorm, clipvalue

    def legacy_gradients(self, gradients):
        """Keras 2.0.8's gradients: dense, clipped by the global norm, then by value."""
        gradients = [_dense(g) for g in gradients]
        present = [g for g in gradients if g is not None]
        if self.legacy_clipnorm and present:
            norm = ops.sqrt(sum(ops.sum(ops.square(g)) for g in present))
            limit = self.legacy_clipnorm
            gradients = [None if g is None else ops.where(norm >= limit, g * (limit / norm), g) for g in gradients]
        if self.legacy_clipvalue:
            value = self.legacy_clipvalue
            gradients = [None if g is None else ops.clip(g, -value, value) for g in gradients]
        return gradients

    def legacy_values(self, variable, gradient, slots, learning_rate, iterations):
        """The new values of ``variable`` and of its slots after one Keras 2.0.8 update.

        Args:
            variable: the model variable (its value before the update).
            gradient: its (dense, clipped) gradient.
            slots: ``{slot name: slot variable}``.
            learning_rate: the current learning rate (a schedule already evaluated), a tensor.
            iterations: the updates done before this one, as a float tensor.

        Returns:
            ``(new value, {slot name: new value})``.
        """
        dtype = _dtype_name(variable.dtype)
        lr = ops.cast(learning_rate, dtype)
        t = ops.cast(iterations, dtype)
        if self.HAS_DECAY and self.decay > 0:
            lr = lr * (1.0 / (1.0 + ops.convert_to_tensor(self.decay, dtype=dtype) * t))
        return self.legacy_update(variable, ops.cast(gradient, dtype), slots, lr, t)

    def legacy_update(self, p, g, slots, lr, t):
        raise NotImplementedError

    def get_config(self):
        config = {"name": getattr(self, "name", None) or self._name, "learning_rate": self._rate_config(), "clipnorm": self.legacy_clipnorm,
                  "clipvalue": self.legacy_clipvalue}
        if self.HAS_DECAY:
            config["decay"] = self.decay
        config.update((key, getattr(self, key)) for key in self.HYPERPARAMETERS)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = keras.optimizers.schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)


class _Keras3(_Legacy2017, keras.optimizers.Optimizer if KERAS_3 else object):
    """Keras 3: slots made in ``build``, the update in ``update_step``, gradients in ``apply``."""

    def __init__(self, learning_rate, decay, clipnorm, clipvalue, name, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self._set_legacy(decay, clipnorm, clipvalue)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        for slot in self.SLOTS:
            setattr(self, "_legacy_" + slot, [self.add_variable_from_reference(v, name=slot) for v in variables])
        for slot in self.SCALAR_SLOTS:
            setattr(self, "_legacy_" + slot, [self.add_variable(shape=(), initializer="ones", dtype=v.dtype,
                                                                name=_slot_name(v, slot)) for v in variables])

    def slot_variable(self, variable, slot):
        """The optimizer's ``slot`` variable for model variable ``variable``."""
        return getattr(self, "_legacy_" + slot)[self._get_variable_index(variable)]

    def _rate_config(self):
        return _serialize_rate(self._learning_rate)

    def apply(self, grads, trainable_variables=None):
        return super().apply(self.legacy_gradients(list(grads)), trainable_variables)

    def update_step(self, gradient, variable, learning_rate):
        slots = {slot: self.slot_variable(variable, slot) for slot in self.SLOTS + self.SCALAR_SLOTS}
        value, new = self.legacy_values(variable, gradient, slots, learning_rate, self.iterations)
        for slot, slot_value in new.items():
            self.assign(slots[slot], slot_value)
        self.assign(variable, value)


class _TfKeras(_Legacy2017, keras.optimizers.Optimizer if not KERAS_3 else object):
    """tf.keras 2.11-2.15 and tf_keras: ``build``, ``update_step(gradient, variable)``, ``apply_gradients``."""

    def __init__(self, learning_rate, decay, clipnorm, clipvalue, name, **kwargs):
        kwargs.pop("is_legacy_optimizer", None)
        super().__init__(name=name, **kwargs)
        self._learning_rate = self._build_learning_rate(learning_rate)
        self._set_legacy(decay, clipnorm, clipvalue)

    def build(self, var_list):
        super().build(var_list)
        if getattr(self, "_built", False):
            return
        for slot in self.SLOTS:
            setattr(self, "_legacy_" + slot, [self.add_variable_from_reference(v, slot) for v in var_list])
        for slot in self.SCALAR_SLOTS:
            setattr(self, "_legacy_" + slot, [self.add_variable_from_reference(v, slot, initial_value=tf.ones(
                (), dtype=v.dtype)) for v in var_list])
        self._built = True

    def slot_variable(self, variable, slot):
        return getattr(self, "_legacy_" + slot)[self._index_dict[self._var_key(variable)]]

    def _rate_config(self):
        return _serialize_rate(self._learning_rate)

    def apply_gradients(self, grads_and_vars, *args, **kwargs):
        grads_and_vars = list(grads_and_vars)
        gradients = self.legacy_gradients([g for g, _ in grads_and_vars])
        return super().apply_gradients(list(zip(gradients, [v for _, v in grads_and_vars])), *args, **kwargs)

    def update_step(self, gradient, variable):
        slots = {slot: self.slot_variable(variable, slot) for slot in self.SLOTS + self.SCALAR_SLOTS}
        value, new = self.legacy_values(variable, gradient, slots, self.learning_rate, self.iterations)
        for slot, slot_value in new.items():
            slots[slot].assign(slot_value)
        variable.assign(value)


class _OptimizerV2(_Legacy2017, keras.optimizers.Optimizer if OPTIMIZER_V2 else object):
    """tf.keras 2.8-2.10: ``_create_slots``, ``_resource_apply_dense``, ``apply_gradients``."""

    def __init__(self, learning_rate, decay, clipnorm, clipvalue, name, **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", learning_rate)
        self._set_legacy(decay, clipnorm, clipvalue)

    def _create_slots(self, var_list):
        for variable in var_list:
            for slot in self.SLOTS:
                self.add_slot(variable, slot)
            for slot in self.SCALAR_SLOTS:
                self.add_slot(variable, slot, initializer="ones", shape=())

    def slot_variable(self, variable, slot):
        return self.get_slot(variable, slot)

    def _rate_config(self):
        return self._serialize_hyperparameter("learning_rate")

    def apply_gradients(self, grads_and_vars, *args, **kwargs):
        grads_and_vars = list(grads_and_vars)
        gradients = self.legacy_gradients([g for g, _ in grads_and_vars])
        return super().apply_gradients(list(zip(gradients, [v for _, v in grads_and_vars])), *args, **kwargs)

    def _resource_apply_dense(self, grad, var, apply_state=None):
        slots = {slot: self.get_slot(var, slot) for slot in self.SLOTS + self.SCALAR_SLOTS}
        value, new = self.legacy_values(var, grad, slots, self._decayed_lr(var.dtype.base_dtype), self.iterations)
        updates = [slots[slot].assign(slot_value, read_value=False) for slot, slot_value in new.items()]
        return tf.group(var.assign(value, read_value=False), *updates)

    def _resource_apply_sparse(self, grad, var, indices, apply_state=None):
        dense = tf.convert_to_tensor(tf.IndexedSlices(grad, indices, tf.shape(var)))
        return self._resource_apply_dense(dense, var, apply_state)


#: The base class of the legacy optimizers on the running Keras.
LegacyOptimizer = _Keras3 if KERAS_3 else (_OptimizerV2 if OPTIMIZER_V2 else _TfKeras)
