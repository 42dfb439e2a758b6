"""The one module that knows which Keras is running, and hides the differences.

Three flavours are supported:

* ``"tf.keras"``: Keras 2 bundled with TensorFlow 2.8-2.15 (``tf.keras``);
* ``"tf_keras"``: the ``tf_keras`` package on TensorFlow >= 2.16 with
  ``TF_USE_LEGACY_KERAS=1``;
* ``"keras3"``: Keras 3 on any backend (TensorFlow, JAX, PyTorch).

Everything else in the package imports ``keras`` and ``ops`` from here and never
asks for a version itself. The differences hidden here:

* where Keras lives (``tf.keras``, ``tf_keras`` or ``keras``);
* the tensor ops (``keras.ops`` on Keras 3, TensorFlow ops on Keras 2);
* random dropout masks (``keras.random`` vs ``tf.nn``);
* the RNN base-class keyword arguments each flavour accepts;
* Keras 2.0.8's ``hard_sigmoid`` (slope 0.2), which Keras 3 redefined (slope 1/6);
* the name scope a sub-layer built inside its parent's ``build`` gets (``build_sublayer``);
* how TensorFlow's CPU executor is best kept busy (``softmax``, ``parallel_chains``).
"""

import os
import types

import numpy as np
from packaging.version import Version

PACKAGE = "compat_attention"


def _truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def _select_keras():
    """Return (keras module, flavour name, tensorflow module or None, keras version)."""
    if _truthy(os.environ.get("TF_USE_LEGACY_KERAS", "")):
        try:
            import tf_keras
        except ImportError:
            tf_keras = None
        if tf_keras is not None:
            import tensorflow as tf

            return tf_keras, "tf_keras", tf, tf_keras.__version__
    try:
        import keras
    except ImportError:  # pragma: no cover - TF without standalone keras is not installable
        keras = None
    if keras is not None and Version(keras.__version__).major >= 3:
        tf = None
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf
        return keras, "keras3", tf, keras.__version__
    import tensorflow as tf

    # TF 2.8-2.15: tf.keras is the Keras 2 package, which has no __version__ of its own.
    version = keras.__version__ if keras is not None else tf.__version__
    return tf.keras, "tf.keras", tf, version


keras, FLAVOUR, _tf, KERAS_VERSION = _select_keras()

#: True on Keras 3 (any backend).
KERAS_3 = FLAVOUR == "keras3"
#: "tensorflow", "jax" or "torch".
BACKEND = keras.backend.backend()
#: The TensorFlow version, or None when TensorFlow is not the backend.
TF_VERSION = _tf.__version__ if _tf is not None else None


def describe():
    """One line naming the running Keras, e.g. ``keras 3.13.1 (keras3, backend jax)``."""
    tf_part = ", tensorflow %s" % TF_VERSION if TF_VERSION else ""
    return "keras %s (%s, backend %s%s)" % (KERAS_VERSION, FLAVOUR, BACKEND, tf_part)


def _softmax(k, x, axis):
    if x.shape[axis] == 1:  # keras.ops.softmax warns on a size-1 axis (T=1 or output_dim=1)
        return k.ones_like(x)
    return k.softmax(x, axis=axis)


def _tf_softmax(x, axis=-1):
    """Softmax as exp / sum. TensorFlow with oneDNN rewrites its Softmax op into a oneDNN
    primitive that costs 3-15 microseconds more per call than these three plain ops
    on the decoder's small (B, T) and (B, O) tensors (benchmarks/ops_micro.py), and a step
    calls it twice. The max is a constant for the gradient: it cancels out mathematically."""
    tf = _tf
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
        import tensorflow as tf

        return tf.split(x, list(sizes), axis=-1)
    return keras.ops.split(x, list(_cumsum(sizes[:-1])), axis=-1)


def _keras3_ops():
    k = keras.ops
    return types.SimpleNamespace(
        cast=k.cast,
        concatenate=lambda tensors, axis=-1: k.concatenate(list(tensors), axis=axis),
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
        convert_to_tensor=k.convert_to_tensor,
        # A NumPy array from any backend's tensor (np.asarray fails on a torch tensor
        # that requires grad, which every eager layer call on the torch backend returns).
        convert_to_numpy=k.convert_to_numpy,
        dtype_of=lambda x: keras.backend.standardize_dtype(x.dtype),
    )


def _tf_ops():
    tf = _tf

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
        convert_to_tensor=tf.convert_to_tensor,
        convert_to_numpy=lambda x: x.numpy() if hasattr(x, "numpy") else np.asarray(x),
        dtype_of=lambda x: tf.as_dtype(x.dtype).name,
    )


#: Tensor ops with one spelling on every flavour and backend.
ops = _keras3_ops() if KERAS_3 else _tf_ops()


#: Fewest batch rows per chain worth a chain of its own (see ``parallel_chains``).
MIN_CHAIN_ROWS = 8

#: Whether the batch may be cut into chains at all. On TF 2.8-2.11, XLA (``jit_compile``)
#: cannot compile the gradient of the ``tf.cond`` that picks the pieces at run time
#: ("left_branch_shape.rank() != right_branch_shape.rank()"), and a layer cannot tell at
#: trace time whether XLA will compile it; those versions decode the batch as one chain.
CHAINS_SUPPORTED = TF_VERSION is not None and Version(TF_VERSION) >= Version("2.12")


def parallel_chains(batch_size=None):
    """Into how many pieces to cut the batch so the pieces decode side by side (1: no cut).

    A decoder step is a chain of small ops (a (64, 150) matrix product, a tanh over
    (64, 5, 150)), each too small for TensorFlow to spread over several cores. Its
    graph executor does run independent ops at once, though, so two half-batch
    decoding chains keep two CPU cores busy where one chain leaves one idle: on the
    tutorial model the attention/baseline speed ratio goes from 0.84 to 0.96 in
    training and predict on Keras 3 (benchmarks/results/). The rows never mix, so the
    numbers are the same. Cut in two only where that helps: TensorFlow in graph
    mode (eager runs ops one by one), on CPU only (a GPU would get twice the
    kernel launches), with at least two cores and inter-op threads, and with at
    least ``MIN_CHAIN_ROWS`` rows per piece: when the batch size is known only at
    run time, the caller checks it there (``if_batch_at_least``).

    The environment variable ``COMPAT_ATTENTION_CHAINS`` overrides the count where
    a cut is possible (``1`` turns it off; the benchmark uses it to time both).

    Args:
        batch_size: The static batch size, or None when it is only known at run time.

    Returns:
        A positive int.
    """
    tf = _tf
    if not CHAINS_SUPPORTED or tf.executing_eagerly():
        return 1
    if batch_size is not None and batch_size < 2 * MIN_CHAIN_ROWS:
        return 1
    forced = os.environ.get("COMPAT_ATTENTION_CHAINS", "").strip()
    if forced:
        if not forced.isdigit() or int(forced) < 1:
            raise ValueError("COMPAT_ATTENTION_CHAINS=%r: set it to a positive integer (1 turns the cut off), "
                             "or unset it." % forced)
        return int(forced)
    if (os.cpu_count() or 1) < 2 or tf.config.threading.get_inter_op_parallelism_threads() == 1:
        return 1
    if tf.config.list_logical_devices("GPU"):
        return 1
    return 2


def if_batch_at_least(tensor, rows, big, small):
    """``big()`` when ``tensor`` has at least ``rows`` rows, else ``small()``.

    Decided once when the batch size is static; otherwise a ``tf.cond`` decides at
    run time (TensorFlow only, like ``parallel_chains``), so a model traced for any
    batch size still runs a batch of 1 (the tutorial trains one pair at a time) the
    plain way.
    """
    size = tensor.shape[0]
    if size is not None:
        return big() if size >= rows else small()
    return _tf.cond(_tf.shape(tensor)[0] >= rows, big, small)


def cut_batch(tensor, pieces):
    """Cut ``tensor`` along its first (batch) axis into ``pieces`` near-equal parts.

    One op whose gradient is one concat (slices would each scatter their gradient
    into a zero tensor of the whole batch). Used only where ``parallel_chains`` cuts,
    that is on TensorFlow.

    Args:
        tensor: a (B, ...) tensor; B may be known only at run time.
        pieces: the number of parts.

    Returns:
        A list of ``pieces`` tensors, in row order.
    """
    tf = _tf
    size = tf.shape(tensor)[0]
    sizes = tf.stack([size * (i + 1) // pieces - size * i // pieces for i in range(pieces)])
    return tf.split(tensor, sizes, num=pieces, axis=0)


def dropout_mask(shape, rate, dtype, seed=None):
    """A dropout mask of ``shape``: 0 with probability ``rate``, else ``1 / (1 - rate)``."""
    if KERAS_3:
        return keras.random.dropout(keras.ops.ones(shape, dtype=dtype), rate, seed=seed)
    return _tf.nn.dropout(_tf.ones(shape, dtype=dtype), rate=rate, seed=seed)


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
    if _tf is not None and _tf.is_tensor(training):
        return training
    return bool(training)


def in_train_phase(train_fn, test_fn, training):
    """``train_fn()`` when training, else ``test_fn()`` (a symbolic flag picks at run time)."""
    flag = is_training(training)
    if isinstance(flag, bool):
        return train_fn() if flag else test_fn()
    return _tf.cond(flag, train_fn, test_fn)


def build_sublayer(layer, input_shape):
    """Build a sub-layer from its parent's ``build``, naming its weights ``<parent>/<layer>/<weight>``.

    Keras 3 opens the sub-layer's name scope itself; Keras 2 only does so when the
    sub-layer is called, so a direct ``build`` would give two sub-layers' kernels the
    same name (``<parent>/kernel:0``), which ``.h5`` saving refuses.
    """
    if KERAS_3:
        layer.build(input_shape)
    else:
        with _tf.name_scope(layer.name):
            layer.build(input_shape)


def register_serializable(name=None):
    """Register a class or function under the ``compat_attention`` package name."""
    return keras.utils.register_keras_serializable(package=PACKAGE, name=name)


@register_serializable(name="legacy_hard_sigmoid")
def legacy_hard_sigmoid(x):
    """Keras 2.0.8's ``hard_sigmoid``: ``clip(0.2 * x + 0.5, 0, 1)``.

    Keras 3 redefined ``hard_sigmoid`` with slope 1/6; legacy LSTM/GRU layers
    (whose default ``recurrent_activation`` was ``'hard_sigmoid'``) need this one
    to compute what they computed in 2017.

    Args:
        x: a tensor.

    Returns:
        A tensor of the same shape and dtype.
    """
    if KERAS_3:
        k = keras.ops
        return k.clip(0.2 * x + 0.5, 0.0, 1.0)
    return _tf.clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


#: What a legacy ``recurrent_activation='hard_sigmoid'`` must become on the running Keras:
#: the built-in name where it still means slope 0.2 (Keras 2), else our function.
LEGACY_HARD_SIGMOID = legacy_hard_sigmoid if KERAS_3 else "hard_sigmoid"

#: Keyword arguments the running ``keras.layers.RNN`` accepts besides ``cell``.
RNN_KWARGS = (
    ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")
    if KERAS_3
    else ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "time_major",
          "zero_output_for_mask")
)


def _save_suffixes():
    if KERAS_3:
        return (".keras",)  # Keras 3 writes legacy .h5 too, but not files tf.keras 2 can read back
    if FLAVOUR == "tf_keras" or Version(KERAS_VERSION) >= Version("2.13"):
        return (".keras", ".h5")
    return (".h5",)  # before 2.13, model.save("x.keras") wrote a SavedModel folder


#: File suffixes ``model.save`` writes as a single reloadable file on the running Keras.
SAVE_SUFFIXES = _save_suffixes()


def keras_mask_of(tensor):
    """The Keras mask that the layer which made ``tensor`` attached to it, or None.

    Keras fills a layer's ``mask`` argument from its input only when the call
    has a single tensor argument (Keras 3), or not at all when tensors are
    passed as keywords (Keras 2); a layer called with ``initial_state=`` reads
    the mask of its input with this instead.
    """
    if KERAS_3:
        try:  # Keras 3 has no public spelling; on torch the mask lives in a side table
            from keras.src.backend.common.masking import get_keras_mask
        except ImportError:  # pragma: no cover - a Keras 3 that moved it
            return getattr(tensor, "_keras_mask", None)
        return get_keras_mask(tensor)
    return getattr(tensor, "_keras_mask", None)


def node_call_arguments(layer, index=0):
    """The ``(args, kwargs)`` a functional model called ``layer`` with, for its ``index``-th call.

    Keras 3 keeps them on ``node.arguments``, Keras 2 on ``node.call_args`` /
    ``node.call_kwargs``. Keras 3 also records the ``mask`` it passed; Keras 2
    carries masks on the tensors instead.
    """
    node = layer._inbound_nodes[index]
    if KERAS_3:
        return tuple(node.arguments.args), dict(node.arguments.kwargs)
    return tuple(node.call_args), dict(node.call_kwargs)


def export_for_serving(model, path):
    """Write ``model`` as a TensorFlow SavedModel with a ``serve`` endpoint.

    On every TensorFlow flavour the result reloads the same way, without Keras or
    this package: ``tf.saved_model.load(path).serve(x)`` (also exposed as the
    ``serving_default`` signature, for TF Serving). Keras 3 uses its own
    ``model.export``; Keras 2 has none before 2.13, so a ``tf.Module`` is saved.

    Args:
        model: a built Keras model.
        path: the folder to write.

    Returns:
        ``path``.

    Raises:
        RuntimeError: the backend is not TensorFlow (SavedModel needs it).
    """
    if _tf is None:
        raise RuntimeError(
            "export_for_serving writes a TensorFlow SavedModel, but Keras runs on %s without TensorFlow; "
            "save with model.save('model.keras') instead, or run on the TensorFlow backend." % BACKEND)
    if KERAS_3:
        model.export(path)
        return path
    specs = [_tf.TensorSpec(t.shape, t.dtype, name=t.name.split(":")[0]) for t in model.inputs]
    module = _tf.Module()
    module.model = model
    module.serve = _tf.function(
        lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False), input_signature=specs)
    _tf.saved_model.save(module, path, signatures={"serving_default": module.serve})
    return path
