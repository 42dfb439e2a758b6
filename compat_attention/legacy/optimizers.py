"""Keras 2.0.8's optimizers, computing Keras 2.0.8's update, on every Keras this package supports.

A program migrated by ``compat-attention migrate`` trains as it did in 2017:
``from compat_attention.legacy.optimizers import Adam`` and ``Adam(learning_rate=0.01)`` (or
``lr=0.01``, Keras 2.0's name, or the arguments by position in Keras 2.0.8's order). Each class
has Keras 2.0.8's defaults and formula (``keras/optimizers.py`` of Keras 2.0.8), which today's
optimizers of the same name do not all have:

========  =====================================================  ===================================
class     Keras 2.0.8 (kept here)                                today (Keras 3, tf.keras >= 2.11)
========  =====================================================  ===================================
SGD       lr 0.01; ``clipnorm``: the global norm of all           ``clipnorm`` clips each gradient
          gradients                                               by its own norm
RMSprop   epsilon 1e-8; ``g / (sqrt(a) + epsilon)``               1e-7; ``g / sqrt(a + epsilon)``
Adagrad   lr 0.01, epsilon 1e-8, accumulator from 0;              0.001, 1e-7, from 0.1;
          ``g / (sqrt(a) + epsilon)``                             ``g / sqrt(a + epsilon)``
Adadelta  lr 1.0, epsilon 1e-8                                    0.001, 1e-7
Adam      epsilon 1e-8                                            1e-7
Adamax    lr 0.002, epsilon 1e-8                                  0.001, 1e-7
Nadam     lr 0.002, epsilon 1e-8, ``schedule_decay`` 0.004        0.001, 1e-7, fixed at 0.004
========  =====================================================  ===================================

and on all of them: ``decay`` (``lr * (1 / (1 + decay * t))`` at update ``t``; Nadam has none),
``clipnorm``/``clipvalue`` as Keras 2.0.8 applied them, and a sparse gradient (an
``Embedding``'s) accumulated densely: a token repeated in a batch gets the square of its summed
gradient, not the sum of the squares (Keras 3's slice-by-slice update). The classes are
registered (``compat_attention>LegacyAdam``, ...), so a compiled model saves and reloads with
its optimizer once ``compat_attention`` is imported. ``tests/legacy/test_legacy_optimizers.py``
checks each update step by step against a NumPy statement of Keras 2.0.8's formulas.

``legacy_decay(lr, decay)`` is Keras 2.0's ``decay`` as a schedule for today's optimizers (what
``migrate --modern-defaults`` writes).
"""

from compat_attention._keras.optimizer_base import LegacyOptimizer, constant as _const, ops, register_optimizer
from compat_attention._keras.optimizers import inverse_time_decay

__all__ = ["SGD", "Adadelta", "Adagrad", "Adam", "Adamax", "Nadam", "RMSprop", "legacy_decay"]


def legacy_decay(learning_rate, decay):
    """The learning rate of a Keras 2.0 optimizer built with ``lr=learning_rate, decay=decay``.

    Args:
        learning_rate: the initial learning rate (Keras 2.0's ``lr``).
        decay: Keras 2.0's ``decay``; 0 means a constant rate.

    Returns:
        ``learning_rate`` itself when ``decay`` is 0, else
        ``keras.optimizers.schedules.InverseTimeDecay(learning_rate, decay_steps=1,
        decay_rate=decay)``, which gives ``learning_rate / (1 + decay * step)`` at step ``step``.
    """
    if decay < 0:
        raise ValueError("decay must be >= 0, got %r." % (decay,))
    if not decay:
        return learning_rate
    return inverse_time_decay(learning_rate, decay)


def _rate(learning_rate, lr):
    """``learning_rate``, or Keras 2.0's ``lr`` where a program passed that."""
    return learning_rate if lr is None else lr


def _epsilon(epsilon):
    """Keras 2.0.8's ``epsilon``; None (Keras 2.1.5+: the backend's epsilon) is 1e-7."""
    return 1e-7 if epsilon is None else float(epsilon)


@register_optimizer
class SGD(LegacyOptimizer):
    """Keras 2.0.8's SGD: ``v = momentum * v - lr * g``; ``p += v`` (Nesterov: ``momentum * v - lr * g``).

    Args:
        learning_rate: the learning rate (``lr`` is accepted too).
        momentum: 0 for plain SGD.
        decay: the rate at update ``t`` is ``learning_rate * (1 / (1 + decay * t))``.
        nesterov: Nesterov momentum.
        clipnorm: scale all gradients by ``clipnorm / n`` when their global norm ``n`` reaches it.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        name: the optimizer's name.

    Example:
        >>> model.compile(loss="mse", optimizer=SGD(learning_rate=0.1, momentum=0.9, decay=1e-4))  # doctest: +SKIP
    """

    SLOTS = ("moment",)
    HYPERPARAMETERS = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, decay=0.0, nesterov=False, clipnorm=None, clipvalue=None,
                 name="SGD", lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), decay, clipnorm, clipvalue, name, **kwargs)
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def legacy_update(self, p, g, slots, lr, t):
        """One SGD update of ``p`` by ``g`` at rate ``lr`` (Keras 2.0.8's formula); returns ``(new_p, slots)``."""
        momentum = _const(self.momentum, lr)
        velocity = momentum * slots["moment"] - lr * g
        new_p = p + momentum * velocity - lr * g if self.nesterov else p + velocity
        return new_p, {"moment": velocity}


@register_optimizer
class RMSprop(LegacyOptimizer):
    """Keras 2.0.8's RMSprop: ``a = rho * a + (1 - rho) * g**2``; ``p -= lr * g / (sqrt(a) + epsilon)``.

    Args:
        learning_rate: the learning rate (``lr`` is accepted too).
        rho: the decay of the running average of squared gradients.
        epsilon: added to ``sqrt(a)`` (outside the root, as Keras 2.0.8 did).
        decay, clipnorm, clipvalue, name: as for :class:`SGD`.
    """

    SLOTS = ("a",)
    HYPERPARAMETERS = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-8, decay=0.0, clipnorm=None, clipvalue=None,
                 name="RMSprop", lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), decay, clipnorm, clipvalue, name, **kwargs)
        self.rho, self.epsilon = float(rho), _epsilon(epsilon)

    def legacy_update(self, p, g, slots, lr, t):
        """One RMSprop update: ``a = rho * a + (1 - rho) * g**2``, ``p - lr * g / (sqrt(a) + epsilon)``."""
        rho = _const(self.rho, lr)
        new_a = rho * slots["a"] + (1.0 - rho) * ops.square(g)
        return p - lr * g / (ops.sqrt(new_a) + self.epsilon), {"a": new_a}


@register_optimizer
class Adagrad(LegacyOptimizer):
    """Keras 2.0.8's Adagrad: ``a += g**2`` from 0; ``p -= lr * g / (sqrt(a) + epsilon)``.

    Args:
        learning_rate: the learning rate (``lr`` is accepted too).
        epsilon: added to ``sqrt(a)``.
        decay, clipnorm, clipvalue, name: as for :class:`SGD`.
    """

    SLOTS = ("a",)
    HYPERPARAMETERS = ("epsilon",)

    def __init__(self, learning_rate=0.01, epsilon=1e-8, decay=0.0, clipnorm=None, clipvalue=None, name="Adagrad",
                 lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), decay, clipnorm, clipvalue, name, **kwargs)
        self.epsilon = _epsilon(epsilon)

    def legacy_update(self, p, g, slots, lr, t):
        """One Adagrad update: ``a += g**2``, ``p - lr * g / (sqrt(a) + epsilon)``."""
        new_a = slots["a"] + ops.square(g)
        return p - lr * g / (ops.sqrt(new_a) + self.epsilon), {"a": new_a}


@register_optimizer
class Adadelta(LegacyOptimizer):
    """Keras 2.0.8's Adadelta (learning rate 1.0): ``p -= lr * g * sqrt(d + eps) / sqrt(a + eps)``.

    ``a`` is the running average of squared gradients (updated first), ``d`` that of squared
    updates (updated after, from the old ``d``).

    Args:
        learning_rate: the learning rate (``lr`` is accepted too); 1.0 as in the paper.
        rho: the decay of both running averages.
        epsilon: inside both roots.
        decay, clipnorm, clipvalue, name: as for :class:`SGD`.
    """

    SLOTS = ("a", "d_a")
    HYPERPARAMETERS = ("rho", "epsilon")

    def __init__(self, learning_rate=1.0, rho=0.95, epsilon=1e-8, decay=0.0, clipnorm=None, clipvalue=None,
                 name="Adadelta", lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), decay, clipnorm, clipvalue, name, **kwargs)
        self.rho, self.epsilon = float(rho), _epsilon(epsilon)

    def legacy_update(self, p, g, slots, lr, t):
        """One Adadelta update (Keras 2.0.8's: ``rho`` a Python float, ``epsilon`` inside both roots)."""
        # Keras 2.0.8 kept Adadelta's rho as a Python float: 1 - rho is computed before the cast.
        new_a = self.rho * slots["a"] + (1.0 - self.rho) * ops.square(g)
        update = g * ops.sqrt(slots["d_a"] + self.epsilon) / ops.sqrt(new_a + self.epsilon)
        new_d_a = self.rho * slots["d_a"] + (1.0 - self.rho) * ops.square(update)
        return p - lr * update, {"a": new_a, "d_a": new_d_a}


@register_optimizer
class Adam(LegacyOptimizer):
    """Keras 2.0.8's Adam (epsilon 1e-8, outside the root).

    ``lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` at update ``t`` (1-based);
    ``m = beta_1 * m + (1 - beta_1) * g``; ``v = beta_2 * v + (1 - beta_2) * g**2``;
    ``p -= lr_t * m / (sqrt(v) + epsilon)``.

    Args:
        learning_rate: the learning rate (``lr`` is accepted too).
        beta_1, beta_2: the decays of the first and second moment estimates.
        epsilon: added to ``sqrt(v)``.
        decay, clipnorm, clipvalue, name: as for :class:`SGD`.
    """

    SLOTS = ("m", "v")
    HYPERPARAMETERS = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=0.0, clipnorm=None,
                 clipvalue=None, name="Adam", lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), decay, clipnorm, clipvalue, name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), _epsilon(epsilon)

    def legacy_update(self, p, g, slots, lr, t):
        """One Adam update: ``lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)``, ``p - lr_t * m / (sqrt(v) + epsilon)``."""
        beta_1, beta_2, t = _const(self.beta_1, lr), _const(self.beta_2, lr), t + 1.0
        lr_t = lr * (ops.sqrt(1.0 - ops.power(beta_2, t)) / (1.0 - ops.power(beta_1, t)))
        m = beta_1 * slots["m"] + (1.0 - beta_1) * g
        v = beta_2 * slots["v"] + (1.0 - beta_2) * ops.square(g)
        return p - lr_t * m / (ops.sqrt(v) + self.epsilon), {"m": m, "v": v}


@register_optimizer
class Adamax(LegacyOptimizer):
    """Keras 2.0.8's Adamax (learning rate 0.002): Adam with the infinity norm.

    ``u = max(beta_2 * u, |g|)``; ``p -= lr / (1 - beta_1**t) * m / (u + epsilon)``.

    Args:
        learning_rate, beta_1, beta_2, epsilon, decay, clipnorm, clipvalue, name: as for :class:`Adam`.
    """

    SLOTS = ("m", "u")
    HYPERPARAMETERS = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=0.0, clipnorm=None,
                 clipvalue=None, name="Adamax", lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), decay, clipnorm, clipvalue, name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), _epsilon(epsilon)

    def legacy_update(self, p, g, slots, lr, t):
        """One Adamax update: ``u = max(beta_2 * u, |g|)``, ``p - lr / (1 - beta_1**t) * m / (u + epsilon)``."""
        beta_1, beta_2, t = _const(self.beta_1, lr), _const(self.beta_2, lr), t + 1.0
        lr_t = lr / (1.0 - ops.power(beta_1, t))
        m = beta_1 * slots["m"] + (1.0 - beta_1) * g
        u = ops.maximum(beta_2 * slots["u"], ops.abs(g))
        return p - lr_t * m / (u + self.epsilon), {"m": m, "u": u}


@register_optimizer
class Nadam(LegacyOptimizer):
    """Keras 2.0.8's Nadam (learning rate 0.002, its own ``schedule_decay``, no ``decay``).

    The momentum at update ``t`` is ``mu_t = beta_1 * (1 - 0.5 * 0.96**(t * schedule_decay))``;
    ``m_schedule`` is the product of the ``mu`` so far (kept per variable here: every copy holds
    the same number).

    Args:
        learning_rate, beta_1, beta_2, epsilon, clipnorm, clipvalue, name: as for :class:`Adam`.
        schedule_decay: the warming of the momentum schedule.
    """

    SLOTS = ("m", "v")
    SCALAR_SLOTS = ("m_schedule",)
    HYPERPARAMETERS = ("beta_1", "beta_2", "epsilon", "schedule_decay")
    HAS_DECAY = False

    def __init__(self, learning_rate=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8, schedule_decay=0.004,
                 clipnorm=None, clipvalue=None, name="Nadam", lr=None, **kwargs):
        super().__init__(_rate(learning_rate, lr), 0.0, clipnorm, clipvalue, name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = float(beta_1), float(beta_2), _epsilon(epsilon)
        self.schedule_decay = float(schedule_decay)

    def momentum_product(self, steps):
        """The product of the momenta of updates 1..``steps`` (``m_schedule`` after them), as a Python float:
        what a reloaded file's count of updates rebuilds (Keras 1.2-2.2 and OptimizerV2 did not save it)."""
        product = 1.0
        for t in range(1, steps + 1):
            product *= self.beta_1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))
        return product

    def legacy_update(self, p, g, slots, lr, t):
        """One Nadam update with Keras 2.0.8's momentum schedule (``schedule_decay``)."""
        beta_1, beta_2, t = _const(self.beta_1, lr), _const(self.beta_2, lr), t + 1.0
        base = _const(0.96, lr)
        momentum_t = beta_1 * (1.0 - 0.5 * ops.power(base, t * self.schedule_decay))
        momentum_next = beta_1 * (1.0 - 0.5 * ops.power(base, (t + 1.0) * self.schedule_decay))
        m_schedule = slots["m_schedule"]
        schedule_new = m_schedule * momentum_t
        schedule_next = m_schedule * momentum_t * momentum_next
        g_prime = g / (1.0 - schedule_new)
        m = beta_1 * slots["m"] + (1.0 - beta_1) * g
        m_prime = m / (1.0 - schedule_next)
        v = beta_2 * slots["v"] + (1.0 - beta_2) * ops.square(g)
        v_prime = v / (1.0 - ops.power(beta_2, t))
        m_bar = (1.0 - momentum_t) * g_prime + momentum_next * m_prime
        return p - lr * m_bar / (ops.sqrt(v_prime) + self.epsilon), {"m": m, "v": v, "m_schedule": schedule_new}
