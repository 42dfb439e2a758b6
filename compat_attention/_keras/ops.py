"""Tensor ops with one spelling on every flavour and backend (``ops.dot``, ``ops.softmax``, ...).

Also the few TensorFlow-executor facts the decoder's batch chains need (``chain_count``,
``if_rows_at_least``, ``cut_rows``), so that ``decoder/loops.py`` holds the policy and this
module the mechanics.
"""

import os
import types

import numpy as np

from .flavour import BACKEND, CAN_CUT_BATCH, KERAS_3, keras, tf


def _softmax(k, x, axis):
    if x.shape[axis] == 1:  # keras.ops.softmax warns on a size-1 axis (T=1 or output_dim=1)
        return k.ones_like(x)
    return k.softmax(x, axis=axis)


def _tf_softmax(x, axis=-1):
    """Softmax as exp / sum. TensorFlow with oneDNN rewrites its Softmax op into a oneDNN
    primitive that costs 3-15 microseconds more per call than these three plain ops
    on the decoder's small (B, T) and (B, O) tensors (benchmarks/ops_micro.py), and a step
    calls it twice. The max is a constant for the gradient: it cancels out mathematically."""
    x = x - tf.stop_gradient(tf.reduce_max(x, axis=axis, keepdims=True))
    e = tf.exp(x)
    return e / tf.reduce_sum(e, axis=axis, keepdims=True)


def _cumsum(sizes):
    total = 0
    for size in sizes:
        total += size
        yield total


def _keras3_split(x, sizes):
    if BACKEND == "tensorflow":
        # keras.ops.split turns static split points into a tensor and back (about 20 extra
        # graph ops per split); tf.split with the sizes is one SplitV.
        return tf.split(x, list(sizes), axis=-1)
    return keras.ops.split(x, list(_cumsum(sizes[:-1])), axis=-1)


def _keras3_concatenate(tensors, axis=-1):
    # Weights are read first: Keras 3.5's JAX backend cannot concatenate a KerasVariable
    # ("Could not convert <KerasVariable ...> to a NumPy dtype"); the other ops take them.
    # (A variable is whatever has ``assign``: a layer's weights there are the backend's own
    # Variable class, which ``keras.Variable`` does not cover.)
    values = [keras.ops.convert_to_tensor(t) if hasattr(t, "assign") else t for t in tensors]
    return keras.ops.concatenate(values, axis=axis)


def _keras3_ops():
    k = keras.ops
    return types.SimpleNamespace(
        cast=k.cast,
        clip=k.clip,
        concatenate=_keras3_concatenate,
        dot=lambda x, w: k.matmul(x, w),
        expand_dims=k.expand_dims,
        zeros=k.zeros,
        zeros_like=k.zeros_like,
        shape=k.shape,
        sigmoid=k.sigmoid,
        softmax=_tf_softmax if BACKEND == "tensorflow" else (lambda x, axis=-1: _softmax(k, x, axis)),
        einsum=k.einsum,
        sum=k.sum,
        # Split the last axis into pieces of the given sizes (one op; its gradient is one concat).
        split=_keras3_split,
        stack=lambda tensors, axis=0: k.stack(list(tensors), axis=axis),
        tanh=k.tanh,
        reshape=k.reshape,
        transpose=k.transpose,
        convert_to_tensor=k.convert_to_tensor,
        # A NumPy array from any backend's tensor (np.asarray fails on a torch tensor
        # that requires grad, which every eager layer call on the torch backend returns).
        convert_to_numpy=k.convert_to_numpy,
        dtype_of=lambda x: keras.backend.standardize_dtype(x.dtype),
    )


def _tf_ops():
    def dot(x, w):
        # A rank-2 ``w`` on any rank of ``x``: one 2D product over all leading axes. (tf.matmul
        # would broadcast a batched product, whose weight gradient is B products and a sum.)
        if x.shape.rank in (None, 2):
            return tf.matmul(x, w)
        out = tf.reshape(tf.matmul(tf.reshape(x, [-1, tf.shape(x)[-1]]), w),
                         tf.concat([tf.shape(x)[:-1], tf.shape(w)[-1:]], axis=0))
        out.set_shape(x.shape[:-1].concatenate(w.shape[-1:]))
        return out

    return types.SimpleNamespace(
        cast=tf.cast,
        clip=tf.clip_by_value,
        concatenate=lambda tensors, axis=-1: tf.concat(list(tensors), axis=axis),
        dot=dot,
        expand_dims=tf.expand_dims,
        zeros=tf.zeros,
        zeros_like=tf.zeros_like,
        shape=tf.shape,
        sigmoid=tf.sigmoid,
        softmax=_tf_softmax,
        einsum=tf.einsum,
        sum=tf.reduce_sum,
        split=lambda x, sizes: tf.split(x, list(sizes), axis=-1),
        stack=lambda tensors, axis=0: tf.stack(list(tensors), axis=axis),
        tanh=tf.tanh,
        reshape=tf.reshape,
        transpose=tf.transpose,
        convert_to_tensor=tf.convert_to_tensor,
        convert_to_numpy=lambda x: x.numpy() if hasattr(x, "numpy") else np.asarray(x),
        dtype_of=lambda x: tf.as_dtype(x.dtype).name,
    )


#: Tensor ops with one spelling on every flavour and backend.
ops = _keras3_ops() if KERAS_3 else _tf_ops()


def dropout_mask(shape, rate, dtype, seed=None):
    """A dropout mask of ``shape``: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
    if KERAS_3:
        return keras.random.dropout(keras.ops.ones(shape, dtype=dtype), rate, seed=seed)
    return tf.nn.dropout(tf.ones(shape, dtype=dtype), rate=rate, seed=seed)


def is_training(training):
    """Resolve a ``training`` argument to a Python bool; ``None`` means inference.

    Keras 2.0.8 read ``None`` as "the global learning phase", whose default was
    0 (inference). Modern Keras has no global learning phase, so ``None`` keeps
    that default. A symbolic boolean tensor is honoured on TensorFlow.
    """
    if training is None:
        return False
    if isinstance(training, (bool, int)):
        return bool(training)
    if tf is not None and tf.is_tensor(training):
        return training
    return bool(training)


def in_train_phase(train_fn, test_fn, training):
    """``train_fn()`` when training, else ``test_fn()`` (a symbolic flag picks at run time)."""
    flag = is_training(training)
    if isinstance(flag, bool):
        return train_fn() if flag else test_fn()
    return tf.cond(flag, train_fn, test_fn)


# -- TensorFlow's executor, for the decoder's batch chains ----------------------------------
def parallel_executor_cores():
    """How many independent op chains the running executor can keep busy at once, here.

    1 wherever a cut cannot help or is not possible: not TensorFlow, TF < 2.12 (see
    ``flavour.CAN_CUT_BATCH``), eager execution (ops run one by one), a visible GPU
    (twice the kernel launches), one core, or one inter-op thread.
    """
    if not CAN_CUT_BATCH or tf.executing_eagerly():
        return 1
    if (os.cpu_count() or 1) < 2 or tf.config.threading.get_inter_op_parallelism_threads() == 1:
        return 1
    if tf.config.list_logical_devices("GPU"):
        return 1
    return 2


def can_cut_here():
    """Whether a batch may be cut into chains in the current trace (TensorFlow >= 2.12, graph mode)."""
    return CAN_CUT_BATCH and not tf.executing_eagerly()


def if_rows_at_least(tensor, rows, big, small):
    """``big()`` when ``tensor`` has at least ``rows`` rows, else ``small()``.

    Decided once when the batch size is static; otherwise a ``tf.cond`` decides at
    run time (TensorFlow only), so a model traced for any batch size still runs a
    batch of 1 (the tutorial trains one pair at a time) the plain way.
    """
    size = tensor.shape[0]
    if size is not None:
        return big() if size >= rows else small()
    return tf.cond(tf.shape(tensor)[0] >= rows, big, small)


def cut_rows(tensor, pieces):
    """Cut ``tensor`` along its first (batch) axis into ``pieces`` near-equal parts.

    One op whose gradient is one concat (slices would each scatter their gradient
    into a zero tensor of the whole batch). TensorFlow only, like the cut itself.

    Args:
        tensor: a (B, ...) tensor; B may be known only at run time.
        pieces: the number of parts.

    Returns:
        A list of ``pieces`` tensors, in row order.
    """
    size = tf.shape(tensor)[0]
    sizes = tf.stack([size * (i + 1) // pieces - size * i // pieces for i in range(pieces)])
    return tf.split(tensor, sizes, num=pieces, axis=0)


# -- shared numerics -------------------------------------------------------------------------
# Added to the attention score of a padded step: exp() of it underflows to exactly 0 in
# float32 (``softmax_float32`` always computes in float32, so float16 policies are safe),
# while staying finite, so a row that is padded everywhere gives uniform weights, not NaN.
_PADDED_SCORE = -1e9


def padding_bias(mask):
    """Float32 scores to add before ``softmax_float32``: 0 where ``mask`` is true, -1e9 where not.

    Args:
        mask: a boolean (or 0/1) tensor, e.g. a Keras mask (B, T).

    Returns:
        A float32 tensor of the same shape.
    """
    return (1.0 - ops.cast(mask, "float32")) * _PADDED_SCORE


def softmax_float32(logits, bias=None):
    """Softmax over the last axis, computed in float32 whatever the compute dtype.

    Args:
        logits: a tensor (..., N).
        bias: None, or a float32 tensor added to the float32 logits first.

    Returns:
        The softmax, in the dtype of ``logits``.
    """
    dtype = ops.dtype_of(logits)
    if dtype != "float32":
        logits = ops.cast(logits, "float32")
    if bias is not None:
        logits = logits + bias
    probs = ops.softmax(logits)
    return probs if dtype == "float32" else ops.cast(probs, dtype)


def as_tuple(shape):
    """A static shape as a tuple of ints and Nones, from a ``TensorShape`` or a tuple."""
    if hasattr(shape, "as_list"):
        return tuple(shape.as_list())
    return tuple(shape)
