"""Keras 1's ``Merge`` layer (``keras.legacy.layers.Merge`` in Keras 2.0-2.1), which Keras 2.2 removed.

``LegacyMerge`` computes each of its built-in modes as Keras 1.2.2 did on TensorFlow (and Keras 2.0.8's
legacy ``Merge``, which was the same code): ``sum``, ``mul``, ``ave``, ``max``, ``concat``, ``dot`` and
``cos``, with Keras 1's masks. ``dot`` and ``cos`` use Keras 1's ``batch_dot``, and ``cos`` keeps its
shape quirk: it returns ``(batch, 1, 1)`` for two ``(batch, d)`` inputs (Keras 1 declared
``(batch, 1)``; files reshape it). A ``Merge`` whose mode is a Python function holds marshaled bytecode
and is refused by the loader before it gets here. Found by the loader (``io/sources/``) under the
class name ``Merge``.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.keras_ops import ops

__all__ = ["LegacyMerge", "MODES"]

#: The built-in modes of Keras 1's ``Merge``.
MODES = ("sum", "mul", "concat", "ave", "cos", "dot", "max")

#: Keras 1's ``K.epsilon()``, the floor of ``cos``' denominator.
_EPSILON = 1e-7


def _pair(dot_axes):
    return [int(a) for a in dot_axes] if isinstance(dot_axes, (list, tuple)) else [int(dot_axes)] * 2


def _swap_last_two(x):
    rank = len(x.shape)
    return ops.transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])


def keras1_batch_dot(x, y, axes):
    """Keras 1.2.2's ``K.batch_dot`` on TensorFlow, for rank-2 and rank-3 inputs.

    Rank 2: ``sum(x * y, axis)`` as ``(batch, 1)``. Rank 3: a batched matrix product, ``x`` transposed
    unless its summed axis is its last, ``y`` transposed when its summed axis is its last.

    Raises:
        ValueError: inputs of other ranks (Keras 1's backends computed them differently from each
            other), or rank-2 inputs summed over different axes.
    """
    axes = [a % len(x.shape) if a < 0 else a for a in _pair(axes)]
    if len(x.shape) == 2 and len(y.shape) == 2:
        if axes[0] != axes[1]:
            raise ValueError("Keras 1's batch_dot of two rank-2 tensors over axes %s is not reproduced" % axes)
        return ops.expand_dims(ops.sum(x * y, axis=axes[0]), 1)
    if len(x.shape) != 3 or len(y.shape) != 3:
        raise ValueError("Merge mode 'dot'/'cos' of rank-%d and rank-%d tensors: Keras 1's backends computed "
                         "batch_dot differently there; only ranks 2 and 3 are reproduced" % (len(x.shape), len(y.shape)))
    left = _swap_last_two(x) if axes[0] != 2 else x
    right = _swap_last_two(y) if axes[1] == 2 else y
    return ops.matmul(left, right)


def _all_masks(masks):
    present = [m for m in masks if m is not None]
    out = present[0]
    for mask in present[1:]:
        out = ops.logical_and(out, mask)
    return out


@register_serializable(name="LegacyMerge")
class LegacyMerge(keras.layers.Layer):
    """Keras 1's ``Merge`` of two or more tensors by a built-in mode.

    Args:
        mode: one of ``MODES``.
        concat_axis: the axis of ``concat``.
        dot_axes: the summed axes of ``dot`` and ``cos`` (an int: the same axis of both).

    Example:

    >>> import numpy as np
    >>> a, b = np.ones((2, 3), "float32"), np.full((2, 3), 2.0, "float32")
    >>> np.asarray(LegacyMerge(mode="ave")([a, b]))[0].tolist()
    [1.5, 1.5, 1.5]
    >>> LegacyMerge(mode="cos", dot_axes=[1, 1])([a, b]).shape
    (2, 1, 1)
    """

    def __init__(self, mode="sum", concat_axis=-1, dot_axes=-1, **kwargs):
        for key in ("mode_type", "output_shape", "output_shape_type", "output_mask", "output_mask_type", "arguments",
                    "layers", "node_indices", "tensor_indices"):
            kwargs.pop(key, None)  # what Keras 1 saved for function modes, and its Sequential branches
        super().__init__(**kwargs)
        if mode not in MODES:
            raise ValueError("Merge mode %r is not one of Keras 1's built-in modes %s" % (mode, ", ".join(MODES)))
        self.supports_masking = True
        self.mode, self.concat_axis, self.dot_axes = mode, int(concat_axis), dot_axes

    def _axes(self, inputs):
        if isinstance(self.dot_axes, (list, tuple)):
            return _pair(self.dot_axes)
        axis = int(self.dot_axes)
        return [axis % len(inputs[0].shape), axis % len(inputs[1].shape)] if axis < 0 else [axis, axis]

    def call(self, inputs):
        inputs = list(inputs)
        if self.mode in ("sum", "ave"):
            out = inputs[0]
            for x in inputs[1:]:
                out = out + x
            return out / len(inputs) if self.mode == "ave" else out
        if self.mode == "mul":
            out = inputs[0]
            for x in inputs[1:]:
                out = out * x
            return out
        if self.mode == "max":
            out = inputs[0]
            for x in inputs[1:]:
                out = ops.maximum(out, x)
            return out
        if self.mode == "concat":
            return ops.concatenate(inputs, axis=self.concat_axis)
        axes = self._axes(inputs)
        left, right = inputs[0], inputs[1]
        if self.mode == "dot":
            return keras1_batch_dot(left, right, axes)
        denominator = ops.sqrt(keras1_batch_dot(left, left, axes) * keras1_batch_dot(right, right, axes))
        denominator = ops.maximum(denominator, _EPSILON)
        return ops.expand_dims(keras1_batch_dot(left, right, axes) / denominator, 1)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        if self.mode in ("sum", "mul", "ave", "max"):
            return _all_masks(mask)
        if self.mode != "concat":
            return None
        expanded = []
        for x, m in zip(inputs, mask):
            if m is None:
                expanded.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                expanded.append(ops.expand_dims(ops.cast(m, "bool"), -1))
            else:
                expanded.append(ops.cast(m, "bool"))
        return ops.all(ops.concatenate(expanded, axis=self.concat_axis), axis=-1)

    def get_config(self):
        config = super().get_config()
        config.update(mode=self.mode, concat_axis=self.concat_axis, dot_axes=self.dot_axes)
        return config
