"""Write an era folder of tf.keras 2 files: small models saved by tf.keras of TensorFlow 2.x.

Runs on a genuine TensorFlow 2 stack (TF 2.0 to 2.15 with its own tf.keras; tried on 2.0.4,
2.1.4, 2.4.4 and 2.14.1, see ``legacy_reference/eras/tf_keras2_*/README.md``)::

    python make_tf2_zoo.py OUT_DIR            # every case the stack has
    python make_tf2_zoo.py OUT_DIR case ...   # some cases (the others' manifest entries stay)
    python make_tf2_zoo.py OUT_DIR --small    # the SMALL selection (an era kept short: tf_keras2_0)

As ``make_zoo.py`` (the Keras 2.0.8 zoo), per case: ``<case>.h5`` (``model.save`` in the HDF5
format), ``<case>_io.npz`` (``x<i>`` inputs as fed to ``predict``, ``y<i>`` what it returned;
compiled cases also ``train_x*``/``train_y*``, ``loss_before_step``, ``evaluate_before_step``,
``after_step_w<j>`` and ``after_step_y0``), and ``manifest.json``. Weights-only cases (``kind``
``weights``) also write ``<case>_weights.h5`` (``model.save_weights`` in the HDF5 format) and
record ``modern_keras_code``: the same model written for today's ``keras``, so that a test can
build it and load the weights file into it.

Besides the cases the manifest records what this stack computes where eras differ
(``measured``): the slope of ``hard_sigmoid``, the config each recurrent class writes with its
default arguments, and what masked recurrent layers output at padded steps (per case,
``padded_steps``).

Only stock tf.keras is used; no legacy attention code.
"""

import inspect
import json
import os
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from _fixture_common import masked_float_batch, normal, rng, token_batch, train_steps  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)

keras = tf.keras
K = keras.backend
L = keras.layers
Model, Sequential = keras.Model, keras.Sequential

TF = tuple(int(p) for p in tf.__version__.split(".")[:2])
B = 6  # batch of stored inputs

#: Layer classes a modern loader must refuse (with a typed LegacyFileError), never load.
REFUSED = {
    "Lambda": "UnsafeLambdaError",            # marshaled bytecode: never run unless the user opts in
    "Sequential": "UnknownLayerError",        # a model used as a layer: not rebuilt, refused by name
    "Model": "UnknownLayerError",
    "Functional": "UnknownLayerError",
    "TensorFlowOpLayer": "UnknownLayerError",  # a raw TF op in a functional model (TF 2.0-2.3): a NodeDef
    "TFOpLambda": "UnknownLayerError",         # the same from TF 2.4 on: a TF symbol by name
    "SlicingOpLambda": "UnknownLayerError",
}

CASES = []


def case(fn=None, since=None):
    """Register a case; ``since`` (TF (major, minor)) limits it to the stacks that have its classes."""
    def register(f):
        f.since = since
        CASES.append(f)
        return f
    return register(fn) if fn is not None else register


def available(fn):
    return fn.since is None or TF >= fn.since


def preprocessing(name):
    """A preprocessing layer class: ``keras.layers.X`` (TF >= 2.6) or its experimental home (2.1-2.5)."""
    found = getattr(L, name, None)
    if found is None:
        found = getattr(getattr(getattr(L, "experimental", None), "preprocessing", None), name, None)
    return found


def policy(name):
    """A mixed-precision Policy object: ``keras.mixed_precision.Policy`` (TF >= 2.4) or experimental (2.1-2.3)."""
    mp = keras.mixed_precision
    return (getattr(mp, "Policy", None) or mp.experimental.Policy)(name)


# -- weights ----------------------------------------------------------------------------------
def perturb(model, r):
    """Make constant-initialised weights (biases, gammas, alphas, moving stats) non-trivial."""
    for w in model.weights:
        if not w.dtype.is_floating:
            continue
        v = K.get_value(w)
        if v.size and np.all(v == v.flat[0]):
            noise = r.normal(0, 0.3, size=v.shape).astype(v.dtype)
            if "variance" in w.name:
                v = (np.abs(noise) + 0.5).astype(v.dtype)
            elif "gamma" in w.name:
                v = (1.0 + noise).astype(v.dtype)
            else:
                v = (v + noise).astype(v.dtype)
            K.set_value(w, v)


def classes_of(config):
    """Every layer class a model config names: wrapped layers, RNN cells and nested models too."""
    found = set()

    def visit(entry):
        class_name, cfg = entry["class_name"], entry.get("config")
        found.add(class_name)
        if not isinstance(cfg, dict):
            return
        for key in ("layer", "backward_layer", "cell"):
            if isinstance(cfg.get(key), dict) and "class_name" in cfg[key]:
                visit(cfg[key])
        for inner in cfg.get("cells", []) if isinstance(cfg.get("cells"), list) else []:
            visit(inner)
        if class_name in ("Sequential", "Model", "Functional"):
            for inner in cfg["layers"]:
                visit(inner)

    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    for layer in layers:
        visit(layer)
    return sorted(found)


# -- what padded steps output -------------------------------------------------------------------
def _classify(seq, valid, backward):
    """What each masked step of one row outputs: 'zeros', 'previous' (the output of the last valid step in
    processing order; forward: the step before, backward: the step after) or 'other'. Masked steps before
    any valid step (in processing order) are zero under both rules and are not counted."""
    kinds = set()
    last = None
    for t in (range(len(seq) - 1, -1, -1) if backward else range(len(seq))):
        if valid[t]:
            last = seq[t]
        elif last is not None:
            kinds.add("zeros" if not np.any(seq[t]) else "previous" if np.array_equal(seq[t], last) else "other")
    return kinds


def padded_steps(model, layer_name, x):
    """What ``layer_name`` (an RNN or Bidirectional with return_sequences) outputs at masked steps of ``x``."""
    layer = model.get_layer(layer_name)
    sub = Model(model.inputs, layer.output)
    out = sub.predict(x, verbose=0) if TF >= (2, 2) else sub.predict(x)
    valid = (x != 0) if x.ndim == 2 else np.any(x != 0, axis=-1)
    if isinstance(out, list):                      # Bidirectional(merge_mode=None)
        parts = {"forward": out[0], "backward": out[1]}
    elif type(layer).__name__ == "Bidirectional":
        if layer.merge_mode != "concat":
            raise ValueError("probe a concat or None Bidirectional to see each direction")
        half = out.shape[-1] // 2
        parts = {"forward": out[..., :half], "backward": out[..., half:]}
    elif getattr(layer, "go_backwards", False):  # its output runs in processing order: last input step first
        parts = {"forward": out}
        valid = valid[:, ::-1]
    else:
        parts = {"forward": out}
    result = {}
    for direction, seq in parts.items():
        kinds = set()
        for b in range(len(x)):
            kinds |= _classify(seq[b], valid[b], backward=(direction == "backward"))
        result[direction] = "+".join(sorted(kinds)) or "zeros"
    return result


def predict(model, xs):
    args = {"verbose": 0} if TF >= (2, 2) else {}
    ys = model.predict(xs if len(xs) > 1 else xs[0], **args)
    return ys if isinstance(ys, list) else [ys]


# ============================================================================================
# Masked recurrent layers, plain and wrapped
# ============================================================================================
def _emb_rnn(name, rnn, merge_mode="concat", return_sequences=True, head=True, doc=""):
    def build(r):
        inp = L.Input((8,), dtype="int32")
        h = L.Embedding(20, 6, mask_zero=True)(inp)
        if merge_mode == "plain":
            out = rnn(return_sequences, "rnn")(h)
        else:
            out = L.Bidirectional(rnn(return_sequences, None), merge_mode=merge_mode, name="bidi")(h)
        if merge_mode is None:
            outs = [L.Dense(3)(out[0]), out[1]] if head else out
        else:
            outs = [L.Dense(3)(out)] if head else [out]
        model = Model(inp, outs if len(outs) > 1 else outs[0])
        extra = {}
        if return_sequences and merge_mode in ("plain", "concat", None):
            extra["probe"] = "rnn" if merge_mode == "plain" else "bidi"
        return model, [token_batch(r)], extra
    build.__name__ = name
    build.__doc__ = doc
    return build


_lstm = lambda rs, n: L.LSTM(5, return_sequences=rs, name=n)  # noqa: E731
_gru = lambda rs, n: L.GRU(5, return_sequences=rs, name=n)  # noqa: E731

_BIDI_DOC = ("Embedding(mask_zero=True) -> Bidirectional(%s, merge_mode=%r): what the wrapper outputs at "
             "padded steps (manifest: padded_steps).")
for _mode, _tag in (("concat", "concat"), ("sum", "sum"), ("ave", "ave"), ("mul", "mul"), (None, "none")):
    case(_emb_rnn("emb_bilstm_%s" % _tag, _lstm, _mode, doc=_BIDI_DOC % ("LSTM", _mode)))
for _mode, _tag in (("concat", "concat"), (None, "none")):
    case(_emb_rnn("emb_bigru_%s" % _tag, _gru, _mode, doc=_BIDI_DOC % ("GRU (default reset_after=True)", _mode)))
case(_emb_rnn("emb_bilstm_hard_sigmoid_concat",
              lambda rs, n: L.LSTM(5, recurrent_activation="hard_sigmoid", return_sequences=rs, name=n), "concat",
              doc="Bidirectional(LSTM(recurrent_activation='hard_sigmoid')) over a mask: an LSTM that cannot take "
                  "the cuDNN-capable path of tf.keras 2 (manifest: padded_steps; compare emb_bilstm_concat)."))
case(_emb_rnn("emb_bilstm_last_concat", _lstm, "concat", return_sequences=False))
case(_emb_rnn("emb_bigru_last_ave", _gru, "ave", return_sequences=False))
case(_emb_rnn("emb_lstm_seq", _lstm, "plain",
              doc="A masked plain LSTM (return_sequences=True): what it outputs at padded steps."))
case(_emb_rnn("emb_gru_seq", _gru, "plain",
              doc="A masked plain GRU (return_sequences=True): what it outputs at padded steps."))


@case
def emb_lstm_go_backwards(r):
    """A masked LSTM with go_backwards=True (its output sequence stays in processing order)."""
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    out = L.LSTM(5, return_sequences=True, go_backwards=True, name="rnn")(h)
    return Model(inp, out), [token_batch(r)], {"probe": "rnn"}


@case
def emb_stacked_bidirectional(r):
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="concat"),
        L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="sum"),
        L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="ave"),
        L.TimeDistributed(L.Dense(3, activation="softmax")),
    ])
    return model, [token_batch(r)]


@case
def emb_td_dense_lstm(r):
    """TimeDistributed(Dense) over a mask, then a masked Bidirectional and LSTM."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.TimeDistributed(L.Dense(7, activation="relu")),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="mul"),
        L.TimeDistributed(L.Dense(3)),
        L.LSTM(4, return_sequences=True),
    ])
    return model, [token_batch(r)]


@case
def emb_bidirectional_backward_layer(r):
    """Bidirectional with an explicit backward_layer (a GRU, go_backwards=True) over a mask: tf.keras 2 only."""
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    out = L.Bidirectional(L.LSTM(4, return_sequences=True),
                          backward_layer=L.GRU(4, return_sequences=True, go_backwards=True), name="bidi")(h)
    return Model(inp, L.Dense(2)(out)), [token_batch(r)], {"probe": "bidi"}


@case
def emb_masked_global_average(r):
    """Embedding(mask_zero=True) -> GlobalAveragePooling1D: tf.keras 2 averages over the unmasked steps only."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.GlobalAveragePooling1D(),
        L.Dense(3),
    ])
    x = token_batch(r)[:6]  # the all-padding row would divide by zero
    return model, [x]


@case
def masking_lstm(r):
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.LSTM(6, return_sequences=True, name="rnn"),
        L.Dense(3),
    ])
    return model, [masked_float_batch(r)], {"probe": "rnn"}


@case
def masking_bisimplernn_concat(r):
    """Masking -> Bidirectional(SimpleRNN): what the wrapper outputs at all-zero (masked) steps."""
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.Bidirectional(L.SimpleRNN(6, return_sequences=True), name="bidi"),
    ])
    return model, [masked_float_batch(r)], {"probe": "bidi"}


@case
def masking_td_lstm(r):
    """TimeDistributed(LSTM) over a masked 4D input."""
    x = r.normal(size=(5, 4, 6, 3)).astype("float32")
    x[0, :, 4:] = 0.0
    x[1, 2:] = 0.0
    x[2, :, :2] = 0.0
    model = Sequential([
        L.Masking(0.0, input_shape=(4, 6, 3)),
        L.TimeDistributed(L.LSTM(5)),
        L.Dense(2),
    ])
    return model, [x]


@case
def masking_rnn_gate_activations(r):
    """Every non-default activation and gate activation, over a mask; LSTM/GRU with implementation=1."""
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.SimpleRNN(6, activation="relu", return_sequences=True),
        L.GRU(5, activation="elu", recurrent_activation="tanh", implementation=1, return_sequences=True),
        L.GRU(5, activation="softsign", recurrent_activation="hard_sigmoid", reset_after=False,
              return_sequences=True),
        L.LSTM(4, activation="softsign", recurrent_activation="tanh", implementation=1),
    ])
    return model, [masked_float_batch(r)]


# ============================================================================================
# Recurrent defaults and the hard_sigmoid / reset_after variants
# ============================================================================================
def _default_rnn(name, layer_class, doc):
    def build(r):
        inp = L.Input((6, 4), name="x")
        out = getattr(L, layer_class)(5, name="rnn")(inp)
        return Model(inp, out), [normal(r, B, 6, 4)]
    build.__name__ = name
    build.__doc__ = doc
    return build


case(_default_rnn("rnn_default_lstm", "LSTM", "LSTM(5) with every default (tf.keras 2: "
                  "recurrent_activation='sigmoid', implementation=2)."))
case(_default_rnn("rnn_default_gru", "GRU", "GRU(5) with every default (tf.keras 2: reset_after=True, "
                  "recurrent_activation='sigmoid', a (2, 3*units) bias)."))
case(_default_rnn("rnn_default_simplernn", "SimpleRNN", "SimpleRNN(5) with every default."))


@case
def gru_reset_after_false(r):
    """GRU(reset_after=False) on tf.keras 2 (one bias vector; recurrent_activation stays sigmoid)."""
    inp = L.Input((6, 4))
    h = L.GRU(5, reset_after=False, return_sequences=True)(inp)
    out = L.GRU(3, reset_after=False)(h)
    return Model(inp, out), [normal(r, B, 6, 4)]


@case
def rnn_hard_sigmoid(r):
    """Explicit recurrent_activation='hard_sigmoid' (the stack's own hard_sigmoid; manifest: measured)."""
    inp = L.Input((6, 4))
    h = L.LSTM(5, recurrent_activation="hard_sigmoid", return_sequences=True)(inp)
    h = L.GRU(5, recurrent_activation="hard_sigmoid", return_sequences=True)(h)
    out = L.GRU(3, recurrent_activation="hard_sigmoid", reset_after=False)(h)
    return Model(inp, out), [normal(r, B, 6, 4) * 2]


@case
def rnn_cells(r):
    """The generic RNN layer over LSTMCell and over StackedRNNCells([GRUCell, SimpleRNNCell])."""
    inp = L.Input((6, 4))
    h = L.RNN(L.LSTMCell(5), return_sequences=True)(inp)
    out = L.RNN(L.StackedRNNCells([L.GRUCell(4), L.SimpleRNNCell(3)]))(h)
    return Model(inp, out), [normal(r, B, 6, 4)]


@case
def seq2seq_states(r):
    """Encoder LSTM(return_state=True) feeding initial_state of a decoder LSTM: the classic seq2seq."""
    enc_in = L.Input((5, 4), name="encoder_inputs")
    dec_in = L.Input((6, 3), name="decoder_inputs")
    _, h, c = L.LSTM(6, return_state=True, name="encoder")(enc_in)
    dec = L.LSTM(6, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    out = L.Dense(3, activation="softmax")(dec)
    return Model([enc_in, dec_in], out), [normal(r, B, 5, 4), normal(r, B, 6, 3)]


@case
def convlstm2d(r):
    model = Sequential([
        L.ConvLSTM2D(3, (3, 3), padding="same", return_sequences=True, input_shape=(3, 5, 5, 2)),
        L.ConvLSTM2D(2, (2, 2), padding="valid"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 3, 5, 5, 2)]


@case(since=(2, 6))
def convlstm1d(r):
    """ConvLSTM1D (tf.keras 2.6+)."""
    model = Sequential([
        L.ConvLSTM1D(3, 3, padding="same", return_sequences=True, input_shape=(3, 6, 2)),
        L.Flatten(),
    ])
    return model, [normal(r, 4, 3, 6, 2)]


# ============================================================================================
# Convolutional and pooling
# ============================================================================================
@case
def conv1d_pooling(r):
    model = Sequential([
        L.Conv1D(8, 3, padding="same", activation="relu", input_shape=(9, 4)),
        L.MaxPooling1D(2),
        L.Conv1D(6, 2, padding="causal", dilation_rate=2),
        L.AveragePooling1D(2, strides=1, padding="same"),
        L.Conv1D(5, 2, strides=2),
        L.GlobalMaxPooling1D(),
        L.Dense(3),
    ])
    return model, [normal(r, B, 9, 4)]


@case
def conv2d_stack(r):
    model = Sequential([
        L.Conv2D(4, (3, 3), padding="same", activation="relu", input_shape=(8, 8, 3)),
        L.MaxPooling2D((2, 2)),
        L.AveragePooling2D((2, 2), strides=(1, 1), padding="same"),
        L.UpSampling2D((2, 2)),
        L.ZeroPadding2D(((1, 0), (0, 2))),
        L.Cropping2D(((0, 1), (1, 0))),
        L.SeparableConv2D(5, (3, 3), depth_multiplier=2),
        L.Conv2DTranspose(3, (3, 3), strides=(2, 2), padding="same"),
        L.Conv2D(4, (2, 2), dilation_rate=(2, 2)),
        L.GlobalAveragePooling2D(),
        L.Dense(2),
    ])
    return model, [normal(r, 4, 8, 8, 3)]


@case
def conv3d_stack(r):
    inp = L.Input((4, 6, 6, 2))
    h = L.Conv3D(3, (2, 3, 3), padding="same")(inp)
    h = L.MaxPooling3D((1, 2, 2))(h)
    h = L.AveragePooling3D((2, 1, 1))(h)
    h = L.UpSampling3D((1, 2, 1))(h)
    h = L.ZeroPadding3D((1, 0, 1))(h)
    h = L.Cropping3D(((1, 0), (0, 1), (1, 1)))(h)
    h = L.Conv3DTranspose(2, (2, 2, 2), strides=(1, 2, 1))(h)
    a = L.GlobalAveragePooling3D()(h)
    m = L.GlobalMaxPooling3D()(h)
    return Model(inp, [a, m]), [normal(r, 3, 4, 6, 6, 2)]


@case
def depthwise_separable(r):
    """DepthwiseConv2D and SeparableConv1D (added after Keras 2.0.8); UpSampling2D(interpolation='bilinear')."""
    inp2 = L.Input((7, 7, 3))
    h = L.DepthwiseConv2D((3, 3), depth_multiplier=2, padding="same", activation="relu")(inp2)
    h = L.UpSampling2D((2, 2), interpolation="bilinear")(h)
    h = L.DepthwiseConv2D(2, strides=2)(h)
    a = L.GlobalAveragePooling2D()(h)
    inp1 = L.Input((9, 4))
    g = L.SeparableConv1D(5, 3, depth_multiplier=2, padding="same")(inp1)
    g = L.SeparableConv1D(3, 2, strides=2, activation="tanh")(g)
    b = L.Flatten()(g)
    return Model([inp2, inp1], [a, b]), [normal(r, 4, 7, 7, 3), normal(r, 4, 9, 4)]


@case(since=(2, 3))
def conv1d_transpose(r):
    """Conv1DTranspose (tf.keras 2.3+), with output_padding (CPU kernels take no dilation)."""
    model = Sequential([
        L.Conv1DTranspose(4, 3, strides=2, input_shape=(6, 3)),
        L.Conv1DTranspose(3, 2, strides=2, output_padding=1),
        L.Conv1DTranspose(2, 3, padding="same"),
    ])
    return model, [normal(r, B, 6, 3)]


@case(since=(2, 5))
def conv_groups(r):
    """Grouped convolutions (groups=2; tf.keras 2.3+, runnable on CPU from TF 2.5 on)."""
    inp = L.Input((8, 8, 4))
    h = L.Conv2D(6, 3, groups=2, padding="same")(inp)
    out = L.Conv2D(4, 3, groups=2)(h)
    return Model(inp, L.Flatten()(out)), [normal(r, 3, 8, 8, 4)]


@case(since=(2, 9))
def depthwise_conv1d(r):
    """DepthwiseConv1D (tf.keras 2.9+)."""
    model = Sequential([L.DepthwiseConv1D(3, depth_multiplier=2, input_shape=(8, 3)), L.Flatten()])
    return model, [normal(r, B, 8, 3)]


@case
def locally_connected(r):
    """LocallyConnected1D/2D (removed in Keras 3); the tf.keras 2 config carries `implementation`."""
    inp1 = L.Input((8, 3))
    a = L.LocallyConnected1D(4, 3)(inp1)
    a = L.LocallyConnected1D(3, 2, strides=2, activation="tanh", implementation=2)(a)
    inp2 = L.Input((5, 6, 2))
    b = L.LocallyConnected2D(3, (2, 3))(inp2)
    b = L.LocallyConnected2D(2, (2, 2), strides=(2, 1), activation="relu", implementation=3)(b)
    return Model([inp1, inp2], [L.Flatten()(a), L.Flatten()(b)]), [normal(r, 4, 8, 3), normal(r, 4, 5, 6, 2)]


@case(since=(2, 6))
def global_pooling_keepdims(r):
    """Global pooling with keepdims=True (tf.keras 2.6+)."""
    inp = L.Input((6, 5, 3))
    a = L.GlobalAveragePooling2D(keepdims=True)(inp)
    b = L.GlobalMaxPooling2D(keepdims=True)(inp)
    return Model(inp, L.Concatenate()([a, b])), [normal(r, B, 6, 5, 3)]


# ============================================================================================
# Core, merge, activations, normalization, noise
# ============================================================================================
@case
def core_layers(r):
    model = Sequential([
        L.Dense(12, activation="relu", input_shape=(6,)),
        L.Dropout(0.5),
        L.Activation("tanh"),
        L.Reshape((3, 4)),
        L.Permute((2, 1)),
        L.SpatialDropout1D(0.3),
        L.Flatten(),
        L.RepeatVector(3),
        L.Reshape((3, 2, 6)),
        L.SpatialDropout2D(0.3),
        L.Reshape((3, 2, 2, 3)),
        L.SpatialDropout3D(0.3),
        L.Flatten(),
        L.ActivityRegularization(l1=0.01, l2=0.01),
        L.Dense(4, activation="softmax", kernel_regularizer="l2", bias_regularizer="l1"),
    ])
    return model, [normal(r, B, 6)]


def _activation_names():
    names = ["relu", "elu", "selu", "softplus", "softsign", "sigmoid", "hard_sigmoid", "linear", "tanh",
             "softmax", "exponential", "swish", "gelu", "mish", "relu6", "silu", "hard_silu", "log_softmax"]
    found = []
    for n in names:
        try:
            keras.activations.get(n)
        except (ValueError, TypeError):
            continue
        found.append(n)
    return found


@case
def activations_builtin(r):
    """Activation(NAME) for every activation name this stack knows (the list is in the doc), after one Dense."""
    inp = L.Input((5,))
    h = L.Dense(4)(inp)
    outs = [L.Activation(act, name="activation_" + act)(h) for act in _activation_names()]
    return Model(inp, L.Concatenate()(outs)), [normal(r, B, 5) * 3]


@case
def advanced_activations(r):
    """LeakyReLU, PReLU, ELU, ThresholdedReLU; tf.keras 2's ReLU (max_value, negative_slope, threshold), Softmax."""
    model = Sequential([
        L.Dense(8, input_shape=(5,)),
        L.LeakyReLU(0.2),
        L.Dense(8),
        L.PReLU(),
        L.Dense(8),
        L.ELU(0.7),
        L.Dense(8),
        L.ThresholdedReLU(0.3),
        L.Dense(8),
        L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2),
        L.Dense(8),
        L.ReLU(),
        L.Reshape((2, 4)),
        L.PReLU(shared_axes=[1]),
        L.Softmax(axis=1),
    ])
    return model, [normal(r, B, 5) * 2]


@case
def batchnorm_dense(r):
    model = Sequential([
        L.Dense(8, input_shape=(5,)),
        L.BatchNormalization(),
        L.Activation("relu"),
        L.Dense(6),
        L.BatchNormalization(center=False, scale=False, momentum=0.5, epsilon=0.01),
        L.Dense(2),
    ])
    x = normal(r, B, 5) * 2 + 1
    return model, [x], {"train": [normal(r, 16, 5) * 2 + 1]}


@case
def batchnorm_conv(r):
    model = Sequential([
        L.Conv1D(6, 3, input_shape=(9, 4)),
        L.BatchNormalization(axis=-1, momentum=0.6),
        L.Conv1D(4, 2),
        L.BatchNormalization(axis=1, momentum=0.6),
        L.Flatten(),
    ])
    return model, [normal(r, B, 9, 4) + 0.5], {"train": [normal(r, 16, 9, 4) + 0.5]}


@case
def layer_normalization(r):
    """LayerNormalization (tf.keras): default axis -1, and axis=[1, 2] without center."""
    inp = L.Input((4, 6))
    h = L.LayerNormalization()(inp)
    h = L.Dense(5)(h)
    out = L.LayerNormalization(axis=[1, 2], center=False, epsilon=0.01)(h)
    return Model(inp, out), [normal(r, B, 4, 6) * 2 + 1]


@case(since=(2, 9))
def unit_normalization(r):
    """UnitNormalization (tf.keras 2.9+)."""
    inp = L.Input((4, 6))
    out = L.UnitNormalization(axis=[1, 2])(L.Dense(5)(inp))
    return Model(inp, out), [normal(r, B, 4, 6)]


@case(since=(2, 11))
def group_normalization(r):
    """GroupNormalization (tf.keras 2.11+)."""
    model = Sequential([
        L.Conv2D(6, 3, input_shape=(6, 6, 2)),
        L.GroupNormalization(groups=3, epsilon=0.01),
        L.Flatten(),
    ])
    return model, [normal(r, 4, 6, 6, 2)]


@case
def noise_layers(r):
    model = Sequential([
        L.Dense(8, input_shape=(5,)),
        L.GaussianNoise(0.5),
        L.Dense(8, activation="selu"),
        L.AlphaDropout(0.3),
        L.Dense(6),
        L.GaussianDropout(0.4),
        L.Dense(3),
    ])
    return model, [normal(r, B, 5)]


@case
def merge_two_in_two_out(r):
    a_in = L.Input((6,), name="left")
    b_in = L.Input((6,), name="right")
    a = L.Dense(4)(a_in)
    b = L.Dense(4)(b_in)
    merged = [L.Add()([a, b]), L.Subtract()([a, b]), L.Multiply()([a, b]), L.Average()([a, b]),
              L.Maximum()([a, b]), L.Minimum()([a, b]), L.Dot(axes=1)([a, b]),
              L.Dot(axes=1, normalize=True)([a, b])]
    cat = L.Concatenate(axis=-1)(merged)
    out1 = L.Dense(3, activation="softmax", name="probs")(cat)
    out2 = L.Dense(1, name="score")(L.Add()([a, b, L.Dense(4)(cat)]))
    return Model([a_in, b_in], [out1, out2]), [normal(r, B, 6), normal(r, B, 6)]


@case
def merge_sequences_dot(r):
    a_in = L.Input((5, 4))
    b_in = L.Input((3, 4))
    att = L.Dot(axes=(2, 2))([a_in, b_in])          # (B, 5, 3)
    att = L.Activation("softmax")(att)
    ctx = L.Dot(axes=(2, 1))([att, b_in])            # (B, 5, 4)
    out = L.Concatenate(axis=1)([ctx, a_in])
    return Model([a_in, b_in], out), [normal(r, B, 5, 4), normal(r, B, 3, 4)]


@case
def multi_io_text(r):
    """Two inputs (tokens with mask, features), two outputs; Bidirectional over a mask."""
    tok = L.Input((8,), dtype="int32", name="tokens")
    feat = L.Input((3,), name="features")
    h = L.Embedding(20, 6, mask_zero=True)(tok)
    h = L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="sum")(h)
    seq_out = L.TimeDistributed(L.Dense(2), name="tags")(h)
    last = L.LSTM(4)(h)
    joined = L.Concatenate()([last, L.Dense(4, activation="relu")(feat)])
    cls_out = L.Dense(3, activation="softmax", name="label")(joined)
    x_tok = token_batch(r)
    return Model([tok, feat], [seq_out, cls_out]), [x_tok, normal(r, len(x_tok), 3)]


@case
def embedding_plain(r):
    model = Sequential([
        L.Embedding(20, 4, input_length=6),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [r.randint(0, 20, size=(B, 6)).astype("int32")]


@case
def shared_layers(r):
    inp1 = L.Input((5,))
    inp2 = L.Input((5,))
    shared = L.Dense(4, activation="tanh")
    out = L.Maximum()([shared(inp1), shared(inp2)])
    return Model([inp1, inp2], out), [normal(r, B, 5), normal(r, B, 5)]


# ============================================================================================
# Attention layers of tf.keras 2
# ============================================================================================
def _dense_attention_args(**kwargs):
    """Attention/AdditiveAttention arguments, with causal=True where the stack's __init__ still takes it."""
    takes_causal = any("causal" in inspect.signature(cls.__init__).parameters
                       for cls in L.Attention.__mro__ if "__init__" in vars(cls))
    if takes_causal:  # BaseDenseAttention(causal=False, ...) up to tf.keras 2.9; later a call argument
        kwargs["causal"] = True
    return kwargs


@case
def emb_attention_layers(r):
    """Attention(use_scale=True) and AdditiveAttention over Embedding(mask_zero=True) query/value masks.

    (Two inputs each: TF 2.0 refuses a [query, value, key] call with masks.)
    """
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    q = L.Dense(6)(h)
    a = L.Attention(**_dense_attention_args(use_scale=True))([q, h])
    b = L.AdditiveAttention(use_scale=True)([q, L.Dense(6)(h)])
    out = L.Concatenate()([a, b])
    return Model(inp, L.Dense(3)(out)), [token_batch(r)[:6]]


@case
def attention_layers(r):
    """Attention and AdditiveAttention on float inputs without masks (causal=True where the stack takes it)."""
    q_in = L.Input((4, 5))
    v_in = L.Input((6, 5))
    a = L.Attention(**_dense_attention_args())([q_in, v_in])
    b = L.AdditiveAttention()([q_in, v_in])
    return Model([q_in, v_in], [a, b]), [normal(r, B, 4, 5), normal(r, B, 6, 5)]


@case(since=(2, 4))
def multi_head_attention(r):
    """MultiHeadAttention (tf.keras 2.4+): cross attention, and self attention with value_dim and output_shape."""
    q_in = L.Input((4, 6))
    v_in = L.Input((5, 6))
    a = L.MultiHeadAttention(num_heads=2, key_dim=3)(q_in, v_in)
    b = L.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3, output_shape=4, use_bias=False)(a, a)
    return Model([q_in, v_in], [a, b]), [normal(r, B, 4, 6), normal(r, B, 5, 6)]


@case(since=(2, 4))
def emb_multi_head_attention(r):
    """MultiHeadAttention over Embedding(mask_zero=True): whether the stack's MHA honours the Keras mask."""
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    out = L.MultiHeadAttention(num_heads=2, key_dim=3)(h, h)
    return Model(inp, L.Dense(3)(out)), [token_batch(r)[:6]]


@case(since=(2, 9))
def einsum_dense(r):
    """EinsumDense (keras.layers, tf.keras 2.9+)."""
    inp = L.Input((4, 5))
    out = L.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", activation="relu")(inp)
    return Model(inp, out), [normal(r, B, 4, 5)]


# ============================================================================================
# Preprocessing layers that save to .h5 (their state is weights)
# ============================================================================================
@case(since=(2, 4))
def preprocessing_numeric(r):
    """Normalization (adapted: mean, variance, count weights) and Rescaling, from the preprocessing layers."""
    inp = L.Input((5,))
    norm = preprocessing("Normalization")()
    norm.adapt(normal(r, 40, 5) * 3 + 2)
    h = norm(inp)
    h = preprocessing("Rescaling")(0.5, offset=-1.0)(h)
    return Model(inp, L.Dense(3)(h)), [normal(r, B, 5) * 3 + 2], {"no_perturb": True}


@case(since=(2, 4))
def preprocessing_image(r):
    """CenterCrop and Resizing (bilinear) from keras.layers[.experimental.preprocessing]."""
    inp = L.Input((8, 8, 2))
    h = preprocessing("CenterCrop")(6, 6)(inp)
    h = preprocessing("Resizing")(4, 5)(h)
    return Model(inp, L.Flatten()(h)), [normal(r, 3, 8, 8, 2)]


# ============================================================================================
# Sequential configs, mixed precision
# ============================================================================================
@case
def seq_explicit_input(r):
    """Sequential([Input(shape), Dense, Dense]): how the stack writes an explicit Input into a Sequential config."""
    model = Sequential([L.Input((5,)), L.Dense(4, activation="relu"), L.Dense(2)])
    return model, [normal(r, B, 5)]


@case
def seq_input_shape(r):
    """Sequential([Dense(input_shape=...), Dense]): the first layer carries batch_input_shape."""
    model = Sequential([L.Dense(4, activation="relu", input_shape=(5,)), L.Dense(2)])
    return model, [normal(r, B, 5)]


@case
def seq_deferred_build(r):
    """Sequential without any input shape, built by calling predict on data, then saved."""
    model = Sequential([L.Dense(4, activation="relu"), L.Dense(2)])
    x = normal(r, B, 5)
    predict(model, [x])
    return model, [x]


@case(since=(2, 4))
def mixed_precision_policy(r):
    """A Dense under the 'mixed_float16' policy (config dtype: a Policy dict) feeding a float32 Dense.

    Its outputs went through float16 on the stack: compare with a float16 tolerance (manifest: tolerance).
    """
    inp = L.Input((5,))
    h = L.Dense(8, activation="relu", dtype=policy("mixed_float16"))(inp)
    out = L.Dense(3, dtype="float32")(h)
    return Model(inp, out), [normal(r, B, 5)], {"tolerance": 2e-3}


# ============================================================================================
# Refused: Lambda, nested models, raw TF ops
# ============================================================================================
@case
def lambda_layer(r):
    model = Sequential([
        L.Dense(4, input_shape=(5,)),
        L.Lambda(lambda t: t * 2.0 + 1.0),
    ])
    return model, [normal(r, B, 5)]


def _outer_model(inner, r):
    """Input((5,)) -> the model ``inner`` used as a layer -> Dense(2)."""
    inp = L.Input((5,))
    return Model(inp, L.Dense(2)(inner(inp))), [normal(r, B, 5)]


@case
def nested_sequential(r):
    """A Sequential used as a layer of a functional model (tf.keras 2 saves and reloads it)."""
    return _outer_model(Sequential([L.Dense(4, input_shape=(5,)), L.Activation("relu")], name="inner"), r)


@case
def nested_functional(r):
    """A functional model used as a layer of another (Model in TF 2.0-2.3, Functional from 2.4)."""
    i = L.Input((5,))
    return _outer_model(Model(i, L.Dense(4, activation="tanh")(i), name="encoder"), r)


@case
def tf_op_layer(r):
    """Raw TensorFlow ops in a functional model (x * 2, tf.nn.relu): TensorFlowOpLayer (TF 2.0-2.3) or TFOpLambda."""
    inp = L.Input((5,))
    h = L.Dense(4)(inp)
    out = tf.nn.relu(h * 2.0)
    return Model(inp, out), [normal(r, B, 5)]


# ============================================================================================
# Compiled models: optimizer state, one more training step
# ============================================================================================
def _compiled(name, optimizer, metrics=None, loss="categorical_crossentropy", doc=""):
    def build(r):
        model = Sequential([
            L.Dense(6, activation="tanh", input_shape=(4,)),
            L.Dense(3, activation="softmax"),
        ])
        x = normal(r, 8, 4)
        y = np.eye(3, dtype="float32")[r.randint(0, 3, size=8)]
        return model, [x], {"compile": (optimizer, loss, metrics or ["accuracy"]), "fit": ([x], [y])}
    build.__name__ = name
    build.__doc__ = doc
    return build


def brier(y_true, y_pred):
    """A custom loss: the squared error summed over the classes (the Brier score)."""
    return K.sum(K.square(y_pred - y_true), axis=-1)


def true_class_prob(y_true, y_pred):
    """A custom metric: the probability given to the true class."""
    return K.sum(y_true * y_pred, axis=-1)


#: The custom functions the compiled cases name (the stack reloads its files with them).
CUSTOM_OBJECTS = {"brier": brier, "true_class_prob": true_class_prob}

O = keras.optimizers
_OPTIMIZERS = (
    ("adam", lambda: O.Adam(learning_rate=0.01)),
    ("adam_amsgrad", lambda: O.Adam(learning_rate=0.01, amsgrad=True)),
    ("rmsprop", lambda: O.RMSprop(learning_rate=0.01)),
    ("rmsprop_centered_momentum", lambda: O.RMSprop(learning_rate=0.01, momentum=0.5, centered=True)),
    ("adagrad", lambda: O.Adagrad(learning_rate=0.05)),
    ("sgd_momentum", lambda: O.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)),
    ("nadam", lambda: O.Nadam(learning_rate=0.01)),
    ("adamax", lambda: O.Adamax(learning_rate=0.01)),
    ("adadelta", lambda: O.Adadelta(learning_rate=1.0)),
)
for _name, _opt in _OPTIMIZERS:
    case(_compiled("compiled_%s" % _name, _opt,
                   doc="Compiled with %s, 2 train_on_batch steps before the save; optimizer_weight_names "
                       "lists what the file stores." % _name))
case(_compiled("compiled_custom_loss_metric", lambda: O.SGD(learning_rate=0.1, momentum=0.9),
               ["accuracy", true_class_prob], loss=brier,
               doc="A custom loss (brier) and metric (true_class_prob), saved by name."))


def _legacy_optimizer(cls, **kw):
    return lambda: getattr(O.legacy, cls)(**kw)


for _name, _cls, _kw in (("adam", "Adam", {"learning_rate": 0.01}),
                         ("sgd_momentum", "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True})):
    case(_compiled("compiled_legacy_%s" % _name, _legacy_optimizer(_cls, **_kw),
                   doc="tf.keras 2.11+: keras.optimizers.legacy.%s (the pre-2.11 optimizer kept for users), "
                       "2 steps before the save." % _cls), since=(2, 11))


# ============================================================================================
# Weights-only files (model.save_weights in the HDF5 format)
# ============================================================================================
def _weights_case(name, build_model, inputs, modern_code, doc):
    def build(r):
        return build_model(), [inputs(r)], {"weights": modern_code}
    build.__name__ = name
    build.__doc__ = doc
    return build


def _gru_model():
    inp = L.Input((6, 4), name="x")
    return Model(inp, L.Dense(3, name="dense")(L.GRU(5, name="gru")(inp)))


def _lstm_model():
    inp = L.Input((6, 4), name="x")
    return Model(inp, L.Dense(3, name="dense")(L.LSTM(5, name="lstm")(inp)))


def _bilstm_model():
    inp = L.Input((8,), dtype="int32", name="tokens")
    h = L.Embedding(20, 6, mask_zero=True, name="embedding")(inp)
    h = L.Bidirectional(L.LSTM(5, return_sequences=True), name="bidi")(h)
    return Model(inp, L.Dense(3, name="dense")(h))


case(_weights_case(
    "weights_gru_default", _gru_model, lambda r: normal(r, B, 6, 4),
    "inp = keras.Input((6, 4), name='x')\n"
    "model = keras.Model(inp, keras.layers.Dense(3, name='dense')(keras.layers.GRU(5, name='gru')(inp)))\n",
    "model.save_weights of Input((6, 4)) -> GRU(5) (every default: reset_after=True, sigmoid) -> Dense(3): "
    "weights_file has no config; its GRU had this era's defaults."))
case(_weights_case(
    "weights_lstm_default", _lstm_model, lambda r: normal(r, B, 6, 4),
    "inp = keras.Input((6, 4), name='x')\n"
    "model = keras.Model(inp, keras.layers.Dense(3, name='dense')(keras.layers.LSTM(5, name='lstm')(inp)))\n",
    "model.save_weights of Input((6, 4)) -> LSTM(5) (every default: recurrent_activation='sigmoid') -> Dense(3)."))
case(_weights_case(
    "weights_bilstm_masked", _bilstm_model, token_batch,
    "inp = keras.Input((8,), dtype='int32', name='tokens')\n"
    "h = keras.layers.Embedding(20, 6, mask_zero=True, name='embedding')(inp)\n"
    "h = keras.layers.Bidirectional(keras.layers.LSTM(5, return_sequences=True), name='bidi')(h)\n"
    "model = keras.Model(inp, keras.layers.Dense(3, name='dense')(h))\n",
    "model.save_weights of Input((8,), int32) -> Embedding(20, 6, mask_zero=True) -> "
    "Bidirectional(LSTM(5, return_sequences=True)) (concat) -> Dense(3)."))


#: A short selection for an era kept small (``--small``): what tells the era apart and what it computes
#: its own way (masking, recurrent defaults, optimizer names, weights-only files, Sequential configs).
SMALL = (
    "emb_bilstm_concat", "emb_bilstm_none", "emb_bilstm_hard_sigmoid_concat", "emb_bigru_concat", "emb_bigru_none",
    "emb_bilstm_last_concat",
    "emb_lstm_seq", "emb_gru_seq", "emb_bidirectional_backward_layer", "emb_masked_global_average",
    "masking_bisimplernn_concat", "masking_td_lstm", "rnn_default_lstm", "rnn_default_gru",
    "rnn_default_simplernn", "gru_reset_after_false", "rnn_hard_sigmoid", "rnn_cells", "depthwise_separable",
    "advanced_activations", "batchnorm_dense", "layer_normalization", "merge_two_in_two_out",
    "emb_attention_layers", "attention_layers", "seq_explicit_input", "seq_input_shape", "seq_deferred_build",
    "lambda_layer", "nested_sequential", "tf_op_layer", "compiled_adam", "compiled_rmsprop",
    "compiled_sgd_momentum", "weights_gru_default", "weights_lstm_default", "weights_bilstm_masked",
)


# ============================================================================================
def seed_all(name):
    r = rng(name)
    np.random.seed(r.randint(0, 2 ** 31 - 1))
    random.seed(r.randint(0, 2 ** 31 - 1))
    tf.random.set_seed(r.randint(0, 2 ** 31 - 1))
    return r


def optimizer_weight_names(path):
    import h5py
    with h5py.File(path, "r") as f:
        if "optimizer_weights" not in f:
            return []
        names = f["optimizer_weights"].attrs["weight_names"]
        return [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in names]


def run_case(fn, out_dir):
    name = fn.__name__
    r = seed_all(name)
    built = fn(r)
    model, xs = built[0], built[1]
    extra = built[2] if len(built) > 2 else {}
    if not extra.get("no_perturb"):
        perturb(model, r)
    entry = {"name": name, "doc": inspect.cleandoc(fn.__doc__ or ""), "kind": "model"}
    if name == "activations_builtin":
        entry["doc"] += " Names: %s." % ", ".join(_activation_names())
    if "tolerance" in extra:
        entry["tolerance"] = extra["tolerance"]
    npz = {}
    if "train" in extra:
        train_steps(model, extra["train"], r)
        entry["trained"] = "3 SGD steps on random targets (moving statistics non-trivial)"
    if "compile" in extra:
        opt_factory, loss, metrics = extra["compile"]
        model.compile(optimizer=opt_factory(), loss=loss, metrics=metrics)
        fx, fy = extra["fit"]
        for _ in range(2):
            model.train_on_batch(fx[0], fy[0])
        for i, a in enumerate(fx):
            npz["train_x%d" % i] = a
        for i, a in enumerate(fy):
            npz["train_y%d" % i] = a
        entry["compiled"] = {"optimizer": type(model.optimizer).__name__,
                             "optimizer_module": type(model.optimizer).__module__,
                             "steps_before_save": 2,
                             "loss": loss if isinstance(loss, str) else loss.__name__,
                             "metrics": [m if isinstance(m, str) else m.__name__ for m in metrics],
                             "metrics_names": list(model.metrics_names)}
    path = os.path.join(out_dir, name + ".h5")
    model.save(path, save_format="h5")
    if "weights" in extra:
        weights_path = os.path.join(out_dir, name + "_weights.h5")
        model.save_weights(weights_path, save_format="h5")
        entry.update({"kind": "weights", "weights_file": name + "_weights.h5", "modern_keras_code": extra["weights"]})
    ys = predict(model, xs)
    for i, a in enumerate(xs):
        npz["x%d" % i] = a
    for i, a in enumerate(ys):
        npz["y%d" % i] = a
    if "probe" in extra:
        entry["padded_steps"] = padded_steps(model, extra["probe"], xs[0])
        entry["padded_steps_layer"] = extra["probe"]
    if "compile" in extra:
        fx, fy = extra["fit"]
        evaluated = model.evaluate(fx[0], fy[0], verbose=0)
        evaluated = evaluated if isinstance(evaluated, list) else [evaluated]
        npz["loss_before_step"] = np.float32(evaluated[0])
        npz["evaluate_before_step"] = np.asarray(evaluated, dtype="float32")  # in metrics_names' order
        model.train_on_batch(fx[0], fy[0])
        for i, w in enumerate(model.get_weights()):
            npz["after_step_w%d" % i] = w
        npz["after_step_y0"] = predict(model, fx)[0]
        entry["optimizer_weight_names"] = optimizer_weight_names(path)
    config = json.loads(model.to_json())
    classes = classes_of(config)
    refused = [c for c in classes if c in REFUSED]
    # reload on the stack itself: the file must round-trip there
    K.clear_session()
    if "weights" in extra:
        seed_all(name)
        again_model = fn(rng(name))[0]
        again_model.load_weights(weights_path)
    elif name != "lambda_layer":
        again_model = keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS)
    else:
        again_model = None
    if again_model is not None:
        again = predict(again_model, xs)
        entry["reload_maxdiff_on_legacy_stack"] = float(max(np.abs(a - b).max() for a, b in zip(again, ys)))
        if entry["reload_maxdiff_on_legacy_stack"] > 1e-6:
            # the stack's own load_model computes otherwise than the model that was saved (TF 2.0's masked
            # Bidirectional): keep what the reloaded model predicted too; y<i> stay the saved model's outputs
            for i, a in enumerate(again):
                npz["reloaded_y%d" % i] = a
    np.savez_compressed(os.path.join(out_dir, name + "_io.npz"), **npz)
    entry.update({
        "file": name + ".h5", "io": name + "_io.npz",
        "model_class": config["class_name"],
        "classes": classes,
        "inputs": ["x%d" % i for i in range(len(xs))],
        "outputs": ["y%d" % i for i in range(len(ys))],
        "input_shapes": [list(a.shape) for a in xs], "input_dtypes": [str(a.dtype) for a in xs],
        "output_shapes": [list(a.shape) for a in ys],
        "expect": "refuse" if refused else "match",
    })
    if refused:
        entry["error"] = REFUSED[refused[0]]
    K.clear_session()
    return entry


# -- stack-wide measurements ------------------------------------------------------------------
def measure_hard_sigmoid():
    x = np.array([-3.0, -2.5, -2.0, -1.0, 0.0, 1.0, 2.0, 2.5, 3.0], dtype="float32")
    y = K.get_value(keras.activations.hard_sigmoid(tf.constant(x)))
    slope = float(y[5] - y[4])
    return {"x": x.tolist(), "y": [float(v) for v in y], "slope": round(slope, 6), "at_zero": float(y[4]),
            "formula": "clip(%g * x + %g, 0, 1)" % (round(slope, 6), float(y[4]))}


def recurrent_defaults():
    out = {}
    for cls in ("LSTM", "GRU", "SimpleRNN"):
        cfg = getattr(L, cls)(3).get_config()
        keep = ("activation", "recurrent_activation", "reset_after", "implementation", "unroll", "time_major",
                "unit_forget_bias", "use_bias", "return_sequences", "zero_output_for_mask")
        out[cls] = {k: cfg[k] for k in keep if k in cfg}
        out[cls]["config_keys"] = sorted(cfg)
    K.clear_session()
    return out


def shipped_layer_classes():
    found = set()
    abstract = {"Layer", "Wrapper", "AbstractRNNCell", "PreprocessingLayer", "InputSpec"}

    def walk(module, prefix):
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, L.Layer) and value.__name__ not in abstract:
                found.add(prefix + value.__name__)

    walk(L, "")
    experimental = getattr(L, "experimental", None)
    if experimental is not None:
        walk(experimental, "experimental.")
        if getattr(experimental, "preprocessing", None) is not None:
            walk(experimental.preprocessing, "experimental.preprocessing.")
    return sorted(found)


def file_attrs(path):
    import h5py
    with h5py.File(path, "r") as f:
        attrs = {}
        for key in ("keras_version", "backend"):
            value = f.attrs[key]
            attrs[key] = value.decode("utf8") if isinstance(value, bytes) else str(value)
            attrs[key + "_stored_as"] = type(value).__name__
        attrs["root_attrs"] = sorted(f.attrs)
        attrs["model_weights_attrs"] = sorted(f["model_weights"].attrs)
    return attrs


def main(argv):
    out_dir = os.path.abspath(argv[1] if len(argv) > 1 else "era")
    wanted = set(argv[2:])
    small = "--small" in wanted
    left_out = []
    if small:
        wanted = set(SMALL)
        left_out = [fn.__name__ for fn in CASES if available(fn) and fn.__name__ not in wanted]
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, "manifest.json")
    old, old_failed = {}, {}
    if wanted and not small and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            stored = json.load(f)
        old = {c["name"]: c for c in stored["cases"]}
        old_failed = {k: v for k, v in stored.get("cases_failed_on_this_stack", {}).items() if k not in wanted}
        left_out = [n for n in stored.get("cases_left_out", []) if n not in wanted]
    entries = {}
    failed = dict(old_failed)
    skipped = [fn.__name__ for fn in CASES if not available(fn)]
    for fn in CASES:
        if not available(fn):
            continue
        if wanted and fn.__name__ not in wanted:
            if fn.__name__ in old:
                entries[fn.__name__] = old[fn.__name__]
            continue
        try:
            entries[fn.__name__] = entry = run_case(fn, out_dir)
        except Exception as exc:  # the stack cannot save or reload it: a fact about the stack, recorded
            failed[fn.__name__] = "%s: %s" % (type(exc).__name__, str(exc).strip().splitlines()[0][:300])
            print("%-34s FAILED on this stack: %s" % (fn.__name__, failed[fn.__name__]))
            for suffix in (".h5", "_weights.h5", "_io.npz"):
                if os.path.exists(os.path.join(out_dir, fn.__name__ + suffix)):
                    os.remove(os.path.join(out_dir, fn.__name__ + suffix))
            K.clear_session()
        else:
            print("%-34s %s %s %s" % (entry["name"], entry["expect"], entry.get("reload_maxdiff_on_legacy_stack"),
                                      entry.get("padded_steps", "")))
        sys.stdout.flush()
        # written after every case (in CASES order, kept entries too): an interrupted run keeps its cases
        write_manifest(out_dir, [entries.get(f.__name__) or old[f.__name__]
                                 for f in CASES if f.__name__ in entries or f.__name__ in old],
                       skipped, left_out, failed)


def write_manifest(out_dir, entries, skipped, left_out, failed):
    import h5py
    any_file = os.path.join(out_dir, entries[0]["file"])
    manifest = {
        "title": "tf.keras %s (TensorFlow %s) era: small models saved in the HDF5 format by the genuine stack, "
                 "with their outputs" % (file_attrs(any_file)["keras_version"], tf.__version__),
        "generator": "legacy_reference/generate/make_tf2_zoo.py",
        "versions": {"python": sys.version.split()[0], "keras": file_attrs(any_file)["keras_version"],
                     "tensorflow": tf.__version__, "numpy": np.__version__, "h5py": h5py.__version__,
                     "backend": K.backend(), "floatx": K.floatx()},
        "file_attrs": file_attrs(any_file),
        "keras_layer_classes": shipped_layer_classes(),
        "measured": {"hard_sigmoid": measure_hard_sigmoid(), "recurrent_defaults": recurrent_defaults()},
        "cases_not_on_this_stack": skipped,
        "cases_left_out": left_out,
        "cases_failed_on_this_stack": failed,
        "io_npz_convention": "x<i>: input i as fed to model.predict; y<i>: output i as returned. Compiled cases: "
                             "train_x<i>/train_y<i> one batch, after_step_w<j> every weight after ONE more "
                             "train_on_batch on it (taken after the save), after_step_y0 the prediction on "
                             "train_x0 then, loss_before_step the loss before that step, evaluate_before_step "
                             "model.evaluate's loss and metrics then (compiled.metrics_names' order). "
                             "Weights cases (kind 'weights'): weights_file is model.save_weights of the same "
                             "model (HDF5), modern_keras_code builds it on today's keras. A case with "
                             "'tolerance' computed in float16 on the stack: compare within it. reloaded_y<i>: only "
                             "where the stack's own load_model predicted otherwise than the saved model (see "
                             "reload_maxdiff_on_legacy_stack and README.md).",
        "cases": entries,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
