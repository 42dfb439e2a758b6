"""Keras 2.0's optimizer ``decay`` argument, which Keras 3 removed.

Keras 2.0 optimizers took ``decay`` and used ``lr / (1 + decay * iterations)`` at each update,
``iterations`` counting the updates done before (0 at the first). ``SGD(lr=0.01, decay=1e-6)``
becomes ``SGD(learning_rate=legacy_decay(0.01, 1e-6))``.
"""

from compat_attention._keras.optimizers import inverse_time_decay

__all__ = ["legacy_decay"]


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
