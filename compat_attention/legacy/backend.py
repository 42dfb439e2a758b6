"""Keras 2.0.x's ``keras.backend`` (``K``) on modern Keras, with Keras 2.0.8's semantics.

Migrated programs do ``from compat_attention.legacy import backend as K`` and keep their
custom metrics, losses and ``Lambda`` functions unchanged. Every function computes what
Keras 2.0.8's TensorFlow backend computed, on Keras 3 (TensorFlow, JAX, PyTorch backends)
and on tf.keras 2.8-2.15, including its dtype rules:

* comparisons and ``maximum``/``minimum`` of two different dtypes compare in a common dtype
  (``floatx()`` when either side is a float): Keras 3 hands custom metrics a float64
  ``y_true`` where Keras 2.0 had a ``floatx()`` placeholder, and Keras 2.0's TensorFlow
  refused mixed dtypes, so ``K.mean(K.equal(K.argmax(y_true), K.argmax(y_pred)))`` gives the
  2017 number;
* ``argmax``/``argmin`` return int64 (JAX: see below), ``mean``/``var``/``std`` of a bool
  tensor are ``floatx()``, ``mean`` of an integer tensor is the integer mean truncated toward
  zero;
* ``round`` rounds half to even, ``sqrt`` clips negatives to 0, ``hard_sigmoid`` has slope 0.2;
* the cross-entropies take ``(target, output)`` and clip probabilities to
  ``[epsilon(), 1 - epsilon()]`` as Keras 2.0.8 did (``categorical_crossentropy`` first
  rescales each row of ``output`` to sum to 1).

Where a Keras 2.0 function cannot exist any more (``gradients``: there is no graph to
differentiate), it raises ``NotImplementedError`` naming the replacement. ``__all__`` is
exactly what this module provides.

Differences from Keras 2.0.8, all documented on the function: ``zeros``/``ones`` return
constant tensors (2.0.8 made variables; creating variables inside a traced function fails
on TensorFlow 2), ``placeholder`` is a ``keras.Input``, ``learning_phase()`` is a marker
that ``function`` and ``in_train_phase`` understand, ``ctc_decode`` pads with -1 to the
longest decoded path as 2.0.8 did, ``variable`` of an integer or bool dtype is not trainable.

On the JAX backend:

* JAX without ``jax_enable_x64`` (its default) has no 64-bit dtypes: where this module says
  int64 (``argmax``, ``argmin``, ``ctc_decode``, the common dtype of two integer dtypes) JAX
  gives int32, and ``cast(x, 'float64')`` or ``set_floatx('float64')`` give float32 tensors.
  That is a fact of JAX, not of this module: set ``JAX_ENABLE_X64=1`` before importing JAX
  for the 64-bit dtypes.
* A ``Lambda`` built from these functions (``K.shape``, ``K.reshape``, ``K.batch_dot``,
  ``K.repeat``, ...) needs no ``output_shape``, as on the other backends: Keras traces it
  with a symbolic batch size, which ``shape`` hands on as a size and ``int_shape`` as None.
"""

import numpy as np

from compat_attention._keras import keras_ops as _lb  # keras.ops on every flavour, and what K needs besides

_ops = _lb.ops

__all__ = [
    "abs", "all", "any", "arange", "argmax", "argmin", "batch_dot", "batch_flatten",
    "batch_get_value", "batch_set_value", "binary_crossentropy", "cast", "categorical_crossentropy",
    "clear_session", "clip", "concatenate", "constant", "ctc_batch_cost", "ctc_decode", "cumprod",
    "cumsum", "dot", "dtype", "elu", "epsilon", "equal", "exp", "expand_dims", "flatten", "floatx",
    "function", "gather", "get_value", "gradients", "greater", "greater_equal", "hard_sigmoid",
    "image_data_format", "image_dim_ordering", "in_test_phase", "in_train_phase", "int_shape",
    "l2_normalize", "learning_phase", "less", "less_equal", "log", "logsumexp", "max", "maximum",
    "mean", "min", "minimum", "ndim", "not_equal", "one_hot", "ones", "ones_like",
    "permute_dimensions", "placeholder", "pow", "prod", "random_binomial", "random_normal",
    "random_uniform", "relu", "repeat", "repeat_elements", "reshape", "round", "set_epsilon",
    "set_floatx", "set_image_data_format", "set_image_dim_ordering", "set_learning_phase",
    "set_value", "shape", "sigmoid", "sign", "softmax", "softplus", "softsign",
    "sparse_categorical_crossentropy", "sqrt", "square", "squeeze", "stack", "std", "stop_gradient",
    "sum", "switch", "tanh", "tile", "transpose", "update", "update_add", "update_sub", "var",
    "variable", "zeros", "zeros_like",
]

_builtin_abs, _builtin_max, _builtin_min, _builtin_round = abs, max, min, round

# ---------------------------------------------------------------------------------------------
# Helpers.


def _t(x):
    """``x`` as a tensor of the running backend (tensors and variables pass through)."""
    if _ops.is_tensor(x):
        return x
    return _ops.convert_to_tensor(x)


def _is_int(dtype_name):
    return dtype_name.startswith("int") or dtype_name.startswith("uint")


def _is_float(dtype_name):
    return "float" in dtype_name


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _is_number(value):
    return isinstance(value, (bool, int, float, np.number)) and not _ops.is_tensor(value)


def _scalar_like(value, tensor):
    """A Python scalar as a tensor that pairs with ``tensor``."""
    kind = dtype(tensor)
    if isinstance(value, float) and not float(value).is_integer() and not _is_float(kind):
        return _ops.convert_to_tensor(value, dtype=floatx()), _ops.cast(tensor, floatx())
    return _ops.convert_to_tensor(np.asarray(value).astype(kind)), tensor


def _common(x, y):
    """``x`` and ``y`` as tensors of one dtype, chosen as Keras 2.0 programs expect.

    Equal dtypes are kept. A bool side takes the other's dtype; two integer dtypes become
    int64; any float involved makes both ``floatx()``, the dtype Keras 2.0 gave ``y_true``.
    """
    if _is_number(x) and not _is_number(y):
        y = _t(y)
        x, y = _scalar_like(x, y)
        return x, y
    if _is_number(y) and not _is_number(x):
        x = _t(x)
        y, x = _scalar_like(y, x)
        return x, y
    x, y = _t(x), _t(y)
    dx, dy = dtype(x), dtype(y)
    if dx == dy:
        return x, y
    if dx == "bool":
        return _ops.cast(x, dy), y
    if dy == "bool":
        return x, _ops.cast(y, dx)
    target = _lb.WIDEST_INT if _is_int(dx) and _is_int(dy) else floatx()
    return _ops.cast(x, target), _ops.cast(y, target)


def _value(x):
    return x() if callable(x) else x


# ---------------------------------------------------------------------------------------------
# Configuration.


def floatx():
    """The default float dtype as a string, ``'float32'`` unless ``set_floatx`` changed it."""
    return _lb.config.floatx()


def set_floatx(value):
    """Set the default float dtype (``'float16'``, ``'float32'`` or ``'float64'``).

    JAX without ``jax_enable_x64`` has no float64: after ``set_floatx('float64')`` ``floatx()``
    says float64 but the tensors made there are float32.
    """
    _lb.config.set_floatx(value)


def epsilon():
    """The fuzz factor used by the cross-entropies and ``l2``-style clipping (default 1e-7)."""
    return _lb.config.epsilon()


def set_epsilon(value):
    """Set the fuzz factor returned by ``epsilon()``."""
    _lb.config.set_epsilon(value)


def image_data_format():
    """``'channels_last'`` (the default) or ``'channels_first'``."""
    return _lb.config.image_data_format()


def set_image_data_format(data_format):
    """Set the image data format: ``'channels_last'`` or ``'channels_first'``."""
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("Unknown data_format %r: use 'channels_last' or 'channels_first'." % (data_format,))
    _lb.config.set_image_data_format(data_format)


def image_dim_ordering():
    """Keras 1's name for the data format: ``'tf'`` for channels_last, ``'th'`` for channels_first."""
    return "th" if image_data_format() == "channels_first" else "tf"


def set_image_dim_ordering(dim_ordering):
    """Set the data format by its Keras 1 name: ``'tf'`` (channels_last) or ``'th'`` (channels_first)."""
    if dim_ordering == "tf":
        set_image_data_format("channels_last")
    elif dim_ordering == "th":
        set_image_data_format("channels_first")
    else:
        raise ValueError("Unknown dim_ordering %r: use 'tf' or 'th'." % (dim_ordering,))


_LEARNING_PHASE = {"value": None}


def clear_session():
    """Reset Keras' global state (layer names, the graph on tf.keras) and the learning phase."""
    _LEARNING_PHASE["value"] = None
    _lb.config.clear_session()


# ---------------------------------------------------------------------------------------------
# Shapes and dtypes.


def shape(x):
    """The symbolic shape of ``x``: a 1-D int32 tensor (``K.shape(x)[0]`` is the batch size at run time).

    On a symbolic ``keras.Input`` of Keras 3 this is a tuple, with None where a size is unknown.
    On JAX, whose sizes are all known when it traces, it is a NumPy int32 array (a JAX array
    indexed inside ``jit`` would be a traced value, which ``reshape`` refuses as a size); in
    JAX's shape inference for a ``Lambda`` without ``output_shape`` it is a tuple whose unknown
    sizes are JAX symbolic dimensions, usable in ``reshape`` and ``tile``.
    """
    return _ops.shape(_t(x))


def int_shape(x):
    """The static shape of ``x`` as a tuple of ints, with None for unknown sizes."""
    if not hasattr(x, "shape"):
        return np.shape(x)
    dims = x.shape
    if hasattr(dims, "as_list"):
        try:
            dims = dims.as_list()
        except ValueError:  # unknown rank
            return None
    return tuple(_lb.static_size(d) for d in dims)


def ndim(x):
    """The number of axes of ``x``, as an int."""
    return len(int_shape(x))


def dtype(x):
    """The dtype of ``x`` as a string, e.g. ``'float32'``."""
    return _ops.dtype_name(_t(x))


def cast(x, dtype):
    """``x`` converted to ``dtype`` (a string such as ``'float32'``); floats to ints truncate toward zero.

    JAX without ``jax_enable_x64`` has no 64-bit dtypes: ``'float64'``/``'int64'`` give float32/int32.
    """
    return _ops.cast(_t(x), dtype)


# ---------------------------------------------------------------------------------------------
# Reductions.


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (int, list or None for all).

    A bool tensor is first cast to ``floatx()``; an integer tensor gives the integer mean
    truncated toward zero, in its own dtype (TensorFlow's ``reduce_mean``, which Keras 2.0 used).
    """
    x = _t(x)
    kind = dtype(x)
    if kind == "bool":
        return _ops.mean(_ops.cast(x, floatx()), axis=_axis(axis), keepdims=keepdims)
    if _is_int(kind):
        wide = _ops.mean(_ops.cast(x, _lb.WIDEST_FLOAT), axis=_axis(axis), keepdims=keepdims)
        return _ops.cast(wide, kind)
    return _ops.mean(x, axis=_axis(axis), keepdims=keepdims)


def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (int, list or None for all). A bool tensor counts its True values (int32)."""
    x = _t(x)
    if dtype(x) == "bool":
        x = _ops.cast(x, "int32")
    return _ops.sum(x, axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis`` (int, list or None for all)."""
    return _ops.max(_t(x), axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over ``axis`` (int, list or None for all)."""
    return _ops.min(_t(x), axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    """Product over ``axis`` (int, list or None for all)."""
    return _ops.prod(_t(x), axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance (divides by N) over ``axis``; bool and integer tensors in ``floatx()``."""
    x = _t(x)
    if not _is_float(dtype(x)):
        x = _ops.cast(x, floatx())
    centre = _ops.mean(x, axis=_axis(axis), keepdims=True)
    return _ops.mean(_ops.square(x - centre), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation: ``sqrt(var(x, axis, keepdims))``."""
    return _ops.sqrt(var(x, axis=axis, keepdims=keepdims))


def any(x, axis=None, keepdims=False):
    """Logical OR over ``axis`` of ``x`` cast to bool; returns a bool tensor."""
    return _ops.any(_ops.cast(_t(x), "bool"), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    """Logical AND over ``axis`` of ``x`` cast to bool; returns a bool tensor."""
    return _ops.all(_ops.cast(_t(x), "bool"), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
    """Index of the maximum along ``axis`` (default the last), as int64; ties give the first index.

    JAX without ``jax_enable_x64`` has no int64: there the indices are int32.
    """
    return _ops.cast(_ops.argmax(_t(x), axis=axis), _lb.WIDEST_INT)


def argmin(x, axis=-1):
    """Index of the minimum along ``axis`` (default the last), as int64 (int32 on JAX without
    ``jax_enable_x64``); ties give the first index."""
    return _ops.cast(_ops.argmin(_t(x), axis=axis), _lb.WIDEST_INT)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x), axis))``, computed stably."""
    return _ops.logsumexp(_t(x), axis=_axis(axis), keepdims=keepdims)


def cumsum(x, axis=0):
    """Cumulative sum along ``axis`` (default 0, as in Keras 2.0)."""
    return _ops.cumsum(_t(x), axis=axis)


def cumprod(x, axis=0):
    """Cumulative product along ``axis`` (default 0, as in Keras 2.0)."""
    return _ops.cumprod(_t(x), axis=axis)


# ---------------------------------------------------------------------------------------------
# Element-wise comparisons and arithmetic.


def equal(x, y):
    """Element-wise ``x == y`` (bool), compared in a common dtype (see the module docstring)."""
    x, y = _common(x, y)
    return _ops.equal(x, y)


def not_equal(x, y):
    """Element-wise ``x != y`` (bool), compared in a common dtype."""
    x, y = _common(x, y)
    return _ops.not_equal(x, y)


def greater(x, y):
    """Element-wise ``x > y`` (bool), compared in a common dtype."""
    x, y = _common(x, y)
    return _ops.greater(x, y)


def greater_equal(x, y):
    """Element-wise ``x >= y`` (bool), compared in a common dtype."""
    x, y = _common(x, y)
    return _ops.greater_equal(x, y)


def less(x, y):
    """Element-wise ``x < y`` (bool), compared in a common dtype."""
    x, y = _common(x, y)
    return _ops.less(x, y)


def less_equal(x, y):
    """Element-wise ``x <= y`` (bool), compared in a common dtype."""
    x, y = _common(x, y)
    return _ops.less_equal(x, y)


def maximum(x, y):
    """Element-wise maximum, in a common dtype."""
    x, y = _common(x, y)
    return _ops.maximum(x, y)


def minimum(x, y):
    """Element-wise minimum, in a common dtype."""
    x, y = _common(x, y)
    return _ops.minimum(x, y)


def abs(x):
    """Element-wise absolute value."""
    return _ops.abs(_t(x))


def square(x):
    """Element-wise square."""
    return _ops.square(_t(x))


def sqrt(x):
    """Element-wise square root; negative values are clipped to 0 first (Keras 2.0: no NaN)."""
    x = _t(x)
    return _ops.sqrt(_ops.clip(x, 0.0, np.inf))


def exp(x):
    """Element-wise exponential."""
    return _ops.exp(_t(x))


def log(x):
    """Element-wise natural logarithm (``log(0)`` is ``-inf``)."""
    return _ops.log(_t(x))


def pow(x, a):
    """Element-wise ``x ** a``."""
    return _ops.power(_t(x), a)


def clip(x, min_value, max_value):
    """Element-wise clip to ``[min_value, max_value]``; None means unbounded, and a
    ``max_value`` below ``min_value`` is raised to ``min_value`` (Keras 2.0.8)."""
    if min_value is not None and max_value is not None and max_value < min_value:
        max_value = min_value
    lo = -np.inf if min_value is None else min_value
    hi = np.inf if max_value is None else max_value
    return _ops.clip(_t(x), lo, hi)


def round(x):
    """Element-wise rounding to the nearest integer, halves to even (``round(2.5) == 2``)."""
    return _ops.round(_t(x))


def sign(x):
    """Element-wise sign: -1, 0 or 1."""
    return _ops.sign(_t(x))


# ---------------------------------------------------------------------------------------------
# Activations and losses.


def sigmoid(x):
    """Element-wise logistic sigmoid ``1 / (1 + exp(-x))``."""
    return _ops.sigmoid(_t(x))


def hard_sigmoid(x):
    """Keras 2.0.8's piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)`` (Keras 3's has slope 1/6)."""
    x = _t(x)
    return _ops.clip(0.2 * x + 0.5, 0.0, 1.0)


def tanh(x):
    """Element-wise hyperbolic tangent."""
    return _ops.tanh(_t(x))


def softmax(x, axis=-1):
    """Softmax over the last axis (``axis`` is an addition; Keras 2.0 always used the last)."""
    return _ops.softmax(_t(x), axis=axis)


def relu(x, alpha=0.0, max_value=None):
    """Rectified linear unit: ``min(max(x, 0), max_value) - alpha * max(-x, 0)`` (Keras 2.0.8's order)."""
    x = _t(x)
    zero = _ops.zeros_like(x)
    negative = _ops.maximum(-x, zero) if alpha != 0.0 else None
    out = _ops.maximum(x, zero)
    if max_value is not None:
        out = _ops.clip(out, 0, max_value)
    if negative is not None:
        out = out - alpha * negative
    return out


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    x = _t(x)
    return _ops.where(_ops.greater(x, _ops.zeros_like(x)), x, alpha * _ops.expm1(x))


def softplus(x):
    """Element-wise ``log(1 + exp(x))``."""
    return _ops.softplus(_t(x))


def softsign(x):
    """Element-wise ``x / (1 + |x|)``."""
    x = _t(x)
    return x / (1.0 + _ops.abs(x))


def _log_softmax(logits, axis=-1):
    return logits - _ops.logsumexp(logits, axis=axis, keepdims=True)


def _like_output(target, output):
    target = _t(target)
    if dtype(target) != dtype(output):
        target = _ops.cast(target, dtype(output))
    return target


def categorical_crossentropy(target, output, from_logits=False):
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` over the last axis.

    Keras 2.0 argument order: ``(target, output)``. With probabilities (``from_logits=False``)
    each row of ``output`` is first divided by its sum, then clipped to
    ``[epsilon(), 1 - epsilon()]``: ``-sum(target * log(output), axis=-1)``. With logits it is
    ``-sum(target * log_softmax(output), axis=-1)``. Returns one value per row.
    """
    output = _t(output)
    target = _like_output(target, output)
    if from_logits:
        return -_ops.sum(target * _log_softmax(output), axis=-1)
    output = output / _ops.sum(output, axis=-1, keepdims=True)
    eps = epsilon()
    output = _ops.clip(output, eps, 1.0 - eps)
    return -_ops.sum(target * _ops.log(output), axis=-1)


def sparse_categorical_crossentropy(target, output, from_logits=False):
    """Categorical cross-entropy with integer class ids as ``target``.

    Keras 2.0.8: probabilities are clipped to ``[epsilon(), 1 - epsilon()]`` and their log
    used as logits of a softmax cross-entropy (so rows that do not sum to 1 are renormalised
    after clipping). ``target`` of shape ``output.shape[:-1]`` (or with a trailing 1); the
    result has shape ``output.shape[:-1]``.
    """
    output = _t(output)
    if not from_logits:
        eps = epsilon()
        output = _ops.log(_ops.clip(output, eps, 1.0 - eps))
    classes = int_shape(output)[-1]
    labels = _ops.cast(_ops.reshape(_t(target), (-1,)), "int32")
    logits = _ops.reshape(output, (-1, classes))
    picked = _ops.one_hot(labels, classes)
    losses = -_ops.sum(_ops.cast(picked, dtype(logits)) * _log_softmax(logits), axis=-1)
    if ndim(output) <= 2:
        return losses
    lead = int_shape(output)[:-1]
    if None in lead:
        return _ops.reshape(losses, _ops.shape(output)[:-1])
    return _ops.reshape(losses, lead)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy (no mean: Keras 2.0's loss function took the mean).

    With probabilities ``output`` is clipped to ``[epsilon(), 1 - epsilon()]`` and turned into
    logits ``log(p / (1 - p))``; then ``max(z, 0) - z * target + log(1 + exp(-|z|))``.
    """
    output = _t(output)
    target = _like_output(target, output)
    if not from_logits:
        eps = epsilon()
        output = _ops.clip(output, eps, 1.0 - eps)
        output = _ops.log(output / (1.0 - output))
    zero = _ops.zeros_like(output)
    return _ops.maximum(output, zero) - output * target + _ops.log1p(_ops.exp(-_ops.abs(output)))


def l2_normalize(x, axis=None):
    """``x / sqrt(max(sum(x ** 2, axis), 1e-12))`` (TensorFlow's ``l2_normalize``, as Keras 2.0 used)."""
    x = _t(x)
    squares = _ops.sum(_ops.square(x), axis=_axis(axis), keepdims=True)
    return x / _ops.sqrt(_ops.maximum(squares, _ops.full((), 1e-12, dtype=dtype(x))))


# ---------------------------------------------------------------------------------------------
# Linear algebra and shape manipulation.


def dot(x, y):
    """NumPy's ``dot``: contracts the last axis of ``x`` with the second-to-last of ``y``
    (the only one if ``y`` is 1-D). Shape ``x.shape[:-1] + y.shape[:-2] + y.shape[-1:]``."""
    x, y = _common(x, y)
    nx, ny = ndim(x), ndim(y)
    if nx == 0 or ny == 0:
        return x * y
    return _ops.tensordot(x, y, axes=[[nx - 1], [ny - 2 if ny >= 2 else 0]])


_LETTERS = "cdefghijlmnopqrstuvwxyz"


def batch_dot(x, y, axes=None):
    """Dot product per batch row: contracts axis ``axes[0]`` of ``x`` with ``axes[1]`` of ``y``.

    ``axes`` an int means the same axis on both; None means ``(ndim(x) - 1, ndim(y) - 2)``, or
    ``(1, 1)`` for two matrices. The result has ``x``'s remaining axes then ``y``'s; a (B,)
    result becomes (B, 1), as in Keras 2.0 (``batch_dot`` of two (32, 20) is (32, 1)). For
    ranks up to 3 this is exactly Keras 2.0.8's result; above, 2.0.8 only transposed the last
    two axes whatever ``axes`` said, and this contracts the axes named.
    """
    x, y = _common(x, y)
    nx, ny = ndim(x), ndim(y)
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (nx - 1, 1) if ny == 2 else (nx - 1, ny - 2)
    ax, ay = axes[0] % nx, axes[1] % ny
    if ax == 0 or ay == 0:
        raise ValueError("batch_dot cannot contract the batch axis 0 (axes=%r)." % (tuple(axes),))
    letters = iter(_LETTERS)
    x_sub = ["b"] + [next(letters) for _ in range(nx - 1)]
    y_sub = ["b"] + [next(letters) for _ in range(ny - 1)]
    x_sub[ax] = "k"
    y_sub[ay] = "k"
    out_sub = ["b"] + [s for s in x_sub[1:] if s != "k"] + [s for s in y_sub[1:] if s != "k"]
    out = _ops.einsum("%s,%s->%s" % ("".join(x_sub), "".join(y_sub), "".join(out_sub)), x, y)
    if len(out_sub) == 1:
        out = _ops.expand_dims(out, 1)
    return out


def transpose(x):
    """Reverse the order of the axes (a matrix's transpose)."""
    return _ops.transpose(_t(x))


def permute_dimensions(x, pattern):
    """Reorder the axes: ``pattern`` lists the input axis for each output axis, e.g. ``(0, 2, 1)``."""
    return _ops.transpose(_t(x), tuple(pattern))


def reshape(x, shape):
    """``x`` with a new shape (a tuple, list or shape tensor; one entry may be -1)."""
    if isinstance(shape, list):
        shape = tuple(shape)
    return _ops.reshape(_t(x), shape)


def repeat(x, n):
    """Repeat a 2-D tensor: (B, D) becomes (B, n, D)."""
    x = _t(x)
    if ndim(x) != 2:
        raise ValueError("repeat expects a 2-D tensor, got shape %r." % (int_shape(x),))
    return _ops.repeat(_ops.expand_dims(x, 1), n, axis=1)


def repeat_elements(x, rep, axis):
    """Repeat each element ``rep`` times along ``axis`` (NumPy's ``repeat``): [a, b] -> [a, a, b, b]."""
    return _ops.repeat(_t(x), rep, axis=axis)


def expand_dims(x, axis=-1):
    """Insert an axis of size 1 at ``axis`` (default: a new last axis)."""
    return _ops.expand_dims(_t(x), axis)


def squeeze(x, axis):
    """Remove the axis ``axis``, which must have size 1."""
    return _ops.squeeze(_t(x), axis=axis)


def flatten(x):
    """All elements as a 1-D tensor, in row-major order."""
    return _ops.reshape(_t(x), (-1,))


def batch_flatten(x):
    """(B, d1, d2, ...) becomes (B, d1 * d2 * ...)."""
    x = _t(x)
    rest = int_shape(x)[1:]
    if None not in rest:
        return _ops.reshape(x, (-1, int(np.prod(rest, dtype=np.int64))))
    size = _ops.prod(_ops.shape(x)[1:])
    return _ops.reshape(x, _ops.stack([_ops.convert_to_tensor(-1, dtype=dtype(size)), size]))


def concatenate(tensors, axis=-1):
    """Join a list of tensors along ``axis`` (default the last)."""
    return _ops.concatenate([_t(t) for t in tensors], axis=axis)


def stack(x, axis=0):
    """Stack a list of same-shape tensors along a new axis ``axis``."""
    return _ops.stack([_t(t) for t in x], axis=axis)


def tile(x, n):
    """Repeat the whole tensor ``n[i]`` times along axis ``i`` (an int ``n`` means ``[n]``)."""
    if isinstance(n, int):
        n = [n]
    return _ops.tile(_t(x), n)


def gather(reference, indices):
    """Rows ``indices`` of ``reference`` (indexing along axis 0), e.g. an embedding lookup."""
    return _ops.take(_t(reference), _ops.cast(_t(indices), "int32"), axis=0)


def one_hot(indices, num_classes):
    """One-hot encoding: integer tensor (..., ) becomes float32 (..., num_classes)."""
    return _ops.one_hot(_ops.cast(_t(indices), "int32"), num_classes)


def stop_gradient(variables):
    """The same values, seen as constants by differentiation; a list gives a list."""
    if isinstance(variables, (list, tuple)):
        return [_ops.stop_gradient(_t(v)) for v in variables]
    return _ops.stop_gradient(_t(variables))


def arange(start, stop=None, step=1, dtype="int32"):
    """A 1-D tensor ``start, start + step, ...`` below ``stop`` (``arange(n)``: 0 to n - 1), int32 by default."""
    if stop is None:
        start, stop = 0, start
    return _ops.arange(start, stop, step, dtype=dtype)


# ---------------------------------------------------------------------------------------------
# Constants and variables.


def zeros(shape, dtype=None, name=None):
    """A tensor of zeros of ``shape`` (``floatx()`` by default).

    Keras 2.0.8 returned a variable; creating variables inside a traced function fails on
    TensorFlow 2, so this is a constant tensor. For a variable use ``variable(np.zeros(shape))``.
    """
    return _ops.zeros(tuple(shape) if isinstance(shape, list) else shape, dtype=dtype or floatx())


def ones(shape, dtype=None, name=None):
    """A tensor of ones of ``shape`` (``floatx()`` by default); a constant, see ``zeros``."""
    return _ops.ones(tuple(shape) if isinstance(shape, list) else shape, dtype=dtype or floatx())


def zeros_like(x, dtype=None, name=None):
    """Zeros with the shape of ``x`` and its dtype (or ``dtype``)."""
    return _ops.zeros_like(_t(x), dtype=dtype)


def ones_like(x, dtype=None, name=None):
    """Ones with the shape of ``x`` and its dtype (or ``dtype``)."""
    return _ops.ones_like(_t(x), dtype=dtype)


def constant(value, dtype=None, shape=None, name=None):
    """A constant tensor of ``dtype`` (``floatx()`` by default); with ``shape``, a scalar ``value``
    fills that shape and a sequence is reshaped to it."""
    array = np.asarray(value, dtype=dtype or floatx())
    if shape is not None:
        array = np.full(shape, array.item(), dtype=array.dtype) if array.size == 1 else array.reshape(shape)
    return _ops.convert_to_tensor(array)


def variable(value, dtype=None, name=None, constraint=None):
    """A variable initialised to ``value``, of ``dtype`` (``floatx()`` by default, whatever ``value``'s).

    Integer and bool variables are not trainable (Keras 2.0.8 marked every variable trainable;
    nothing can differentiate an integer, and PyTorch refuses to try).
    """
    if constraint is not None:
        raise NotImplementedError("variable(constraint=...) is not supported: apply the constraint to the "
                                  "layer weight (kernel_constraint=...) instead.")
    if hasattr(value, "shape") and _ops.is_tensor(value):
        value = get_value(value)
    return _lb.make_variable(value, dtype or floatx(), name=name)


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input for ``function``: a ``keras.Input`` with ``shape`` including the batch axis.

    ``ndim`` without ``shape`` means ``ndim`` unknown sizes. Sparse placeholders do not exist here.
    """
    if sparse:
        raise NotImplementedError("placeholder(sparse=True) is not supported: feed dense arrays.")
    if shape is None:
        if ndim is None:
            raise ValueError("placeholder needs shape or ndim.")
        shape = (None,) * ndim
    return _lb.keras.Input(batch_shape=tuple(shape), dtype=dtype or floatx(), name=name)


def get_value(x):
    """The value of a variable or tensor as a NumPy array."""
    if _lb.is_variable(x) and hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(_ops.convert_to_numpy(x))


def batch_get_value(ops):
    """``[get_value(x) for x in ops]``."""
    return [get_value(x) for x in ops]


def set_value(x, value):
    """Assign the NumPy ``value`` (cast to ``x``'s dtype) to the variable ``x``."""
    x.assign(np.asarray(value, dtype=dtype(x)))


def batch_set_value(tuples):
    """``set_value(x, value)`` for each ``(x, value)`` pair."""
    for x, value in tuples:
        set_value(x, value)


def update(x, new_x):
    """Assign ``new_x`` to the variable ``x`` (now, not as a deferred graph update); returns ``x``."""
    x.assign(new_x)
    return x


def update_add(x, increment):
    """Add ``increment`` to the variable ``x`` now; returns ``x``."""
    x.assign_add(increment)
    return x


def update_sub(x, decrement):
    """Subtract ``decrement`` from the variable ``x`` now; returns ``x``."""
    x.assign_sub(decrement)
    return x


# ---------------------------------------------------------------------------------------------
# Random numbers.


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples of ``shape`` (``floatx()``); not the 2017 stream even with the same seed."""
    return _lb.random_normal(shape, mean, stddev, dtype or floatx(), seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in ``[minval, maxval)`` of ``shape`` (``floatx()``)."""
    return _lb.random_uniform(shape, minval, maxval, dtype or floatx(), seed)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability ``p``, else 0, of ``shape`` (``floatx()``)."""
    dtype = dtype or floatx()
    draws = _lb.random_uniform(shape, 0.0, 1.0, dtype, seed)
    return _ops.cast(_ops.less(draws, _ops.full((), p, dtype=dtype)), dtype)


# ---------------------------------------------------------------------------------------------
# Control flow and the learning phase.


class _LearningPhase:
    """What ``learning_phase()`` returns: a marker for ``function`` inputs and ``in_train_phase``."""

    def __repr__(self):
        return "<compat_attention.legacy learning phase>"


_LEARNING_PHASE_MARKER = _LearningPhase()


def learning_phase():
    """The learning-phase marker: list it among ``function``'s inputs and feed 0 (test) or 1 (train).

    Keras 2.0 returned a bool placeholder; modern Keras passes ``training`` to layer calls instead.
    """
    return _LEARNING_PHASE_MARKER


def set_learning_phase(value):
    """Fix the learning phase to 0 (test) or 1 (train) for ``in_train_phase`` and ``function``."""
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1, got %r." % (value,))
    _LEARNING_PHASE["value"] = int(value)


def _phase(training):
    if training is None or training is _LEARNING_PHASE_MARKER:
        if _LEARNING_PHASE["value"] is not None:
            return _LEARNING_PHASE["value"]
        training = _lb.current_call_training()
        return 0 if training is None else training
    return training


def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` is true, else ``else_expression`` (either may be a
    callable). A Python bool picks one; a scalar tensor picks one at run time; a tensor of
    lower rank than the expressions is broadcast over their trailing axes."""
    if isinstance(condition, (bool, int, np.bool_)) and not _ops.is_tensor(condition):
        return _value(then_expression) if condition else _value(else_expression)
    condition = _ops.cast(_t(condition), "bool")
    then_value, else_value = _t(_value(then_expression)), _t(_value(else_expression))
    cond_rank, expr_rank = ndim(condition), ndim(then_value)
    if cond_rank > expr_rank:
        raise ValueError("switch: condition has rank %d, more than the expressions' %d." % (cond_rank, expr_rank))
    if 0 < cond_rank < expr_rank:
        condition = _ops.reshape(condition, tuple(int_shape(condition)) + (1,) * (expr_rank - cond_rank)) \
            if None not in int_shape(condition) else _expand_trailing(condition, expr_rank - cond_rank)
    return _ops.where(condition, then_value, else_value)


def _expand_trailing(x, count):
    for _ in range(count):
        x = _ops.expand_dims(x, -1)
    return x


def in_train_phase(x, alt, training=None):
    """``x`` in training, ``alt`` otherwise (either may be a callable).

    ``training`` None or ``learning_phase()`` means: the value of ``set_learning_phase`` if
    called, else the ``training`` of the Keras layer call in progress (True inside ``fit``
    even in a ``Lambda`` that does not take ``training``), else test.
    """
    training = _phase(training)
    if training is True or (isinstance(training, (int, np.integer)) and not isinstance(training, bool)
                            and training == 1):
        return _value(x)
    if training is False or (isinstance(training, (int, np.integer)) and training == 0):
        return _value(alt)
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    """``x`` at test time, ``alt`` in training: ``in_train_phase(alt, x, training)``."""
    return in_train_phase(alt, x, training=training)


class _Function:
    """The callable ``function`` returns: list of arrays in, list of NumPy arrays out."""

    def __init__(self, inputs, outputs, updates=None, name=None):
        if updates:
            raise NotImplementedError(
                "function(updates=...) is not supported: there is no graph to run updates in; "
                "write a custom train_step, or call optimizer.apply_gradients yourself.")
        inputs = list(inputs)
        self._phase_positions = [i for i, t in enumerate(inputs) if t is _LEARNING_PHASE_MARKER]
        self._inputs = [t for t in inputs if t is not _LEARNING_PHASE_MARKER]
        self._single_output = not isinstance(outputs, (list, tuple))
        outputs = [outputs] if self._single_output else list(outputs)
        self._model = _lb.keras.Model(self._inputs, outputs, name=name)

    def __call__(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            inputs = [inputs]
        inputs = list(inputs)
        expected = len(self._inputs) + len(self._phase_positions)
        if len(inputs) != expected:
            raise ValueError("This function takes %d inputs, got %d." % (expected, len(inputs)))
        training = _LEARNING_PHASE["value"] or 0
        for position in self._phase_positions:
            training = int(np.asarray(inputs[position]).item())
        arrays = [np.asarray(value, dtype=dtype(tensor))
                  for value, tensor in zip((v for i, v in enumerate(inputs) if i not in self._phase_positions),
                                           self._inputs)]
        results = self._model(arrays, training=bool(training))
        if not isinstance(results, (list, tuple)):
            results = [results]
        return [get_value(r) for r in results]


def function(inputs, outputs, updates=None, **kwargs):
    """A callable computing ``outputs`` from ``inputs`` (symbolic tensors of a model, or
    ``placeholder``s): ``f([x1, x2, ...])`` returns a list of NumPy arrays.

    ``learning_phase()`` may be one of the inputs; feed it 0 (test) or 1 (train). ``updates``
    are not supported (NotImplementedError).
    """
    return _Function(inputs, outputs, updates=updates, name=kwargs.get("name"))


def gradients(loss, variables):
    """Not available: modern Keras has no graph to differentiate. Raises NotImplementedError
    saying what to use instead on the running backend."""
    raise NotImplementedError("K.gradients(loss, variables) does not exist on modern Keras: " + _lb.gradients_hint())


# ---------------------------------------------------------------------------------------------
# CTC.


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per sample, as Keras 2.0 computed it.

    Args:
        y_true: (B, max_label_length) integer labels; values past ``label_length`` are ignored.
        y_pred: (B, T, C) softmax probabilities; the last class (C - 1) is the CTC blank.
        input_length: (B, 1) or (B,) number of valid time steps of each ``y_pred`` row.
        label_length: (B, 1) or (B,) number of valid labels of each ``y_true`` row.

    Returns:
        (B, 1) tensor: ``-log p(label | y_pred)`` with ``y_pred + epsilon()`` renormalised.
    """
    y_pred = _t(y_pred)
    logits = _ops.log(y_pred + epsilon())
    label_length = _ops.cast(_ops.reshape(_t(label_length), (-1,)), "int32")
    input_length = _ops.cast(_ops.reshape(_t(input_length), (-1,)), "int32")
    loss = _lb.ctc_loss_blank_last(_ops.cast(_t(y_true), "int32"), logits, label_length, input_length)
    return _ops.expand_dims(loss, 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Decode CTC output (blank = last class): best path (``greedy``) or beam search.

    Args:
        y_pred: (B, T, C) softmax probabilities.
        input_length: (B,) valid time steps of each row.
        greedy: best path (argmax per step, repeats merged, blanks dropped) if True.
        beam_width, top_paths: beam search settings when ``greedy`` is False.

    Returns:
        ``(decoded, log_prob)``: ``decoded`` a list of ``top_paths`` (B, L) int64 tensors (int32
        on JAX without ``jax_enable_x64``)
        padded with -1, L the longest decoded sequence of that path (Keras 2.0.8's sparse-to-
        dense width; inside a traced function L is T); ``log_prob`` (B, top_paths) as
        TensorFlow reports it (greedy: minus the sum over steps of the best class' log
        probability).
    """
    y_pred = _t(y_pred)
    logits = _ops.log(y_pred + epsilon())
    lengths = _ops.cast(_ops.reshape(_t(input_length), (-1,)), "int32")
    decoded, log_prob = _lb.ctc_decode_blank_last(logits, lengths, greedy, beam_width, top_paths)
    result = []
    for path in decoded:
        path = _ops.cast(path, _lb.WIDEST_INT)
        if _lb.is_concrete(path):
            values = get_value(path)
            width = int((values != -1).sum(axis=1).max()) if values.size else 0
            path = path[:, :width]
        result.append(path)
    return result, log_prob
