"""Which Keras is running: the flavour, its version, its backend, and what differs between them.

Three flavours are supported:

* ``"tf.keras"``: Keras 2 bundled with TensorFlow 2.8-2.15 (``tf.keras``);
* ``"tf_keras"``: the ``tf_keras`` package on TensorFlow >= 2.16 with
  ``TF_USE_LEGACY_KERAS=1``;
* ``"keras3"``: Keras 3 on any backend (TensorFlow, JAX, PyTorch).

The rest of the package imports ``keras`` from here and asks for capabilities
(``HARD_SIGMOID_SLOPE_0_2``, ``CAN_CUT_BATCH``, ...), never for a version.
"""

import os

from packaging.version import Version

from .detect import truthy, unsupported_keras

#: The package name under which our classes are registered for serialization.
PACKAGE = "compat_attention"


#: What to ``pip install`` for each Keras 3 backend.
_BACKEND_PACKAGES = {"tensorflow": "tensorflow-cpu", "jax": "'jax[cpu]'", "torch": "torch"}


def _select_keras():
    """Return (keras module, flavour name, tensorflow module or None, keras version)."""
    if truthy(os.environ.get("TF_USE_LEGACY_KERAS", "")):
        try:
            import tf_keras
        except ImportError:
            tf_keras = None
        if tf_keras is not None:
            import tensorflow as tf

            return tf_keras, "tf_keras", tf, tf_keras.__version__
    try:
        import keras
    except ImportError as exc:
        keras = None
        if "keras" not in str(exc):  # Keras is there, its backend is not
            backend = os.environ.get("KERAS_BACKEND", "tensorflow")
            raise ImportError(
                "compat_attention: Keras cannot start its %r backend (%s); install it (pip install %s) "
                "or choose another with KERAS_BACKEND" % (backend, str(exc).strip().splitlines()[0],
                                                          _BACKEND_PACKAGES.get(backend, backend))) from exc
    if keras is not None and Version(keras.__version__).major >= 3:
        tf = None
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf
        return keras, "keras3", tf, keras.__version__
    try:
        import tensorflow as tf
    except ImportError as exc:
        raise ImportError(
            "compat_attention needs Keras: pip install tensorflow-cpu (TensorFlow with Keras), or keras "
            "with jax or torch and KERAS_BACKEND set (%s)" % str(exc).strip().splitlines()[0]) from exc

    # TF 2.8-2.15: tf.keras is the Keras 2 package, which has no __version__ of its own.
    version = keras.__version__ if keras is not None else tf.__version__
    return tf.keras, "tf.keras", tf, version


if unsupported_keras():  # from package metadata, before an unsupported Keras is imported
    raise ImportError(unsupported_keras())
keras, FLAVOUR, tf, KERAS_VERSION = _select_keras()

#: True on Keras 3 (any backend).
KERAS_3 = FLAVOUR == "keras3"
#: "tensorflow", "jax" or "torch".
BACKEND = keras.backend.backend()
#: The TensorFlow version, or None when TensorFlow is not the backend.
TF_VERSION = tf.__version__ if tf is not None else None

#: Whether the built-in ``hard_sigmoid`` is still Keras 2.0.8's (slope 0.2); Keras 3 redefined
#: it with slope 1/6.
HARD_SIGMOID_SLOPE_0_2 = not KERAS_3

#: Whether the decoder may cut a batch into chains that TensorFlow's executor runs side by
#: side (``decoder/loops.py``). Needs TensorFlow, and TF >= 2.12: on TF 2.8-2.11, XLA
#: (``jit_compile``) cannot compile the gradient of the ``tf.cond`` that picks the pieces at
#: run time ("left_branch_shape.rank() != right_branch_shape.rank()"), and a layer cannot
#: tell at trace time whether XLA will compile it.
CAN_CUT_BATCH = TF_VERSION is not None and Version(TF_VERSION) >= Version("2.12")

#: Whether a recurrent layer may unroll over a masked input in both directions. Keras 3's torch
#: backend fails there ("'tuple' object has no attribute 'shape'", Bidirectional(LSTM(unroll=True))
#: over an Embedding(mask_zero=True), Keras 3.15); unrolling changes no number, only speed.
CAN_UNROLL_MASKED_BACKWARDS = BACKEND != "torch"

#: Whether a transposed convolution with ``padding='same'`` and a stride > 1 computes what
#: TensorFlow, JAX and Keras 2.0.8 compute. Measured: on Keras 3's torch backend, Keras 3.5.0
#: through 3.14.0 shift Conv2DTranspose(strides=2, padding='same') by one pixel (the zoo's
#: conv2d_stack: max abs diff 0.0595 on keras 3.5.0); Keras 3.15.1 crops torch's output as JAX
#: pads, for every rank. Earlier Keras 3 on torch is taken as no better.
TRANSPOSED_CONV_SAME_PADDING_EXACT = BACKEND != "torch" or Version(KERAS_VERSION) >= Version("3.15.1")

def _takes_zero_output_padding():
    try:
        keras.layers.Conv1DTranspose(1, 3, strides=2, output_padding=0)
    except ValueError:
        return False
    return True


#: Whether a transposed convolution takes an ``output_padding`` holding a 0 (as Keras 2 and tf.keras wrote
#: it, e.g. ``(1, 0)``). Measured: Keras 3.0.5, 3.2, 3.5 and 3.10 refuse it ("must be a tuple of 2 integers
#: ... that do not satisfy `value > 0`"), Keras 3.15.1 takes it; read from the running class (a layer made,
#: never built).
TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING = _takes_zero_output_padding()

#: Whether ``Bidirectional(LSTM(..., return_state=True))`` builds. Keras 3.0.5-3.1.1 fail in
#: their own Bidirectional.call ("can only concatenate list (not "tuple") to list"), plain
#: Keras; 3.2.0 builds it. There, run a forward and a ``go_backwards=True`` layer side by side
#: and pass both states as ``initial_state``.
BIDIRECTIONAL_RETURNS_STATES = not KERAS_3 or Version(KERAS_VERSION) >= Version("3.2.0")

#: Whether the running ``MultiHeadAttention.from_config`` requires ``query_shape``, ``key_shape`` and
#: ``value_shape`` in the config (tf.keras 2.10-2.15 pop all three: a tf.keras 2.4-2.9 config lacks them);
#: Keras 3 refuses them, and tf.keras 2.4-2.9 take none (no ``from_config`` of its own).
MULTI_HEAD_ATTENTION_NEEDS_BUILD_SHAPES = not KERAS_3 and "from_config" in vars(keras.layers.MultiHeadAttention)

#: Keyword arguments the running ``keras.layers.RNN`` accepts besides ``cell``.
RNN_KWARGS = (
    ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask")
    if KERAS_3
    else ("return_sequences", "return_state", "go_backwards", "stateful", "unroll", "time_major",
          "zero_output_for_mask")
)


def describe():
    """One line naming the running Keras, e.g. ``keras 3.13.1 (keras3, backend jax)``."""
    tf_part = ", tensorflow %s" % TF_VERSION if TF_VERSION else ""
    return "keras %s (%s, backend %s%s)" % (KERAS_VERSION, FLAVOUR, BACKEND, tf_part)


def quiet_logs():
    """Hide the backend's Python-side log lines (TensorFlow's retracing warnings, absl INFO)."""
    if tf is not None:
        tf.get_logger().setLevel("ERROR")
    try:
        import absl.logging
    except ImportError:
        return
    absl.logging.set_verbosity(absl.logging.ERROR)


def register_serializable(name=None):
    """Register a class or function under the ``compat_attention`` package name."""
    return keras.utils.register_keras_serializable(package=PACKAGE, name=name)


def register_legacy_subclass(cls, base, doc):
    """Name ``cls`` (a subclass a factory made of Keras' ``base``) ``Legacy<Base>``, give it ``doc``
    (``%s``: the base's name) and register it (``register_serializable``): one rule for every such class."""
    cls.__name__ = cls.__qualname__ = "Legacy" + base.__name__
    cls.__doc__ = doc % base.__name__
    return register_serializable(name=cls.__name__)(cls)
