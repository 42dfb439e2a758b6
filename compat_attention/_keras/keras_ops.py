"""``keras.ops`` on every flavour: its names and signatures, and the few non-tensor needs beside it.

``ops`` here is ``keras.ops`` itself on Keras 3 (any backend) and TensorFlow ops under
``keras.ops``' names and signatures on tf.keras 2.8-2.15 and ``tf_keras``. Besides ``ops`` this
module holds what is not a tensor op: variables, the training flag of the layer call in progress,
CTC, random numbers. ``compat_attention.legacy.backend`` (Keras 2.0's ``K`` functions, for migrated
programs) is written once against it.

``_keras/ops.py`` is another thing: the few ops the decoder and our layers run, spelled and tuned
for them (``ops.dot``, ``ops.split`` by sizes, a plain softmax on TensorFlow).
"""

import types

import numpy as np

from .flavour import BACKEND, KERAS_3, keras, tf

#: ``keras.backend`` has the same config functions (``floatx``, ``set_epsilon``,
#: ``image_data_format``, ``clear_session``, ...) on both generations.
config = keras.backend


def _is_tf_tensor(value):
    return tf is not None and (tf.is_tensor(value) or isinstance(value, tf.Variable))


def _has_tensor(values):
    return any(_is_tf_tensor(v) for v in values)


# ---------------------------------------------------------------------------------------------
# Keras 3: keras.ops, plus a handful of helpers with the same names on both flavours.


def _keras3_ops():
    k = keras.ops

    def is_symbolic(x):
        return keras.backend.is_keras_tensor(x)

    def shape(x):
        # Keras 2.0's K.shape was a 1-D int32 tensor (``K.shape(x)[0]`` is the batch size at
        # run time). On TensorFlow that is ``tf.shape``; other backends know every size when
        # tracing, so the tuple becomes a tensor. Where a size is still unknown there (a
        # KerasTensor, or JAX's shape inference for a Lambda, which traces with a symbolic batch
        # size) the tuple itself is returned: its entries work as sizes in reshape and tile.
        if is_symbolic(x):
            return k.shape(x)
        if BACKEND == "tensorflow":
            return tf.shape(x)
        dims = k.shape(x)
        if any(static_size(d) is None for d in dims):
            return dims
        if BACKEND == "jax":
            # A NumPy array: under jit, indexing a JAX array is a traced op, and
            # reshape(x, (K.shape(x)[0], -1)) needs concrete sizes. NumPy keeps them concrete.
            return np.asarray(dims, dtype="int32")
        return k.convert_to_tensor(np.asarray(dims, dtype="int32"))

    def reshape(x, newshape):
        if BACKEND == "tensorflow" and not is_symbolic(x) and (
                _is_tf_tensor(newshape) or (isinstance(newshape, (list, tuple)) and _has_tensor(newshape))):
            return tf.reshape(x, newshape)  # a shape holding K.shape(x)[0]
        return k.reshape(x, newshape)

    def tile(x, reps):
        if BACKEND == "tensorflow" and not is_symbolic(x) and (
                _is_tf_tensor(reps) or (isinstance(reps, (list, tuple)) and _has_tensor(reps))):
            return tf.tile(x, reps)
        return k.tile(x, reps)

    def dtype_name(x):
        return keras.backend.standardize_dtype(x.dtype)

    def is_tensor(x):
        return k.is_tensor(x) or is_symbolic(x) or isinstance(x, keras.Variable)

    return types.SimpleNamespace(
        convert_to_tensor=k.convert_to_tensor,
        convert_to_numpy=k.convert_to_numpy,
        is_tensor=is_tensor,
        is_symbolic=is_symbolic,
        dtype_name=dtype_name,
        cast=k.cast,
        mean=k.mean, sum=k.sum, max=k.max, min=k.min, prod=k.prod, any=k.any, all=k.all,
        argmax=k.argmax, argmin=k.argmin,
        equal=k.equal, not_equal=k.not_equal, greater=k.greater, greater_equal=k.greater_equal,
        less=k.less, less_equal=k.less_equal, maximum=k.maximum, minimum=k.minimum,
        abs=k.abs, square=k.square, sqrt=k.sqrt, exp=k.exp, expm1=k.expm1, log=k.log, log1p=k.log1p,
        power=k.power, clip=k.clip, round=k.round, sign=k.sign,
        sigmoid=k.sigmoid, tanh=k.tanh, softmax=k.softmax, softplus=k.softplus,
        where=k.where, tensordot=k.tensordot, einsum=k.einsum, matmul=k.matmul,
        transpose=k.transpose, reshape=reshape, repeat=k.repeat, expand_dims=k.expand_dims,
        squeeze=k.squeeze, concatenate=lambda xs, axis=0: k.concatenate(list(xs), axis=axis),
        stack=lambda xs, axis=0: k.stack(list(xs), axis=axis), tile=tile, take=k.take,
        one_hot=k.one_hot, shape=shape, zeros=k.zeros, ones=k.ones,
        zeros_like=k.zeros_like, ones_like=k.ones_like, full=k.full,
        stop_gradient=k.stop_gradient, logsumexp=k.logsumexp, cumsum=k.cumsum, cumprod=k.cumprod,
        arange=k.arange, logical_and=k.logical_and,
    )


# ---------------------------------------------------------------------------------------------
# tf.keras 2.8-2.15 / tf_keras: TensorFlow ops under keras.ops' names and signatures.


def _tf_ops():
    def reduction(fn):
        return lambda x, axis=None, keepdims=False: fn(x, axis=axis, keepdims=keepdims)

    def is_symbolic(x):
        return keras.backend.is_keras_tensor(x) if tf.is_tensor(x) else False

    def convert_to_tensor(x, dtype=None):
        if dtype is not None and tf.is_tensor(x):
            return tf.cast(x, dtype)
        if dtype is None and isinstance(x, float):
            return tf.constant(x, dtype=keras.backend.floatx())
        return tf.convert_to_tensor(x, dtype=dtype)

    def convert_to_numpy(x):
        if isinstance(x, tf.Variable) or (tf.is_tensor(x) and hasattr(x, "numpy")):
            return np.asarray(x.numpy())
        return np.asarray(x)

    def clip(x, lo, hi):
        x = tf.convert_to_tensor(x)
        return tf.clip_by_value(x, tf.cast(lo, x.dtype), tf.cast(hi, x.dtype))

    def power(x, a):
        x = tf.convert_to_tensor(x)
        return tf.pow(x, tf.cast(a, x.dtype))

    def where(condition, x, y):
        x = tf.convert_to_tensor(x)
        return tf.where(condition, x, tf.cast(y, x.dtype))

    def repeat(x, repeats, axis=None):
        return tf.repeat(x, repeats, axis=axis)

    def transpose(x, axes=None):
        return tf.transpose(x, perm=axes)

    def squeeze(x, axis=None):
        return tf.squeeze(x, axis=axis)

    def take(x, indices, axis=None):
        if axis is None:
            return tf.gather(tf.reshape(x, [-1]), indices)
        return tf.gather(x, indices, axis=axis)

    def one_hot(x, num_classes, axis=-1, dtype=None):
        return tf.one_hot(x, num_classes, axis=axis, dtype=dtype or keras.backend.floatx())

    def dtype_name(x):
        return tf.as_dtype(x.dtype).name

    def zeros(shape, dtype=None):
        return tf.zeros(shape, dtype=dtype or keras.backend.floatx())

    def ones(shape, dtype=None):
        return tf.ones(shape, dtype=dtype or keras.backend.floatx())

    def full(shape, fill_value, dtype=None):
        return tf.fill(shape, tf.cast(fill_value, dtype or keras.backend.floatx()))

    def cumulative(fn):
        return lambda x, axis=None: fn(tf.reshape(x, [-1]), axis=0) if axis is None else fn(x, axis=axis)

    def arange(start, stop=None, step=1, dtype=None):
        return tf.range(start, stop, step, dtype=dtype)

    return types.SimpleNamespace(
        convert_to_tensor=convert_to_tensor,
        convert_to_numpy=convert_to_numpy,
        is_tensor=lambda x: tf.is_tensor(x) or isinstance(x, tf.Variable),
        is_symbolic=is_symbolic,
        dtype_name=dtype_name,
        cast=tf.cast,
        mean=reduction(tf.reduce_mean), sum=reduction(tf.reduce_sum), max=reduction(tf.reduce_max),
        min=reduction(tf.reduce_min), prod=reduction(tf.reduce_prod), any=reduction(tf.reduce_any),
        all=reduction(tf.reduce_all),
        argmax=lambda x, axis=None: tf.argmax(x, axis=axis),
        argmin=lambda x, axis=None: tf.argmin(x, axis=axis),
        equal=tf.equal, not_equal=tf.not_equal, greater=tf.greater, greater_equal=tf.greater_equal,
        less=tf.less, less_equal=tf.less_equal, maximum=tf.maximum, minimum=tf.minimum,
        abs=tf.abs, square=tf.square, sqrt=tf.sqrt, exp=tf.exp, expm1=tf.math.expm1, log=tf.math.log,
        log1p=tf.math.log1p, power=power, clip=clip, round=tf.round, sign=tf.sign,
        sigmoid=tf.sigmoid, tanh=tf.tanh, softmax=lambda x, axis=-1: tf.nn.softmax(x, axis=axis),
        softplus=tf.nn.softplus,
        where=where, tensordot=lambda a, b, axes: tf.tensordot(a, b, axes), einsum=tf.einsum,
        matmul=tf.matmul, transpose=transpose, reshape=tf.reshape, repeat=repeat,
        expand_dims=tf.expand_dims, squeeze=squeeze,
        concatenate=lambda xs, axis=0: tf.concat(list(xs), axis=axis),
        stack=lambda xs, axis=0: tf.stack(list(xs), axis=axis), tile=tf.tile, take=take,
        one_hot=one_hot, shape=tf.shape, zeros=zeros, ones=ones,
        zeros_like=tf.zeros_like, ones_like=tf.ones_like, full=full,
        stop_gradient=tf.stop_gradient,
        logsumexp=lambda x, axis=None, keepdims=False: tf.reduce_logsumexp(x, axis=axis, keepdims=keepdims),
        cumsum=cumulative(tf.cumsum), cumprod=cumulative(tf.math.cumprod),
        arange=arange, logical_and=tf.logical_and,
    )


#: Tensor ops under ``keras.ops``' names, on every flavour and backend.
ops = _keras3_ops() if KERAS_3 else _tf_ops()


def _has_64_bit_dtypes():
    if BACKEND == "jax":
        import jax

        return bool(jax.config.jax_enable_x64)
    return True


#: Whether the backend makes int64/float64 tensors. JAX without ``jax_enable_x64`` (its
#: default) has no 64-bit dtypes: asked for int64 or float64 it gives int32 or float32.
HAS_64_BIT_DTYPES = _has_64_bit_dtypes()

#: The integer dtype ``argmax`` returns in Keras 2.0 (``tf.argmax``: int64), also the common
#: dtype of two different integer dtypes: int64, or int32 where the backend has no int64.
WIDEST_INT = "int64" if HAS_64_BIT_DTYPES else "int32"

#: The widest float dtype the backend makes: float64, or float32 where it has no float64.
WIDEST_FLOAT = "float64" if HAS_64_BIT_DTYPES else "float32"


def static_size(dim):
    """One entry of a tensor's static shape as an int, or None where it is not known yet
    (None, or a symbolic dimension of JAX's shape inference)."""
    if dim is None:
        return None
    if BACKEND == "jax":
        from jax import export as jax_export

        if jax_export.is_symbolic_dim(dim):
            return None
    return int(dim)


def is_concrete(x):
    """Whether ``x``'s value can be read now (an eager tensor, not a graph or traced one)."""
    if ops.is_symbolic(x):
        return False
    if tf is not None and tf.is_tensor(x) and not isinstance(x, tf.Variable):
        return hasattr(x, "numpy") and tf.executing_eagerly()
    if BACKEND == "jax":
        import jax

        return not isinstance(x, jax.core.Tracer)
    return True


# ---------------------------------------------------------------------------------------------
# Variables.


def make_variable(value, dtype, name=None):
    """A backend variable of ``dtype`` holding ``value`` (a NumPy array).

    Float and complex variables are trainable; integer and bool ones are not (nothing can
    differentiate them, and PyTorch refuses ``requires_grad`` on them).
    """
    kind = np.dtype(dtype)
    trainable = np.issubdtype(kind, np.floating) or np.issubdtype(kind, np.complexfloating)
    if KERAS_3:
        return keras.Variable(np.asarray(value, dtype=dtype), dtype=dtype, trainable=trainable, name=name)
    return tf.Variable(np.asarray(value, dtype=dtype), dtype=dtype, trainable=trainable, name=name)


def is_variable(x):
    """Whether ``x`` is a variable of the running Keras (or a TensorFlow variable)."""
    if KERAS_3 and isinstance(x, keras.Variable):
        return True
    return tf is not None and isinstance(x, tf.Variable)


# ---------------------------------------------------------------------------------------------
# The training flag of the layer call in progress (what Keras 2.0's learning phase became).


def current_call_training():
    """``training`` of the Keras layer call in progress (True/False/tensor), or None outside one.

    Keras 2.0 fed a global learning-phase placeholder (1 in ``fit``); modern Keras passes
    ``training`` down the layer calls instead, and a ``Lambda`` function that never asks for
    it can only read it from the call context. Reads a Keras internal; None if it moved.
    """
    if KERAS_3:
        try:
            from keras.src.backend.common import global_state
        except ImportError:  # pragma: no cover - a Keras 3 that moved it
            return None
        context = global_state.get_global_attribute("current_call_ctx")
        return None if context is None else getattr(context, "training", None)
    try:
        from keras.src.engine import base_layer_utils
    except ImportError:
        try:
            from keras.engine import base_layer_utils
        except ImportError:  # pragma: no cover - tf_keras or a moved module
            try:
                from tf_keras.src.engine import base_layer_utils
            except ImportError:
                return None
    return base_layer_utils.call_context().training


# ---------------------------------------------------------------------------------------------
# Random numbers.


def random_normal(shape, mean, stddev, dtype, seed):
    """Normal samples (``keras.random`` on Keras 3, ``tf.random`` on Keras 2)."""
    if KERAS_3:
        return keras.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)
    return tf.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval, maxval, dtype, seed):
    """Uniform samples in ``[minval, maxval)``."""
    if KERAS_3:
        return keras.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)
    return tf.random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


# ---------------------------------------------------------------------------------------------
# CTC. Keras 2.0 called TensorFlow's CTC with the blank as the last class.


def ctc_loss_blank_last(labels, logits, label_length, logit_length):
    """CTC negative log-likelihood per sample, (B,), blank = last class, batch-major logits."""
    num_classes = int(logits.shape[-1])
    if KERAS_3:
        return keras.ops.ctc_loss(labels, logits, label_length, logit_length, mask_index=num_classes - 1)
    return tf.nn.ctc_loss(labels=tf.cast(labels, "int32"), logits=logits,
                          label_length=tf.cast(label_length, "int32"),
                          logit_length=tf.cast(logit_length, "int32"),
                          logits_time_major=False, blank_index=-1)


def ctc_decode_blank_last(logits, lengths, greedy, beam_width, top_paths):
    """CTC decoding, blank = last class. Returns (list of (B, T) int tensors padded with -1,
    (B, top_paths) log probabilities as TensorFlow defines them)."""
    num_classes = int(logits.shape[-1])
    if KERAS_3:
        decoded, log_prob = keras.ops.ctc_decode(
            logits, lengths, strategy="greedy" if greedy else "beam_search", beam_width=beam_width,
            top_paths=1 if greedy else top_paths, merge_repeated=True, mask_index=num_classes - 1)
        return [decoded[i] for i in range(int(decoded.shape[0]))], log_prob
    time_major = tf.transpose(logits, (1, 0, 2))
    lengths = tf.cast(lengths, "int32")
    if greedy:
        sparse, log_prob = tf.nn.ctc_greedy_decoder(time_major, lengths, merge_repeated=True)
    else:
        sparse, log_prob = tf.nn.ctc_beam_search_decoder(time_major, lengths, beam_width=beam_width,
                                                         top_paths=top_paths)
    steps = tf.shape(logits)[1]
    dense = []
    for path in sparse:
        shape = tf.stack([tf.cast(path.dense_shape[0], "int32"), steps])
        padded = tf.SparseTensor(path.indices, path.values, tf.cast(shape, "int64"))
        dense.append(tf.sparse.to_dense(padded, default_value=-1))
    return dense, log_prob


def gradients_hint():
    """The one-line replacement for ``K.gradients`` on the running backend."""
    if BACKEND == "tensorflow":
        return "use tf.GradientTape: with tf.GradientTape() as tape: loss = ...; tape.gradient(loss, variables)"
    if BACKEND == "jax":
        return "use jax.grad (or jax.value_and_grad) on a function of the variables' values"
    return "use torch.autograd.grad(loss, variables) or loss.backward()"
