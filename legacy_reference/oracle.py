"""A float64 NumPy oracle of the legacy Keras 2.0.8 forward passes.

Written from ``LEGACY_SEMANTICS.md`` (the fact sheet of the legacy layer), not
from the legacy source. It covers exactly what the golden fixtures need:

* ``attention_decoder``: the legacy ``AttentionDecoder`` forward pass;
* ``time_distributed_dense``: the legacy ``_time_distributed_dense`` helper;
* ``lstm``, ``embedding``, ``bidirectional``: the Keras 2.0.8 layers that sit in
  front of the decoder in the fixtures (``hard_sigmoid`` with slope 0.2, and the
  Keras 2.0.8 masking rule: a masked step keeps the state and repeats the last
  output);
* ``read_h5_weights`` and ``predict_case``: run a whole golden case from its
  ``.h5`` file, independently of any Keras.

Everything here is plain NumPy in float64, so the oracle's own error against
the float32 golden outputs is a measure of float32 rounding on the legacy stack.
"""

import json
import os
from collections import OrderedDict

import numpy as np

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

#: The 21 legacy weights, in the order the layer creates them (and ``.h5`` stores them).
WEIGHT_NAMES = (
    "V_a", "W_a", "U_a", "b_a",
    "C_r", "U_r", "W_r", "b_r",
    "C_z", "U_z", "W_z", "b_z",
    "C_p", "U_p", "W_p", "b_p",
    "C_o", "U_o", "W_o", "b_o",
    "W_s",
)


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def hard_sigmoid_legacy(v):
    """Keras 2.0.8 ``hard_sigmoid``: clip(0.2 * v + 0.5, 0, 1)."""
    return np.clip(0.2 * v + 0.5, 0.0, 1.0)


def softmax(v, axis=-1):
    shifted = v - np.max(v, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def weight_shapes(input_dim, units, output_dim):
    """Shape of each legacy weight, keyed by name (D = input_dim, U = units, O = output_dim)."""
    d, u, o = input_dim, units, output_dim
    shapes = {"V_a": (u,), "W_a": (u, u), "U_a": (d, u), "b_a": (u,), "W_s": (d, u)}
    for gate in "rzp":
        shapes.update({"C_" + gate: (d, u), "U_" + gate: (u, u), "W_" + gate: (o, u), "b_" + gate: (u,)})
    shapes.update({"C_o": (d, o), "U_o": (u, o), "W_o": (o, o), "b_o": (o,)})
    return shapes


def attention_decoder(x, weights, return_probabilities=False):
    """The legacy AttentionDecoder forward pass.

    Args:
        x: encoder sequence, shape (B, T, D).
        weights: the 21 arrays in ``WEIGHT_NAMES`` order (or a dict keyed by name).
        return_probabilities: return the attention matrix instead of the outputs.

    Returns:
        (B, T, O) outputs, or (B, T, T) attention weights (decoder step, encoder step).
    """
    if not isinstance(weights, dict):
        weights = dict(zip(WEIGHT_NAMES, weights))
    w = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
    x = np.asarray(x, dtype=np.float64)
    batch, steps, _ = x.shape

    state = np.tanh(x[:, 0, :] @ w["W_s"])               # s_0, no bias
    prev_y = np.zeros((batch, w["b_o"].shape[0]))          # y_0 = 0
    projected = x @ w["U_a"] + w["b_a"]                    # h, computed once

    outputs, attention = [], []
    for _ in range(steps):                                 # the step's own x_t is never read
        scores = np.tanh(projected + (state @ w["W_a"])[:, None, :]) @ w["V_a"]   # (B, T)
        alpha = softmax(scores, axis=1)
        context = np.einsum("bt,btd->bd", alpha, x)

        r = sigmoid(prev_y @ w["W_r"] + state @ w["U_r"] + context @ w["C_r"] + w["b_r"])
        z = sigmoid(prev_y @ w["W_z"] + state @ w["U_z"] + context @ w["C_z"] + w["b_z"])
        proposal = np.tanh(prev_y @ w["W_p"] + (r * state) @ w["U_p"] + context @ w["C_p"] + w["b_p"])
        new_state = (1.0 - z) * state + z * proposal
        # y_t reads the OLD state s_{t-1}: a legacy quirk that changes the numbers.
        y = softmax(prev_y @ w["W_o"] + state @ w["U_o"] + context @ w["C_o"] + w["b_o"])

        outputs.append(y)
        attention.append(alpha)
        state, prev_y = new_state, y

    if return_probabilities:
        return np.stack(attention, axis=1)
    return np.stack(outputs, axis=1)


def time_distributed_dense(x, w, b=None):
    """``x_t . w + b`` for every time slice of a 3-D ``x`` (dropout is identity at inference)."""
    out = np.asarray(x, np.float64) @ np.asarray(w, np.float64)
    if b is not None:
        out = out + np.asarray(b, np.float64)
    return out


def lstm(x, kernel, recurrent_kernel, bias, mask=None, go_backwards=False,
         recurrent_activation=hard_sigmoid_legacy):
    """Keras 2.0.8 LSTM (return_sequences=True), gate order i, f, c, o.

    At a masked step the state is kept and the previous output is repeated
    (zeros before the first real step), as Keras 2.0.8's ``K.rnn`` did.
    """
    x = np.asarray(x, np.float64)
    kernel, recurrent_kernel, bias = (np.asarray(a, np.float64) for a in (kernel, recurrent_kernel, bias))
    batch, steps, _ = x.shape
    units = recurrent_kernel.shape[0]
    if mask is None:
        mask = np.ones((batch, steps), dtype=bool)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    h = np.zeros((batch, units))
    c = np.zeros((batch, units))
    out = np.zeros((batch, units))
    outputs = []
    for t in order:
        gates = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i = recurrent_activation(gates[:, :units])
        f = recurrent_activation(gates[:, units:2 * units])
        c_new = f * c + i * np.tanh(gates[:, 2 * units:3 * units])
        o = recurrent_activation(gates[:, 3 * units:])
        h_new = o * np.tanh(c_new)
        keep = mask[:, t][:, None]
        h = np.where(keep, h_new, h)
        c = np.where(keep, c_new, c)
        out = np.where(keep, h_new, out)
        outputs.append(out)
    return np.stack(outputs, axis=1)


def gru(weights, x, recurrent_activation=hard_sigmoid_legacy):
    """Keras 2.0.8 GRU (return_sequences=True, no reset_after), gate order z, r, h.

    Args:
        weights: ``[kernel (D, 3U), recurrent_kernel (U, 3U), bias (3U,)]``.
        x: (B, T, D).
    """
    kernel, recurrent_kernel, bias = (np.asarray(a, np.float64) for a in weights)
    x = np.asarray(x, np.float64)
    units = recurrent_kernel.shape[0]
    h = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        from_x = x[:, t] @ kernel + bias
        z = recurrent_activation(from_x[:, :units] + h @ recurrent_kernel[:, :units])
        r = recurrent_activation(from_x[:, units:2 * units] + h @ recurrent_kernel[:, units:2 * units])
        candidate = np.tanh(from_x[:, 2 * units:] + (r * h) @ recurrent_kernel[:, 2 * units:])
        h = z * h + (1.0 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1)


def bidirectional_lstm(x, weights, mask=None):
    """Keras 2.0.8 ``Bidirectional(LSTM(return_sequences=True), merge_mode='concat')``."""
    forward = lstm(x, *weights[:3], mask=mask)
    backward = lstm(x, *weights[3:6], mask=mask, go_backwards=True)[:, ::-1]
    return np.concatenate([forward, backward], axis=-1)


def embedding(tokens, table):
    return np.asarray(table, np.float64)[np.asarray(tokens).astype(np.int64)]


def read_h5_weights(path):
    """Weights of a Keras 2.0.x ``.h5`` (full model or ``save_weights``), in file order.

    Returns:
        OrderedDict layer name -> list of arrays, in each layer's ``weight_names`` order.
    """
    import h5py

    with h5py.File(path, "r") as f:
        group = f["model_weights"] if "model_weights" in f else f
        layers = OrderedDict()
        for raw in group.attrs["layer_names"]:
            name = raw.decode() if isinstance(raw, bytes) else str(raw)
            layer_group = group[name]
            layers[name] = [
                np.asarray(layer_group[n.decode() if isinstance(n, bytes) else n])
                for n in layer_group.attrs["weight_names"]
            ]
    return layers


def golden_path(name):
    return os.path.join(GOLDEN_DIR, name)


def load_io(case):
    with np.load(golden_path(case + "_io.npz")) as data:
        return {k: data[k] for k in data.files}


def manifest():
    with open(golden_path("manifest.json")) as f:
        return json.load(f)


def predict_case(case, x=None):
    """Run a golden case end to end in float64, from its ``.h5`` weights.

    Args:
        case: one of ``echo_seq``, ``echo_seq_probs``, ``nmt_bilstm``, ``nmt_bilstm_probs``, ``masked``.
        x: the model input; defaults to the case's stored ``x``.

    Returns:
        The prediction, in the layout our layer returns ((B, T, O), or (B, T, T) for probabilities).
    """
    probs = case.endswith("_probs")
    if x is None:
        x = load_io(case)["x"]
    if case in ("echo_seq", "echo_seq_probs"):
        w = read_h5_weights(golden_path("echo_seq.h5"))
        encoded = lstm(x, *w["lstm_1"])
        return attention_decoder(encoded, w["AttentionDecoder"], probs)
    if case in ("nmt_bilstm", "nmt_bilstm_probs"):
        w = read_h5_weights(golden_path(case + ".h5"))
        encoded = bidirectional_lstm(embedding(x, w["OneHot"][0]), w["bidirectional_1"])
        return attention_decoder(encoded, w["attention_decoder_1"], probs)
    if case == "masked":
        w = read_h5_weights(golden_path("masked.h5"))
        mask = np.asarray(x) != 0
        encoded = lstm(embedding(x, w["embedding_1"][0]), *w["lstm_1"], mask=mask)
        # The legacy decoder ignores the mask: it attends over the repeated padded outputs.
        return attention_decoder(encoded, w["AttentionDecoder"])
    raise ValueError("unknown golden case %r" % (case,))
