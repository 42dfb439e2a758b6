"""Keras 2.0's ``keras.utils.to_categorical`` and ``keras.utils.normalize``, in NumPy."""

import numpy as np

__all__ = ["normalize", "to_categorical"]


def to_categorical(y, num_classes=None):
    """One-hot rows for integer class ids, as Keras 2.0.8 made them.

    Keras 2.0.8 flattened ``y`` first, so the result is always 2-D ``(y.size, num_classes)``
    (Keras 2.1+ kept ``y``'s shape and added a last axis) and of dtype float64.

    Args:
        y: class ids, any shape (a (n, 1) column is the usual case), integers from 0.
        num_classes: the number of classes; None means ``max(y) + 1``.

    Returns:
        A float64 NumPy array of shape ``(y.size, num_classes)``.

    Raises:
        ValueError: a class id is negative or not below ``num_classes`` (2.0.8 wrapped negative
            ids around silently and raised IndexError for too large ones).
    """
    y = np.array(y, dtype="int").ravel()
    if not num_classes:
        num_classes = int(np.max(y)) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError("to_categorical: class ids must be in [0, %d), got min %d, max %d."
                         % (num_classes, y.min(), y.max()))
    out = np.zeros((y.shape[0], num_classes))
    out[np.arange(y.shape[0]), y] = 1
    return out


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its ``order``-norm along ``axis`` (a zero norm leaves the values unchanged)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
