"""``CuDNNLSTM`` / ``CuDNNGRU`` (Keras 2.1-2.3, tf.keras 1.x) as the plain LSTM / GRU that compute what they did.

The CuDNN layers ran NVIDIA's cuDNN kernels (GPU only); their semantics were fixed: ``tanh``
output, ``sigmoid`` gates, and for the GRU the reset gate applied AFTER the recurrent product
with two bias vectors (``GRU(reset_after=True)``). Configs carry none of these settings, and the
weights are stored in cuDNN's layout (the facts, from the stacks' ``layers/cudnn_recurrent.py``
and ``engine/saving.py: _convert_rnn_weights``; each era's README lists them with its cases):

* ``kernel`` (D, nU) and ``recurrent_kernel`` (U, nU): n column blocks in Keras' gate order
  (LSTM i, f, c, o; GRU z, r, h). cuDNN read each input block's values in C order as its (U, D)
  input matrix, so the plain layer's (D, U) block is ``block.reshape(U, D).T``; a recurrent
  block was read as cuDNN's (U, U) matrix: the plain block is ``block.T``.
* ``bias`` (2nU,): all input biases, then all recurrent biases. The LSTM adds both before its
  gates: the plain bias is their sum (nU,); the GRU keeps both: the plain bias is (2, nU).

Used by the sources of those stacks (``CUDNN_REWRITES``: their configs) and by the weights
assignment (``convert_weights``: every file, recognised from the weights' shapes alone, as the
stacks' own loaders did), so ``load_legacy_weights`` converts them for plain targets too.
"""

import numpy as np

from .._keras.flavour import keras
from .rewrites import layer_rewrite

#: The CuDNN layer classes, and the plain class each becomes.
PLAIN_CLASS = {"CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU"}

#: Gates per plain class.
GATES = {"LSTM": 4, "GRU": 3}

#: What a CuDNN layer computed, as the plain layer's settings.
CUDNN_SETTINGS = {
    "LSTM": {"activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True},
    "GRU": {"activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True, "reset_after": True},
}


@layer_rewrite("CuDNNLSTM (Keras 2.1+, tf.keras 1.x) ran cuDNN's LSTM: tanh, sigmoid gates, both bias vectors "
               "summed; it becomes LSTM(recurrent_activation='sigmoid'), its weights converted from cuDNN's layout "
               "when assigned.")
def cudnn_lstm_as_lstm(class_name, config):
    return _as_plain(class_name, config, "CuDNNLSTM")


@layer_rewrite("CuDNNGRU (Keras 2.1+, tf.keras 1.x) ran cuDNN's GRU: tanh, sigmoid gates, the reset gate after the "
               "recurrent product with separate input and recurrent biases; it becomes GRU(reset_after=True, "
               "recurrent_activation='sigmoid'), its weights converted from cuDNN's layout when assigned.")
def cudnn_gru_as_gru(class_name, config):
    return _as_plain(class_name, config, "CuDNNGRU")


def _as_plain(class_name, config, cudnn_class):
    if class_name != cudnn_class:
        return False
    plain = PLAIN_CLASS[cudnn_class]
    config.update(CUDNN_SETTINGS[plain])
    return plain


def plain_config(class_name, config):
    """The plain ``(class_name, config)`` a CuDNN layer becomes (a copy; other classes as they are).

    Example:

    >>> plain_config("CuDNNGRU", {"name": "g", "units": 3})
    ('GRU', {'name': 'g', 'units': 3, 'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': True, 'reset_after': True})
    """
    if class_name not in PLAIN_CLASS:
        return class_name, config
    plain = PLAIN_CLASS[class_name]
    return plain, dict(config, **CUDNN_SETTINGS[plain])


# -- weights ------------------------------------------------------------------------------------------

def is_cudnn_layout(arrays):
    """Whether ``[kernel, recurrent_kernel, bias]`` arrays are a CuDNN layer's: the kind, or None.

    A plain LSTM's bias is (4U,), a plain GRU's (3U,) or (2, 3U); cuDNN's is (8U,) or (6U,), with
    U the recurrent kernel's rows. (Keras' own loaders told the layouts apart the same way.)

    Returns:
        ``'LSTM'``, ``'GRU'``, or None.
    """
    if len(arrays) != 3:
        return None
    kernel, recurrent, bias = (np.asarray(a) for a in arrays)
    if kernel.ndim != 2 or recurrent.ndim != 2 or bias.ndim != 1:
        return None
    units = recurrent.shape[0]
    for kind, gates in GATES.items():
        if recurrent.shape == (units, gates * units) and kernel.shape[1] == gates * units \
                and bias.shape == (2 * gates * units,):
            return kind
    return None


def _input_block(block):
    """A (D, U) input-kernel block of cuDNN's layout as the plain layer's: cuDNN read its values in C
    order as a (U, D) matrix ``W`` with gate = ``W @ x``; the plain layer computes ``x @ W.T``."""
    inputs, units = block.shape
    return block.reshape(units, inputs).T


def to_plain(kind, arrays):
    """CuDNN ``[kernel, recurrent_kernel, bias]`` as the plain LSTM's / ``GRU(reset_after=True)``'s.

    Args:
        kind: ``'LSTM'`` or ``'GRU'`` (``is_cudnn_layout``).
        arrays: the three arrays in cuDNN's layout.

    Returns:
        ``[kernel (D, nU), recurrent_kernel (U, nU), bias]``, the bias (4U,) for an LSTM (input and
        recurrent biases summed) and (2, 3U) for a GRU.

    Example:

    >>> import numpy as np
    >>> kernel = np.arange(2 * 4 * 1, dtype="float32").reshape(2, 4)    # D=2, U=1
    >>> plain = to_plain("LSTM", [kernel, np.eye(1, 4, dtype="float32"), np.ones(8, "float32")])
    >>> plain[0].tolist(), plain[2].tolist()
    ([[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]], [2.0, 2.0, 2.0, 2.0])
    """
    gates = GATES[kind]
    kernel, recurrent, bias = (np.asarray(a) for a in arrays)
    kernel = np.concatenate([_input_block(b) for b in np.split(kernel, gates, axis=1)], axis=1)
    recurrent = np.concatenate([b.T for b in np.split(recurrent, gates, axis=1)], axis=1)
    inputs_bias, recurrent_bias = np.split(bias, 2)
    bias = inputs_bias + recurrent_bias if kind == "LSTM" else np.stack([inputs_bias, recurrent_bias])
    return [kernel, recurrent, bias.astype(arrays[2].dtype)]


def _recurrent_parts(layer):
    """The plain LSTM/GRU layers a target runs, in weight order (a Bidirectional: forward, backward)."""
    forward, backward = getattr(layer, "forward_layer", None), getattr(layer, "backward_layer", None)
    if forward is not None and backward is not None:
        return [forward, backward]
    inner = getattr(layer, "layer", None)
    return [inner if inner is not None else layer]


def _plain_kind(layer):
    for base in type(layer).__mro__:
        if base.__name__ in GATES and hasattr(layer, "cell"):
            return base.__name__
    return None


def convert_weights(layer, arrays):
    """A layer's stored arrays, converted where they are a CuDNN layer's and ``layer`` is the plain kind.

    Args:
        layer: the target layer (LSTM, GRU, a wrapper of one, or anything else).
        arrays: ``[(weight name, array)]`` as the file stores them for that layer.

    Returns:
        ``arrays`` as they are, or with each CuDNN part (a Bidirectional's halves separately)
        replaced by the plain layout. A CuDNN GRU meant for a ``GRU(reset_after=False)`` stays as
        it is: its shapes do not fit, and ``load_legacy_weights``' target check names the fix.
    """
    parts = _recurrent_parts(layer)
    if not arrays or len(arrays) % len(parts):
        return arrays
    size = len(arrays) // len(parts)
    converted = []
    for i, part in enumerate(parts):
        piece = arrays[i * size:(i + 1) * size]
        kind = is_cudnn_layout([a for _, a in piece])
        if kind is None or kind != _plain_kind(part) or (kind == "GRU" and not getattr(part.cell, "reset_after", 0)):
            converted.extend(piece)
            continue
        converted.extend(zip([name for name, _ in piece], to_plain(kind, [a for _, a in piece])))
    return converted


def stored_kind(arrays):
    """``'LSTM'`` / ``'GRU'`` when a stored layer's arrays (``[(name, array)]``; a Bidirectional's two
    halves) are in cuDNN's layout, else None: what a weights-only file says of its CuDNN layers."""
    arrays = [a for _, a in arrays]
    for parts in (1, 2):
        if arrays and len(arrays) % parts == 0:
            size = len(arrays) // parts
            kinds = {is_cudnn_layout(arrays[i * size:(i + 1) * size]) for i in range(parts)}
            if len(kinds) == 1 and None not in kinds:
                return kinds.pop()
    return None


#: The CuDNN classes by name, as the plain Keras classes they are rebuilt as: a source of CuDNN files adds these
#: to its custom objects, so that the class checks (run before the rewrites) know the names.
CUDNN_CLASSES = {"CuDNNLSTM": keras.layers.LSTM, "CuDNNGRU": keras.layers.GRU}

#: The rewrites a source of CuDNN files lists, in this order (before the recurrent layers' facts).
CUDNN_REWRITES = (cudnn_lstm_as_lstm, cudnn_gru_as_gru)
