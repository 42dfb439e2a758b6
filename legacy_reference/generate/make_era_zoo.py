"""Write one legacy era's fixtures: small models saved by a Keras 2.1-2.3 / tf.keras 1.x stack.

Runs on the legacy stack only (Python 3.6; see README.md beside this file and each era's
README.md for the exact pins)::

    python make_era_zoo.py OUT_DIR --keras standalone          # `import keras` (2.1.6, 2.2.4, 2.3.1)
    python make_era_zoo.py OUT_DIR --keras tf                  # `tensorflow.keras` (TF 1.15: "2.2.4-tf")
    python make_era_zoo.py OUT_DIR --keras tf case ...         # some cases (others keep their entries)

The cases and the manifest follow ``make_zoo.py`` (the Keras 2.0.8 zoo); per case it writes
``<case>.h5`` (``model.save``), ``<case>_io.npz`` and an entry in ``manifest.json``. What this
adds to the zoo: weights-only cases (``kind: weights``: ``<case>_weights.h5`` from
``save_weights`` beside the full ``<case>.h5``), ``CuDNNLSTM``/``CuDNNGRU`` cases (built and
saved on a CPU-only TensorFlow; their outputs are those of the same stack's plain LSTM/GRU after
``load_weights`` of the CuDNN file, checked against a NumPy implementation of the cuDNN
equations: ``numpy_check_maxdiff``), ``optimizer_weight_names`` of compiled cases, the file's
own ``keras_version``/``backend`` attributes, and ``observed``: what this stack computes where
eras differ (masked Bidirectional per merge mode, recurrent defaults, ``hard_sigmoid``).

Cases whose layer or argument the stack lacks are skipped (the manifest lists only what ran).
The ``AttentionDecoder`` class below is our own, written from
``shared/design/LEGACY_SEMANTICS.md``; no legacy attention code is used or fetched.
"""

import hashlib
import inspect
import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402


# ============================================================================================
# The stack: every difference between the four stacks' APIs is handled here
# ============================================================================================
def _take_flavour(argv):
    """Remove ``--keras standalone|tf`` from argv and return it (default: standalone)."""
    if "--keras" not in argv:
        return "standalone"
    i = argv.index("--keras")
    value = argv[i + 1]
    del argv[i:i + 2]
    if value not in ("standalone", "tf"):
        raise SystemExit("--keras must be 'standalone' or 'tf', not %r" % value)
    return value


FLAVOUR = _take_flavour(sys.argv)
if FLAVOUR == "tf":
    from tensorflow import keras  # noqa: E402
else:
    import keras  # noqa: E402

K = keras.backend
L = keras.layers
Model = keras.models.Model
Sequential = keras.models.Sequential
TF1 = getattr(getattr(tf, "compat", None), "v1", tf)          # tf.compat.v1 from TF 1.13, else tf
KERAS_VERSION = keras.__version__
STACK = ("tf.keras %s (TensorFlow %s)" if FLAVOUR == "tf" else "Keras %s (TensorFlow %s)") % (
    KERAS_VERSION, tf.__version__)


def new_session():
    """A fresh single-threaded session for the next case (bit-reproducible training).

    ``place_pruned_graph``: only the part of the graph a run needs is placed, so a graph that holds
    a CuDNN op (no CPU kernel) still runs everything else (weights, saving, the plain twin).
    """
    config = TF1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1,
                             graph_options=TF1.GraphOptions(place_pruned_graph=True))
    setter = getattr(K, "set_session", None) or TF1.keras.backend.set_session
    setter(TF1.Session(config=config))


def set_tf_seed(seed):
    TF1.set_random_seed(seed)


def optimizer(name, lr, **kwargs):
    """An optimizer of this stack: standalone Keras takes ``lr``, tf.keras ``learning_rate``."""
    cls = getattr(keras.optimizers, name)
    kwargs["learning_rate" if FLAVOUR == "tf" else "lr"] = lr
    return cls(**kwargs)


def optimizer_names():
    """Every optimizer class this stack's ``keras.optimizers`` ships (TFOptimizer excluded)."""
    base = keras.optimizers.Optimizer
    found = {c.__name__ for c in vars(keras.optimizers).values()
             if inspect.isclass(c) and issubclass(c, base) and c is not base}
    return sorted(found - {"TFOptimizer", "OptimizerV2"})


def supports(class_name, *args):
    """Whether this stack's keras.layers has the class, and its constructor takes those arguments."""
    cls = getattr(L, class_name, None)
    if cls is None:
        return False
    params = inspect.signature(cls.__init__).parameters
    accepts_kwargs = any(p.kind == p.VAR_KEYWORD for p in params.values())
    for arg in args:
        if arg not in params:
            if not (accepts_kwargs and arg in _KWARGS_ONLY.get(class_name, ())):
                return False
    return True


#: Arguments some classes take through **kwargs only (so the signature does not name them).
_KWARGS_ONLY = {"Attention": ("causal",), "AdditiveAttention": ("causal",)}


#: Custom classes the reload on the legacy stack needs (our AttentionDecoder on standalone stacks).
CUSTOM_OBJECTS = {}

B = 6  # batch of stored inputs

#: Layer classes a modern loader must refuse (with a typed LegacyFileError), never load.
REFUSED = {
    "Lambda": "UnsafeLambdaError",          # marshaled bytecode: never run unless the user opts in
    # (Highway, MaxoutDense and Merge, Keras 1 layers kept in keras.legacy, load as compat_attention's since 0.2)
    "Sequential": "UnknownLayerError",      # a model used as a layer: not rebuilt (yet), refused by name
    "Model": "UnknownLayerError",
}

CASES = []


def case(*needs):
    """Register a case; ``needs``: class names or (class, arg, ...) tuples the stack must have
    (or 'standalone' / 'tf': only on that kind of stack)."""
    def register(fn):
        fn.needs = needs
        CASES.append(fn)
        return fn
    if len(needs) == 1 and callable(needs[0]):
        fn, needs = needs[0], ()
        return register(fn)
    return register


def runnable(fn):
    """Whether this stack can run a case: ``needs`` names classes/arguments, or 'standalone'."""
    return all(FLAVOUR == n if n in ("standalone", "tf") else supports(*((n,) if isinstance(n, str) else n))
               for n in fn.needs)


def rng(name):
    return np.random.RandomState(int(hashlib.md5(name.encode()).hexdigest()[:8], 16) % (2 ** 31))


# -- inputs ---------------------------------------------------------------------------------
def token_batch(r, T=8, vocab=20):
    """Integer sequences, 0 = padding: post-, pre-, mid-padded, full, one token at each end, all-pad."""
    x = np.zeros((7, T), dtype="int32")
    tok = lambda n: r.randint(1, vocab, size=n)  # noqa: E731
    x[0, :5] = tok(5)                # post-padding
    x[1, 3:] = tok(T - 3)            # pre-padding
    x[2, :] = tok(T)                 # full
    x[3, 0] = tok(1)[0]              # one token, post
    x[4, -1] = tok(1)[0]             # one token, pre
    x[5, :] = tok(T)
    x[5, [2, 5]] = 0                 # holes in the middle
    # row 6 stays all padding
    return x


def masked_float_batch(r, T=7, F=5):
    """Float sequences where some steps are all zero (masked by Masking(0.)): post, pre, middle."""
    x = r.normal(size=(6, T, F)).astype("float32")
    x[0, 4:] = 0.0
    x[1, :3] = 0.0
    x[3, 2] = 0.0
    x[4, :] = 0.0
    x[4, -1] = r.normal(size=F)
    x[5, 1:] = 0.0
    return x


def normal(r, *shape):
    return r.normal(size=shape).astype("float32")


# -- weights ----------------------------------------------------------------------------------
def perturb(model, r):
    """Make near-constant weights (biases, gammas, moving stats, 0/1 forget biases) non-trivial."""
    for layer in model.layers:
        symbolic = layer.weights
        if not symbolic:
            continue
        new = []
        for w, v in zip(symbolic, layer.get_weights()):
            name = w.name
            if v.size and len(np.unique(v)) <= 2:
                noise = r.normal(0, 0.3, size=v.shape).astype("float32")
                if "moving_variance" in name:
                    v = (np.abs(noise) + 0.5).astype("float32")
                elif "gamma" in name:
                    v = (1.0 + noise).astype("float32")
                else:
                    v = (v + noise).astype("float32")
            new.append(v)
        layer.set_weights(new)


def train_steps(model, xs, r, steps=3, loss="mse", optimizer="sgd"):
    model.compile(optimizer=optimizer, loss=loss)
    shapes = model.output_shape if isinstance(model.output_shape, list) else [model.output_shape]
    ys = [r.normal(size=(len(xs[0]),) + tuple(shape[1:])).astype("float32") for shape in shapes]
    for _ in range(steps):
        model.train_on_batch(xs, ys)


def classes_of(config):
    """Every layer class a model config names: wrapped layers, backward layers and RNN cells too."""
    found = set()

    def visit(class_name, cfg):
        found.add(class_name)
        if not isinstance(cfg, dict):
            cfg = {"layers": cfg}
        for key in ("layer", "backward_layer", "cell"):
            if isinstance(cfg.get(key), dict):
                visit(cfg[key]["class_name"], cfg[key]["config"])
        for inner in cfg.get("cells", []) if isinstance(cfg.get("cells"), list) else []:
            visit(inner["class_name"], inner["config"])
        if class_name in ("Sequential", "Model"):
            for inner in cfg["layers"]:
                visit(inner["class_name"], inner["config"])

    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    for layer in layers:
        visit(layer["class_name"], layer["config"])
    return sorted(found)


def h5_facts(path):
    """The root attributes a loader reads first, and the optimizer weight names, of one file."""
    import h5py
    out = {}
    with h5py.File(path, "r") as f:
        for key in ("keras_version", "backend"):
            group = f if key in f.attrs else f.get("model_weights", f)
            if key in group.attrs:
                value = group.attrs[key]
                out[key] = value.decode() if isinstance(value, bytes) else str(value)
        if "optimizer_weights" in f:
            names = f["optimizer_weights"].attrs["weight_names"]
            out["optimizer_weight_names"] = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
            out["optimizer_weight_shapes"] = [list(f["optimizer_weights"][n].shape)
                                              for n in out["optimizer_weight_names"]]
    return out


# ============================================================================================
# Masked recurrent layers, plain and wrapped
# ============================================================================================
def _emb_rnn(name, rnn, merge_mode="concat", return_sequences=True, head=True, doc=""):
    def build(r):
        inp = L.Input((8,), dtype="int32")
        h = L.Embedding(20, 6, mask_zero=True)(inp)
        if merge_mode == "plain":
            out = rnn(return_sequences)(h)
        else:
            out = L.Bidirectional(rnn(return_sequences), merge_mode=merge_mode)(h)
        if merge_mode is None:
            outs = [L.Dense(3)(out[0]), out[1]] if head else out
        else:
            outs = [L.Dense(3)(out)] if head else [out]
        model = Model(inp, outs if len(outs) > 1 else outs[0])
        return model, [token_batch(r)]
    build.__name__ = name
    build.__doc__ = doc
    return build


_lstm = lambda rs: L.LSTM(5, return_sequences=rs)  # noqa: E731
_gru = lambda rs: L.GRU(5, return_sequences=rs)  # noqa: E731
_srnn = lambda rs: L.SimpleRNN(5, return_sequences=rs)  # noqa: E731
_MASK_DOC = ("Embedding(mask_zero=True) -> Bidirectional(%s(5, return_sequences=%s), merge_mode=%r)%s: "
             "what this stack outputs at padded steps (zeros, or the previous output) is in the era "
             "README and the manifest's observed.masked_bidirectional.")

for _mode, _tag in (("concat", "concat"), ("sum", "sum"), ("ave", "ave"), ("mul", "mul"), (None, "none")):
    for _rnn, _cls in ((_lstm, "LSTM"), (_gru, "GRU")):
        case(_emb_rnn("emb_bi%s_%s" % (_cls.lower(), _tag), _rnn, _mode, head=False,
                      doc=_MASK_DOC % (_cls, True, _mode, " (no head: the merged output itself)")))
case(_emb_rnn("emb_bilstm_last_concat", _lstm, "concat", return_sequences=False,
              doc=_MASK_DOC % ("LSTM", False, "concat", " -> Dense(3)")))
case(_emb_rnn("emb_bigru_last_ave", _gru, "ave", return_sequences=False,
              doc=_MASK_DOC % ("GRU", False, "ave", " -> Dense(3)")))
case(_emb_rnn("emb_lstm_seq", _lstm, "plain", doc="Masked plain LSTM, return_sequences=True."))
case(_emb_rnn("emb_gru_seq", _gru, "plain", doc="Masked plain GRU (this stack's defaults), return_sequences=True."))


@case
def emb_lstm_go_backwards(r):
    """Masked LSTM(go_backwards=True): outputs in processing (reversed) order."""
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    out = L.LSTM(5, return_sequences=True, go_backwards=True)(h)
    return Model(inp, out), [token_batch(r)]


@case
def emb_stacked_bidirectional(r):
    """Stacked masked Bidirectional layers (concat, sum, ave) -> TimeDistributed(Dense)."""
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
    """TimeDistributed(Dense) between masked recurrent layers (the mask passes through it)."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.TimeDistributed(L.Dense(7, activation="relu")),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="mul"),
        L.TimeDistributed(L.Dense(3)),
        L.LSTM(4, return_sequences=True),
    ])
    return model, [token_batch(r)]


@case
def masking_bilstm_ave(r):
    """Masking(0.) -> Bidirectional(LSTM, ave, sequences) -> Bidirectional(GRU, concat, last)."""
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.Bidirectional(L.LSTM(6, return_sequences=True), merge_mode="ave"),
        L.Bidirectional(L.GRU(4), merge_mode="concat"),
    ])
    return model, [masked_float_batch(r)]


@case
def masking_bisimplernn_concat(r):
    """Masking(0.) -> Bidirectional(SimpleRNN, concat, sequences)."""
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.Bidirectional(L.SimpleRNN(6, return_sequences=True)),
    ])
    return model, [masked_float_batch(r)]


# ============================================================================================
# Recurrent defaults and what the era added to recurrent layers
# ============================================================================================
def _default_rnn(name, cls_name):
    def build(r):
        model = Sequential([getattr(L, cls_name)(5, input_shape=(6, 4))])
        return model, [normal(r, B, 6, 4)]
    build.__name__ = name
    build.__doc__ = ("%s(5) with DEFAULT arguments only: the config holds this stack's defaults "
                     "(recurrent_activation, implementation, reset_after, ...; see observed.recurrent_defaults)."
                     % cls_name)
    return build


for _cls in ("LSTM", "GRU", "SimpleRNN"):
    case(_default_rnn("default_%s" % _cls.lower(), _cls))


@case
def rnn_explicit_gates(r):
    """Every activation spelled out (hard_sigmoid and sigmoid gates, non-default activations), under a mask."""
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.LSTM(5, activation="tanh", recurrent_activation="hard_sigmoid", return_sequences=True),
        L.LSTM(5, activation="softsign", recurrent_activation="sigmoid", return_sequences=True),
        L.GRU(5, activation="tanh", recurrent_activation="hard_sigmoid", return_sequences=True),
        L.GRU(4, activation="elu", recurrent_activation="sigmoid", return_sequences=True),
        L.SimpleRNN(3, activation="relu"),
    ])
    return model, [masked_float_batch(r)]


@case(("GRU", "reset_after"))
def gru_reset_after(r):
    """GRU(reset_after=True, recurrent_activation='sigmoid'): bias (2, 3U), reset gate after the product."""
    inp = L.Input((6, 4))
    a = L.GRU(5, reset_after=True, recurrent_activation="sigmoid", return_sequences=True)(inp)
    b = L.GRU(4, reset_after=True)(a)
    return Model(inp, b), [normal(r, B, 6, 4)]


@case(("GRU", "reset_after"))
def emb_gru_reset_after_masked(r):
    """Masked GRU(reset_after=True) and Bidirectional(GRU(reset_after=True), concat)."""
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    h = L.GRU(5, reset_after=True, return_sequences=True)(h)
    out = L.Bidirectional(L.GRU(4, reset_after=True, return_sequences=True))(h)
    return Model(inp, out), [token_batch(r)]


@case("RNN", "LSTMCell", "GRUCell", "SimpleRNNCell", "StackedRNNCells")
def rnn_cells(r):
    """RNN(cell) and RNN([cells]) (StackedRNNCells): configs nest 'cell' / 'cells'."""
    inp = L.Input((6, 4))
    a = L.RNN(L.LSTMCell(5), return_sequences=True)(inp)
    b = L.RNN([L.SimpleRNNCell(4), L.GRUCell(3)], return_sequences=True)(a)
    c = L.RNN(L.StackedRNNCells([L.LSTMCell(3), L.LSTMCell(2)]))(b)
    return Model(inp, c), [normal(r, B, 6, 4)]


@case
def convlstm2d(r):
    """ConvLSTM2D (rewritten on ConvRNN2D in Keras 2.1+), sequences then last."""
    model = Sequential([
        L.ConvLSTM2D(3, (3, 3), padding="same", return_sequences=True, input_shape=(3, 5, 5, 2)),
        L.ConvLSTM2D(2, (2, 2), padding="valid"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 3, 5, 5, 2)]


@case(("Bidirectional", "backward_layer"))
def bidirectional_backward_layer(r):
    """Bidirectional(LSTM, backward_layer=GRU(go_backwards=True)): a config with its own backward layer."""
    inp = L.Input((6, 4))
    out = L.Bidirectional(L.LSTM(4, return_sequences=True),
                          backward_layer=L.GRU(3, return_sequences=True, go_backwards=True))(inp)
    return Model(inp, out), [normal(r, B, 6, 4)]


# ============================================================================================
# CuDNNLSTM / CuDNNGRU: saved on a CPU-only stack, outputs from the stack's own conversion
# ============================================================================================
def _rnn(kind, units, cudnn, **kwargs):
    """A CuDNN layer, or the plain layer that computes the same (sigmoid gates; GRU reset_after)."""
    if cudnn:
        return getattr(L, "CuDNN" + kind)(units, **kwargs)
    if kind == "LSTM":
        return L.LSTM(units, recurrent_activation="sigmoid", **kwargs)
    return L.GRU(units, recurrent_activation="sigmoid", reset_after=True, **kwargs)


def _cudnn_case(name, doc, layers_of):
    def build(r, cudnn=True):
        model = Sequential(layers_of(cudnn))
        return model, [normal(r, B, 7, 5)], {"cudnn_plain": lambda: build(r, cudnn=False)[0]}
    build.__name__ = name
    build.__doc__ = doc
    build.needs = ("CuDNNLSTM", "CuDNNGRU")
    CASES.append(build)
    return build


_cudnn_case("cudnn_lstm_seq", "CuDNNLSTM(6, return_sequences=True) -> Dense(3): bias (8U,) = input biases "
            "then recurrent biases, gates i,f,c,o.",
            lambda c: [_rnn("LSTM", 6, c, return_sequences=True, input_shape=(7, 5)), L.Dense(3)])
_cudnn_case("cudnn_lstm_last", "CuDNNLSTM(6) (last output).",
            lambda c: [_rnn("LSTM", 6, c, input_shape=(7, 5))])
_cudnn_case("cudnn_gru_seq", "CuDNNGRU(5, return_sequences=True) -> Dense(3): bias (6U,), gates z,r,h; "
            "computes GRU(reset_after=True, recurrent_activation='sigmoid').",
            lambda c: [_rnn("GRU", 5, c, return_sequences=True, input_shape=(7, 5)), L.Dense(3)])
_cudnn_case("cudnn_gru_last", "CuDNNGRU(5) (last output).",
            lambda c: [_rnn("GRU", 5, c, input_shape=(7, 5))])
_cudnn_case("cudnn_bidirectional", "Bidirectional(CuDNNLSTM(4, return_sequences=True), concat) -> "
            "Bidirectional(CuDNNGRU(3), sum).",
            lambda c: [L.Bidirectional(_rnn("LSTM", 4, c, return_sequences=True), input_shape=(7, 5)),
                       L.Bidirectional(_rnn("GRU", 3, c), merge_mode="sum")])
_cudnn_case("cudnn_stacked", "CuDNNLSTM(5, seq) -> CuDNNGRU(4, seq, go_backwards=True) -> CuDNNLSTM(3) -> Dense(2).",
            lambda c: [_rnn("LSTM", 5, c, return_sequences=True, input_shape=(7, 5)),
                       _rnn("GRU", 4, c, return_sequences=True, go_backwards=True),
                       _rnn("LSTM", 3, c), L.Dense(2)])


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def _cudnn_gate_matrices(kernel, recurrent, bias, n_gates, cudnn_order):
    """What cuDNN reads from a Keras CuDNN layer's weights, per gate, in float64.

    The layer hands cuDNN each gate's (D, U) kernel slice flattened in C order; cuDNN reads that
    buffer as its (U, D) input matrix (``W x``), and each (U, U) recurrent slice as-is (``R h``).
    ``bias`` holds the input biases of every gate, then the recurrent ones.
    """
    d = kernel.shape[0]
    u = recurrent.shape[0]
    gates = {}
    for g, gate in enumerate(cudnn_order):
        cols = slice(g * u, (g + 1) * u)
        gates[gate] = (np.asarray(kernel[:, cols], np.float64).reshape(u, d),
                       np.asarray(recurrent[:, cols], np.float64).reshape(u, u),
                       np.asarray(bias[cols], np.float64),
                       np.asarray(bias[n_gates * u + g * u:n_gates * u + (g + 1) * u], np.float64))
    return gates


def numpy_cudnn(layer_class, weights, x, return_sequences, go_backwards):
    """The cuDNN LSTM/GRU equations on a Keras CuDNN layer's weights (independent of Keras' conversion)."""
    kernel, recurrent, bias = weights
    lstm = layer_class == "CuDNNLSTM"
    # Keras keeps its column blocks in i,f,c,o (LSTM) and z,r,h (GRU) order.
    g = _cudnn_gate_matrices(kernel, recurrent, bias, 4 if lstm else 3, "ifco" if lstm else "zrh")
    x = np.asarray(x, np.float64)
    u = recurrent.shape[0]
    h = np.zeros((x.shape[0], u))
    c = np.zeros_like(h)
    steps = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs = []
    for t in steps:
        xt = x[:, t]

        def pre(gate, with_recurrent=True):
            w, rr, bw, br = g[gate]
            return xt @ w.T + bw + ((h @ rr.T + br) if with_recurrent else 0.0)

        if lstm:
            i, f, o = _sigmoid(pre("i")), _sigmoid(pre("f")), _sigmoid(pre("o"))
            c = f * c + i * np.tanh(pre("c"))
            h = o * np.tanh(c)
        else:
            z, rgate = _sigmoid(pre("z")), _sigmoid(pre("r"))
            w, rr, bw, br = g["h"]
            n = np.tanh(xt @ w.T + bw + rgate * (h @ rr.T + br))
            h = (1.0 - z) * n + z * h
        outputs.append(h)
    return np.stack(outputs, axis=1) if return_sequences else h


def numpy_cudnn_model(model, x):
    """Run a Sequential of CuDNN layers, Bidirectional(CuDNN ...) and Dense in NumPy (float64)."""
    h = np.asarray(x, np.float64)
    for layer in model.layers:
        name = type(layer).__name__
        if name in ("CuDNNLSTM", "CuDNNGRU"):
            h = numpy_cudnn(name, layer.get_weights(), h, layer.return_sequences, layer.go_backwards)
        elif name == "Bidirectional":
            inner = layer.forward_layer
            w = layer.get_weights()
            half = len(w) // 2
            fw = numpy_cudnn(type(inner).__name__, w[:half], h, inner.return_sequences, False)
            bw = numpy_cudnn(type(inner).__name__, w[half:], h, inner.return_sequences, True)
            if inner.return_sequences:
                bw = bw[:, ::-1]
            h = {"concat": lambda a, b: np.concatenate([a, b], -1), "sum": np.add,
                 "ave": lambda a, b: (a + b) / 2.0, "mul": np.multiply}[layer.merge_mode](fw, bw)
        elif name == "Dense":
            kernel, bias = layer.get_weights()
            h = h @ kernel + bias
            assert layer.get_config()["activation"] == "linear"
        elif name != "InputLayer":
            raise ValueError("numpy_cudnn_model: no NumPy rule for %s" % name)
    return h


# ============================================================================================
# Layer classes and arguments added after Keras 2.0.8
# ============================================================================================
@case("DepthwiseConv2D")
def depthwise_conv2d(r):
    """DepthwiseConv2D (Keras 2.1.5+): depthwise_kernel (kh, kw, C, depth_multiplier)."""
    model = Sequential([
        L.DepthwiseConv2D((3, 3), depth_multiplier=2, padding="same", input_shape=(6, 6, 3)),
        L.DepthwiseConv2D((2, 2), strides=(2, 2), activation="relu"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 6, 6, 3)]


@case("SeparableConv1D", ("SeparableConv2D", "dilation_rate"))
def separable_conv(r):
    """SeparableConv1D (Keras 2.1.3+) and SeparableConv2D(dilation_rate=2) (Keras 2.1+)."""
    inp1 = L.Input((9, 4))
    a = L.SeparableConv1D(5, 3, depth_multiplier=2, padding="same")(inp1)
    a = L.SeparableConv1D(3, 2, strides=2, activation="relu")(a)
    inp2 = L.Input((7, 7, 2))
    b = L.SeparableConv2D(3, (2, 2), dilation_rate=(2, 2))(inp2)
    return Model([inp1, inp2], [a, b]), [normal(r, 4, 9, 4), normal(r, 4, 7, 7, 2)]


@case("Softmax")
def softmax_layer(r):
    """Softmax(axis) layer (Keras 2.1.3+), over the last and over the time axis."""
    inp = L.Input((5, 4))
    a = L.Softmax()(L.Dense(3)(inp))
    b = L.Softmax(axis=1)(inp)
    return Model(inp, [a, b]), [normal(r, B, 5, 4) * 2]


@case(("ReLU", "max_value", "negative_slope", "threshold"))
def relu_layer(r):
    """ReLU layer (Keras 2.2.0+; negative_slope and threshold from 2.2.3)."""
    inp = L.Input((6,))
    h = L.Dense(8)(inp)
    a = L.ReLU()(h)
    b = L.ReLU(max_value=1.0)(h)
    c = L.ReLU(negative_slope=0.1, threshold=0.3)(h)
    d = L.ReLU(max_value=2.0, negative_slope=0.2, threshold=-0.5)(h)
    return Model(inp, L.Concatenate()([a, b, c, d])), [normal(r, B, 6) * 2]


@case("Minimum")
def minimum_merge(r):
    """Minimum merge layer (Keras 2.0.9+)."""
    a, b, c = L.Input((5,)), L.Input((5,)), L.Input((5,))
    out = L.Minimum()([L.Dense(4)(a), L.Dense(4)(b), L.Dense(4)(c)])
    return Model([a, b, c], out), [normal(r, B, 5), normal(r, B, 5), normal(r, B, 5)]


@case(("Conv2DTranspose", "output_padding", "dilation_rate"), ("Conv3DTranspose", "output_padding"))
def conv_transpose_output_padding(r):
    """Conv2DTranspose(output_padding, dilation_rate) and Conv3DTranspose(output_padding) (Keras 2.2+)."""
    inp2 = L.Input((5, 5, 2))
    a = L.Conv2DTranspose(3, (3, 3), strides=(2, 2), output_padding=(1, 0))(inp2)
    a = L.Conv2DTranspose(2, (2, 2), dilation_rate=(2, 2))(a)
    inp3 = L.Input((3, 4, 3, 2))
    b = L.Conv3DTranspose(2, (3, 3, 3), strides=(2, 2, 1), output_padding=(1, 0, 0))(inp3)
    return Model([inp2, inp3], [a, b]), [normal(r, 3, 5, 5, 2), normal(r, 3, 3, 4, 3, 2)]


@case(("UpSampling2D", "interpolation"))
def upsampling2d_bilinear(r):
    """UpSampling2D(interpolation='bilinear') (Keras 2.2.3+) beside the default 'nearest'."""
    inp = L.Input((4, 5, 2))
    a = L.UpSampling2D((2, 3), interpolation="bilinear")(inp)
    b = L.UpSampling2D((2, 3))(inp)
    return Model(inp, [a, b]), [normal(r, 3, 4, 5, 2)]


@case(("Flatten", "data_format"))
def flatten_channels_first(r):
    """Flatten(data_format='channels_first') permutes channels to the end before flattening (Keras 2.1+)."""
    model = Sequential([
        L.Conv2D(3, (2, 2), input_shape=(4, 5, 2)),
        L.Flatten(data_format="channels_first"),
        L.Dense(4),
    ])
    return model, [normal(r, 4, 4, 5, 2)]


@case("standalone", ("Conv1D", "data_format"), ("GlobalAveragePooling1D", "data_format"))
def conv1d_channels_first(r):
    """Conv1D / pooling 1D with data_format='channels_first' (Keras 2.2+; standalone Keras transposes
    to channels_last around the op, tf.keras 1.15 asks TF for NCW, which has no CPU kernel)."""
    model = Sequential([
        L.Conv1D(4, 2, data_format="channels_first", input_shape=(3, 8)),
        L.MaxPooling1D(2, data_format="channels_first"),
        L.GlobalAveragePooling1D(data_format="channels_first"),
    ])
    return model, [normal(r, B, 3, 8)]


@case(("DepthwiseConv2D", "dilation_rate"))
def depthwise_conv2d_dilated(r):
    """DepthwiseConv2D(dilation_rate=2) (Keras 2.3+)."""
    model = Sequential([L.DepthwiseConv2D((2, 2), dilation_rate=(2, 2), input_shape=(6, 6, 2)), L.Flatten()])
    return model, [normal(r, 3, 6, 6, 2)]


@case("LayerNormalization")
def layer_normalization(r):
    """LayerNormalization (tf.keras 1.14+)."""
    inp = L.Input((5, 6))
    a = L.LayerNormalization()(L.Dense(6)(inp))
    b = L.LayerNormalization(axis=1, epsilon=0.01, center=False)(inp)
    return Model(inp, [a, b]), [normal(r, B, 5, 6) * 2 + 1]


@case("Attention", "AdditiveAttention")
def attention_layers(r):
    """Attention(use_scale) and AdditiveAttention (tf.keras 1.14+) on [query, value, key]."""
    q, v = L.Input((4, 6)), L.Input((5, 6))
    a = L.Attention(use_scale=True)([q, v])
    b = L.AdditiveAttention()([q, v, L.Dense(6)(v)])
    return Model([q, v], [a, b]), [normal(r, B, 4, 6), normal(r, B, 5, 6)]


@case(("Attention", "causal"))
def attention_masked_causal(r):
    """Attention(causal=True) and AdditiveAttention over an Embedding(mask_zero=True) sequence."""
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    a = L.Attention(causal=True)([h, h])
    b = L.AdditiveAttention(use_scale=False)([h, h])
    return Model(inp, [a, b]), [token_batch(r)]


@case(("BatchNormalization", "renorm"))
def batchnorm_renorm(r):
    """BatchNormalization(renorm=True) (tf.keras): extra renorm weights in the file."""
    model = Sequential([
        L.Dense(6, input_shape=(5,)),
        L.BatchNormalization(renorm=True, momentum=0.5),
        L.Dense(3),
    ])
    return model, [normal(r, B, 5) + 1], {"train": [normal(r, 16, 5) + 1]}


@case(("LocallyConnected2D", "implementation"))
def locally_connected_implementation(r):
    """LocallyConnected1D/2D(implementation=2) (tf.keras): another kernel layout."""
    inp1 = L.Input((8, 3))
    a = L.LocallyConnected1D(4, 3, implementation=2)(inp1)
    inp2 = L.Input((5, 6, 2))
    b = L.LocallyConnected2D(3, (2, 3), implementation=2)(inp2)
    return Model([inp1, inp2], [a, b]), [normal(r, 4, 8, 3), normal(r, 4, 5, 6, 2)]


# ============================================================================================
# Common layers
# ============================================================================================
@case
def conv1d_layers(r):
    """Conv1D (same/causal/dilated/strided), 1D pooling, UpSampling1D, ZeroPadding1D, Cropping1D."""
    inp = L.Input((9, 4))
    h = L.Conv1D(8, 3, padding="same", activation="relu")(inp)
    h = L.MaxPooling1D(2)(h)
    h = L.Conv1D(6, 2, padding="causal", dilation_rate=2)(h)
    h = L.AveragePooling1D(2, strides=1, padding="same")(h)
    h = L.UpSampling1D(2)(h)
    h = L.ZeroPadding1D((1, 2))(h)
    h = L.Cropping1D((2, 1))(h)
    h = L.Conv1D(5, 2, strides=2)(h)
    a = L.GlobalAveragePooling1D()(h)
    m = L.GlobalMaxPooling1D()(h)
    return Model(inp, [a, m]), [normal(r, B, 9, 4)]


@case
def conv2d_stack(r):
    """Conv2D, pooling, UpSampling2D, ZeroPadding2D, Cropping2D, SeparableConv2D, Conv2DTranspose."""
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
def core_layers(r):
    """Dense, Dropout, noise layers, Activation, Reshape, Permute, SpatialDropout*, RepeatVector,
    ActivityRegularization."""
    model = Sequential([
        L.Dense(12, activation="relu", input_shape=(6,)),
        L.Dropout(0.5),
        L.GaussianNoise(0.5),
        L.AlphaDropout(0.3),
        L.GaussianDropout(0.4),
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


@case
def activations_builtin(r):
    """Built-in activations whose definitions moved over the eras (hard_sigmoid: observed.hard_sigmoid)."""
    inp = L.Input((5,))
    outs = []
    for act in ("elu", "selu", "softplus", "softsign", "hard_sigmoid", "softmax"):
        outs.append(L.Dense(3, activation=act)(inp))
    return Model(inp, L.Concatenate()(outs)), [normal(r, B, 5) * 3]


@case
def advanced_activations(r):
    """LeakyReLU, PReLU (shared_axes too), ELU, ThresholdedReLU."""
    model = Sequential([
        L.Dense(8, input_shape=(5,)),
        L.LeakyReLU(0.2),
        L.Dense(8),
        L.PReLU(),
        L.Dense(8),
        L.ELU(0.7),
        L.Dense(8),
        L.ThresholdedReLU(0.3),
        L.Reshape((2, 4)),
        L.PReLU(shared_axes=[1]),
    ])
    return model, [normal(r, B, 5) * 2]


@case
def batchnorm_dense(r):
    """BatchNormalization after Dense (trained 3 steps: moving statistics non-trivial)."""
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
    """BatchNormalization on axis -1 and axis 1 after Conv1D (trained 3 steps)."""
    model = Sequential([
        L.Conv1D(6, 3, input_shape=(9, 4)),
        L.BatchNormalization(axis=-1, momentum=0.6),
        L.Conv1D(4, 2),
        L.BatchNormalization(axis=1, momentum=0.6),
        L.Flatten(),
    ])
    return model, [normal(r, B, 9, 4) + 0.5], {"train": [normal(r, 16, 9, 4) + 0.5]}


@case
def merge_two_in_two_out(r):
    """Two inputs, two outputs, every merge layer (Add, Subtract, Multiply, Average, Maximum, Dot, Concatenate)."""
    a_in = L.Input((6,), name="left")
    b_in = L.Input((6,), name="right")
    a = L.Dense(4)(a_in)
    b = L.Dense(4)(b_in)
    merged = [L.Add()([a, b]), L.Subtract()([a, b]), L.Multiply()([a, b]), L.Average()([a, b]),
              L.Maximum()([a, b]), L.Dot(axes=1)([a, b]), L.Dot(axes=1, normalize=True)([a, b])]
    cat = L.Concatenate(axis=-1)(merged)
    out1 = L.Dense(3, activation="softmax", name="probs")(cat)
    out2 = L.Dense(1, name="score")(L.Add()([a, b, L.Dense(4)(cat)]))
    return Model([a_in, b_in], [out1, out2]), [normal(r, B, 6), normal(r, B, 6)]


@case
def shared_layers(r):
    """One Dense applied to two inputs (one weight set, two inbound nodes)."""
    inp1 = L.Input((5,))
    inp2 = L.Input((5,))
    shared = L.Dense(4, activation="tanh")
    out = L.Maximum()([shared(inp1), shared(inp2)])
    return Model([inp1, inp2], out), [normal(r, B, 5), normal(r, B, 5)]


@case
def nested_sequential(r):
    """A Sequential used as a layer inside a functional model: refused (UnknownLayerError)."""
    inner = Sequential([L.Dense(4, input_shape=(5,)), L.Activation("relu")], name="inner")
    inp = L.Input((5,))
    out = L.Dense(2)(inner(inp))
    return Model(inp, out), [normal(r, B, 5)]


@case("Highway")
def legacy_highway(r):
    """Highway (a Keras 1 layer this stack still ships): refused."""
    model = Sequential([L.Dense(6, input_shape=(5,)), L.Highway(activation="relu")])
    return model, [normal(r, B, 5)]


@case("MaxoutDense")
def legacy_maxout_dense(r):
    """MaxoutDense (a Keras 1 layer this stack still ships): refused."""
    model = Sequential([L.MaxoutDense(4, nb_feature=3, input_dim=5)])
    return model, [normal(r, B, 5)]


@case
def lambda_layer(r):
    """A Lambda layer (marshaled bytecode): refused (UnsafeLambdaError)."""
    model = Sequential([
        L.Dense(4, input_shape=(5,)),
        L.Lambda(lambda t: t * 2.0 + 1.0),
    ])
    return model, [normal(r, B, 5)]


# ============================================================================================
# AttentionDecoder: our own layer, written from shared/design/LEGACY_SEMANTICS.md
# ============================================================================================
def attention_decoder_class():
    """Our ``AttentionDecoder`` for a standalone Keras 2.1-2.3 stack (a subclass of its ``Recurrent``).

    Written from the fact sheet only: constructor and quirks, the 21 weights in the sheet's order
    and shapes, the forward pass (run with this stack's ``K.rnn``), and ``get_config`` = the
    stack's own ``Recurrent`` config plus ``units``, ``output_dim``, ``return_probabilities``.
    The loop ignores any mask (the legacy layer attended over padded steps too).
    """
    from keras import activations, constraints, initializers, regularizers

    class AttentionDecoder(L.Recurrent):
        def __init__(self, units, output_dim, activation="tanh", return_probabilities=False,
                     name="AttentionDecoder", kernel_initializer="glorot_uniform",
                     recurrent_initializer="orthogonal", bias_initializer="zeros",
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, **kwargs):
            kwargs.setdefault("return_sequences", True)
            super(AttentionDecoder, self).__init__(name=name, **kwargs)
            self.units, self.output_dim, self.return_probabilities = units, output_dim, return_probabilities
            self.activation = activations.get(activation)        # kept, never applied: tanh is fixed
            # What each role of weight is made with: (initializer, regularizer, constraint). The
            # recurrent role takes the kernel's regularizer and constraint (no arguments of its own).
            self.role_options = {
                "kernel": (kernel_initializer, kernel_regularizer, kernel_constraint),
                "recurrent": (recurrent_initializer, kernel_regularizer, kernel_constraint),
                "bias": (bias_initializer, bias_regularizer, bias_constraint)}
            self.role_options = {role: (initializers.get(i), regularizers.get(r), constraints.get(c))
                                 for role, (i, r, c) in self.role_options.items()}
            self.activity_regularizer = None if activity_regularizer is None else regularizers.get(activity_regularizer)

        def _new_weight(self, role, name, shape):
            init, reg, con = self.role_options[role]
            value = self.add_weight(name=name, shape=shape, initializer=init, regularizer=reg, constraint=con)
            setattr(self, name, value)

        def build(self, input_shape):
            _, _, features = input_shape
            u, o = self.units, self.output_dim
            self.states = [None, None]
            self._new_weight("kernel", "V_a", (u,))
            self._new_weight("kernel", "W_a", (u, u))
            self._new_weight("kernel", "U_a", (features, u))
            self._new_weight("bias", "b_a", (u,))
            for gate, width in (("r", u), ("z", u), ("p", u), ("o", o)):
                self._new_weight("recurrent", "C_" + gate, (features, width))
                self._new_weight("recurrent", "U_" + gate, (u, width))
                self._new_weight("recurrent", "W_" + gate, (o, width))
                self._new_weight("bias", "b_" + gate, (width,))
            self._new_weight("recurrent", "W_s", (features, u))
            self.built = True

        def call(self, inputs, mask=None, training=None, initial_state=None):
            encoded = inputs
            first = encoded[:, 0, :]
            state0 = K.tanh(K.dot(first, self.W_s))
            output0 = K.zeros_like(K.dot(first, self.C_o))              # y_0 = 0, (B, O)
            keys = K.bias_add(K.dot(encoded, self.U_a), self.b_a)      # (B, T, U), once

            def gate(prev_out, prev_state, context, name):
                return (K.dot(prev_out, getattr(self, "W_" + name)) + K.dot(prev_state, getattr(self, "U_" + name))
                        + K.dot(context, getattr(self, "C_" + name)) + getattr(self, "b_" + name))

            def step(_unused_x_t, states):
                prev_out, prev_state = states
                query = K.expand_dims(K.dot(prev_state, self.W_a), 1)
                scores = K.dot(K.tanh(keys + query), K.expand_dims(self.V_a))    # (B, T, 1)
                weights = K.exp(scores) / K.sum(K.exp(scores), axis=1, keepdims=True)
                context = K.sum(weights * encoded, axis=1)
                reset = K.sigmoid(gate(prev_out, prev_state, context, "r"))
                update = K.sigmoid(gate(prev_out, prev_state, context, "z"))
                proposal = K.tanh(K.dot(prev_out, self.W_p) + K.dot(reset * prev_state, self.U_p)
                                  + K.dot(context, self.C_p) + self.b_p)
                new_state = (1.0 - update) * prev_state + update * proposal
                new_out = K.softmax(gate(prev_out, prev_state, context, "o"))   # reads the OLD state
                return (weights if self.return_probabilities else new_out), [new_out, new_state]

            _, outputs, _ = K.rnn(step, encoded, [output0, state0], mask=None,
                                  input_length=K.int_shape(encoded)[1])
            return outputs

        def compute_output_shape(self, shape_in):
            batch, steps = shape_in[0], shape_in[1]
            return (batch, steps, steps if self.return_probabilities else self.output_dim)

        def get_config(self):
            config = super(AttentionDecoder, self).get_config()
            config.update({"units": self.units, "output_dim": self.output_dim,
                           "return_probabilities": self.return_probabilities})
            return config

    return AttentionDecoder


def _oracle():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import oracle
    return oracle


def _decoder_case(name, doc, build_encoder, decoder_kwargs, tokens):
    """A model ending in our AttentionDecoder; the case records the oracle's max diff on its outputs."""
    def build(r):
        decoder_cls = CUSTOM_OBJECTS["AttentionDecoder"]
        inp, encoded = build_encoder()
        decoder = decoder_cls(**decoder_kwargs)
        model = Model(inp, decoder(encoded))
        decoder.set_weights([r.normal(0, 0.5, size=w.shape).astype("float32") for w in decoder.get_weights()])
        x = token_batch(r) if tokens else normal(r, B, *K.int_shape(inp)[1:])
        encoder = Model(inp, encoded) if encoded is not inp else None
        return model, [x], {"oracle": lambda ys: _oracle().attention_decoder(
            x if encoder is None else encoder.predict(x), decoder.get_weights(), decoder.return_probabilities)}
    build.__name__ = name
    build.__doc__ = doc
    build.needs = ("Recurrent",)
    build.attention_decoder = True
    CASES.append(build)


def _plain_encoder():
    inp = L.Input((5, 3))
    return inp, inp


def _bilstm_encoder():
    inp = L.Input((8,), dtype="int32")
    return inp, L.Bidirectional(L.LSTM(4, return_sequences=True))(L.Embedding(20, 6)(inp))


def _masked_lstm_encoder():
    inp = L.Input((8,), dtype="int32")
    return inp, L.LSTM(5, return_sequences=True)(L.Embedding(20, 6, mask_zero=True)(inp))


if FLAVOUR == "standalone" and hasattr(L, "Recurrent"):
    CUSTOM_OBJECTS["AttentionDecoder"] = attention_decoder_class()
    _decoder_case("attention_decoder", "Input(5, 3) -> AttentionDecoder(6, 4) (our own layer, default name "
                  "'AttentionDecoder'): saved by this stack, outputs checked against legacy_reference/oracle.py.",
                  _plain_encoder, {"units": 6, "output_dim": 4}, tokens=False)
    _decoder_case("attention_decoder_bilstm_probs", "Embedding(20, 6) -> Bidirectional(LSTM(4, "
                  "return_sequences=True)) -> AttentionDecoder(5, 4, return_probabilities=True, "
                  "name='attention_decoder_1'): the attention weights, shape (B, T, T, 1) as K.rnn stacks them.",
                  _bilstm_encoder, {"units": 5, "output_dim": 4, "return_probabilities": True,
                                    "name": "attention_decoder_1"}, tokens=True)
    _decoder_case("attention_decoder_masked", "Embedding(20, 6, mask_zero=True) -> LSTM(5, return_sequences=True) "
                  "-> AttentionDecoder(7, 3): the decoder ignores the mask (attends over padded steps too).",
                  _masked_lstm_encoder, {"units": 7, "output_dim": 3}, tokens=True)


# ============================================================================================
# Weights-only files (save_weights): the era's defaults must come from the era
# ============================================================================================
def _weights_case(name, doc, builder, needs=()):
    def build(r):
        model, xs = builder(r)
        return model, xs, {"weights_only": True}
    build.__name__ = name
    build.__doc__ = doc
    build.needs = needs
    CASES.append(build)


_weights_case("weights_lstm_default",
              "save_weights of Sequential([LSTM(5, input_shape=(6, 4))]) (every other LSTM argument at this "
              "stack's default: see observed.recurrent_defaults.LSTM): the weights file has no config.",
              lambda r: (Sequential([L.LSTM(5, input_shape=(6, 4))]), [normal(r, B, 6, 4)]))
_weights_case("weights_gru_default",
              "save_weights of Sequential([GRU(5, input_shape=(6, 4))]) (every other GRU argument at this "
              "stack's default: see observed.recurrent_defaults.GRU): the weights file has no config.",
              lambda r: (Sequential([L.GRU(5, input_shape=(6, 4))]), [normal(r, B, 6, 4)]))
_weights_case("weights_masked_bidirectional",
              "save_weights of Sequential([Embedding(20, 6, mask_zero=True, input_length=8), "
              "Bidirectional(LSTM(5, return_sequences=True), merge_mode='concat'), "
              "TimeDistributed(Dense(3))]) (other arguments default).",
              lambda r: (Sequential([L.Embedding(20, 6, mask_zero=True, input_length=8),
                                     L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="concat"),
                                     L.TimeDistributed(L.Dense(3))]), [token_batch(r)]))


def _weights_cudnn(r, cudnn=True):
    model = Sequential([_rnn("LSTM", 5, cudnn, return_sequences=True, input_shape=(7, 5)),
                        _rnn("GRU", 4, cudnn)])
    return model, [normal(r, B, 7, 5)], {"weights_only": True,
                                         "cudnn_plain": lambda: _weights_cudnn(r, cudnn=False)[0]}


_weights_cudnn.__name__ = "weights_cudnn"
_weights_cudnn.__doc__ = ("save_weights of Sequential([CuDNNLSTM(5, return_sequences=True, input_shape=(7, 5)), "
                          "CuDNNGRU(4)]) (other arguments default). Outputs: the plain "
                          "Sequential([LSTM(5, recurrent_activation='sigmoid', return_sequences=True), "
                          "GRU(4, recurrent_activation='sigmoid', reset_after=True)]) after load_weights of it.")
_weights_cudnn.needs = ("CuDNNLSTM", "CuDNNGRU")
CASES.append(_weights_cudnn)


# ============================================================================================
# Compiled models: optimizer state, one more training step
# ============================================================================================
def _compiled(name, make_optimizer, doc):
    def build(r):
        model = Sequential([
            L.Dense(6, activation="tanh", input_shape=(4,)),
            L.Dense(3, activation="softmax"),
        ])
        x = normal(r, 8, 4)
        y = np.eye(3, dtype="float32")[r.randint(0, 3, size=8)]
        return model, [x], {"compile": (make_optimizer, "categorical_crossentropy", ["accuracy"]),
                            "fit": ([x], [y])}
    build.__name__ = name
    build.__doc__ = doc
    build.needs = ()
    return build


#: (case suffix, optimizer class, learning rate, extra arguments)
_OPTIMIZERS = (
    ("adam", "Adam", 0.01, {}),
    ("adam_amsgrad", "Adam", 0.01, {"amsgrad": True}),
    ("rmsprop", "RMSprop", 0.01, {}),
    ("adagrad", "Adagrad", 0.05, {}),
    ("adadelta", "Adadelta", 1.0, {}),
    ("adamax", "Adamax", 0.02, {}),
    ("nadam", "Nadam", 0.01, {}),
    ("sgd_momentum", "SGD", 0.1, {"momentum": 0.9, "nesterov": True}),
    ("sgd", "SGD", 0.1, {}),
    ("ftrl", "Ftrl", 0.1, {}),
)

for _suffix, _cls, _lr, _kw in _OPTIMIZERS:
    if _cls in optimizer_names():
        CASES.append(_compiled(
            "compiled_" + _suffix,
            (lambda c, lr, kw: lambda: optimizer(c, lr, **dict(kw)))(_cls, _lr, _kw),
            "%s(%s) compiled, 2 train_on_batch steps before the save: optimizer_weight_names lists what "
            "the file stores under optimizer_weights." % (_cls, ", ".join(
                ["lr=%g" % _lr] + ["%s=%r" % kv for kv in sorted(_kw.items())]))))


# ============================================================================================
# Observations: what this stack computes where eras differ
# ============================================================================================
def observe_hard_sigmoid():
    xs = np.array([-3.0, -2.5, -1.0, 0.0, 0.5, 1.0, 2.5, 3.0], dtype="float32")
    ys = K.get_session().run(K.hard_sigmoid(K.constant(xs)))
    act = K.get_session().run(keras.activations.hard_sigmoid(K.constant(xs)))
    return {"x": xs.tolist(), "K.hard_sigmoid": [round(float(v), 7) for v in ys],
            "activations.hard_sigmoid_equal": bool(np.array_equal(ys, act)),
            "slope": round(float(ys[5] - ys[3]), 7), "at_0": float(ys[3])}


def observe_recurrent_defaults():
    keep = ("recurrent_activation", "activation", "implementation", "reset_after", "unroll",
            "unit_forget_bias", "use_bias", "return_sequences", "zero_output_for_mask", "time_major")
    out = {}
    for cls in ("LSTM", "GRU", "SimpleRNN", "ConvLSTM2D", "CuDNNLSTM", "CuDNNGRU"):
        if not hasattr(L, cls):
            continue
        layer = getattr(L, cls)(3, (2, 2)) if cls == "ConvLSTM2D" else getattr(L, cls)(3)
        config = layer.get_config()
        out[cls] = {k: config[k] for k in keep if k in config}
        out[cls]["config_keys"] = sorted(config)
    return out


def _classify_masked(a, mask, previous_offset):
    """'zeros', 'previous' (repeats the neighbouring step in processing order), or 'other'."""
    rows, steps = np.nonzero(~mask)
    if not len(rows):
        return "no masked steps"
    if all(np.all(a[b, t] == 0) for b, t in zip(rows, steps)):
        return "zeros"
    same = []
    for b, t in zip(rows, steps):
        n = t + previous_offset
        ref = a[b, n] if 0 <= n < a.shape[1] else np.zeros_like(a[b, t])
        same.append(np.array_equal(a[b, t], ref))
    return "previous" if all(same) else "other"


def _merge(mode, fw, bw):
    return {"concat": lambda: np.concatenate([fw, bw], -1), "sum": lambda: fw + bw,
            "ave": lambda: (fw + bw) / 2, "mul": lambda: fw * bw}[mode]()


def observe_masking():
    """Per recurrent class: a masked plain layer, and Bidirectional per merge mode, at padded steps."""
    r = rng("observe_masking")
    x = token_batch(r)
    mask = x != 0
    out = {"tokens": x.tolist(), "plain": {}, "bidirectional": {}}
    for cls in ("LSTM", "GRU", "SimpleRNN"):
        new_session()
        inp = L.Input((8,), dtype="int32")
        emb = L.Embedding(20, 6, mask_zero=True)
        h = emb(inp)
        plain = Model(inp, getattr(L, cls)(4, return_sequences=True)(h))
        both = L.Bidirectional(getattr(L, cls)(4, return_sequences=True), merge_mode=None)
        split = Model(inp, both(h))
        perturb(plain, r)
        perturb(split, r)
        y = plain.predict(x)
        out["plain"][cls] = _classify_masked(y, mask, -1)
        fw, bw = split.predict(x)
        entry = {"forward": _classify_masked(fw, mask, -1), "backward": _classify_masked(bw, mask, +1),
                 "bidirectional_config_inner_keys_extra": sorted(
                     set(both.get_config()["layer"]["config"]) - set(getattr(L, cls)(4).get_config()))}
        for mode in ("concat", "sum", "ave", "mul"):
            wrapped = L.Bidirectional(getattr(L, cls)(4, return_sequences=True), merge_mode=mode)
            merged_model = Model(inp, wrapped(h))
            wrapped.set_weights(both.get_weights())
            merged = merged_model.predict(x)
            expect = _merge(mode, fw, bw)
            at_pad = merged[~mask]
            entry[mode] = {
                "masked_steps": "zeros" if np.all(at_pad == 0) else
                "merge of forward (%s) and backward (%s)" % (entry["forward"], entry["backward"]),
                "equals_merge_of_none_outputs_maxdiff": float(np.abs(merged - expect).max()),
            }
        out["bidirectional"][cls] = entry
        K.clear_session()
    return out


# ============================================================================================
def _predict(model, xs):
    ys = model.predict(xs if len(xs) > 1 else xs[0])
    return ys if isinstance(ys, list) else [ys]


def _maxdiff(a_list, b_list):
    return float(max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).max()
                     for a, b in zip(a_list, b_list)))


def run_case(fn, out_dir):
    name = fn.__name__
    r = rng(name)
    np.random.seed(r.randint(0, 2 ** 31 - 1))
    set_tf_seed(r.randint(0, 2 ** 31 - 1))
    built = fn(r)
    model, xs = built[0], built[1]
    extra = built[2] if len(built) > 2 else {}
    perturb(model, r)
    entry = {"name": name, "doc": " ".join((fn.__doc__ or "").split()), "kind": "model"}
    npz = {}
    if "train" in extra:
        train_steps(model, extra["train"], r)
        entry["trained"] = "3 SGD steps on random targets (moving statistics non-trivial)"
    if "compile" in extra:
        opt_factory, loss, metrics = extra["compile"]
        model.compile(optimizer=opt_factory(), loss=loss, metrics=metrics)
        fx, fy = extra["fit"]
        for _ in range(2):
            model.train_on_batch(fx, fy)
        for i, a in enumerate(fx):
            npz["train_x%d" % i] = a
        for i, a in enumerate(fy):
            npz["train_y%d" % i] = a
        entry["compiled"] = {"optimizer": type(model.optimizer).__name__, "steps_before_save": 2,
                             "optimizer_config": {k: (float(v) if isinstance(v, (np.floating, float)) else v)
                                                  for k, v in model.optimizer.get_config().items()},
                             "loss": loss, "metrics": metrics, "metrics_names": list(model.metrics_names)}
    path = os.path.join(out_dir, name + ".h5")
    model.save(path)
    if extra.get("weights_only"):
        entry["kind"] = "weights"
        entry["weights_file"] = name + "_weights.h5"
        model.save_weights(os.path.join(out_dir, entry["weights_file"]))
    if "cudnn_plain" in extra:
        # CuDNN ops do not run on a CPU-only TensorFlow: the outputs are those of the stack's own
        # plain equivalent after load_weights of the CuDNN file (Keras converts them while loading).
        plain = extra["cudnn_plain"]()
        source = os.path.join(out_dir, entry.get("weights_file", name + ".h5"))
        plain.load_weights(source)
        ys = _predict(plain, xs)
        entry["outputs_from"] = ("the plain equivalent (LSTM: recurrent_activation='sigmoid'; GRU: reset_after=True, "
                                 "recurrent_activation='sigmoid') after load_weights(%r) on this stack"
                                 % os.path.basename(source))
        entry["plain_equivalent_classes"] = classes_of(json.loads(plain.to_json()))
        reference = numpy_cudnn_model(model, xs[0])
        entry["numpy_check_maxdiff"] = _maxdiff([reference], ys)
    else:
        ys = _predict(model, xs)
    if "oracle" in extra:
        reference = extra["oracle"](ys)
        entry["oracle_maxdiff"] = _maxdiff([reference], [ys[0].reshape(reference.shape)])
    for i, a in enumerate(xs):
        npz["x%d" % i] = a
    for i, a in enumerate(ys):
        npz["y%d" % i] = a
    if "compile" in extra:
        fx, fy = extra["fit"]
        evaluated = model.evaluate(fx, fy, verbose=0)
        npz["loss_before_step"] = np.float32(evaluated[0])
        npz["evaluate_before_step"] = np.asarray(evaluated, dtype="float32")  # in metrics_names' order
        model.train_on_batch(fx, fy)
        for i, w in enumerate(model.get_weights()):
            npz["after_step_w%d" % i] = w
        npz["after_step_y0"] = model.predict(fx[0])
    np.savez_compressed(os.path.join(out_dir, name + "_io.npz"), **npz)
    config = json.loads(model.to_json())
    classes = classes_of(config)
    refused = [c for c in classes if c in REFUSED]
    # reload on the legacy stack itself: the file must round-trip there
    if name != "lambda_layer":
        reloaded = keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS)
        if "cudnn_plain" in extra:
            entry["reload_weights_maxdiff_on_legacy_stack"] = _maxdiff(reloaded.get_weights(), model.get_weights())
            again_model = extra["cudnn_plain"]()
            again_model.load_weights(path)
            again = _predict(again_model, xs)
        else:
            again = _predict(reloaded, xs)
        entry["reload_maxdiff_on_legacy_stack"] = _maxdiff(again, ys)
        if extra.get("weights_only") and "cudnn_plain" not in extra:
            fresh = fn(rng(name))[0]
            fresh.load_weights(os.path.join(out_dir, entry["weights_file"]))
            entry["weights_reload_maxdiff_on_legacy_stack"] = _maxdiff(_predict(fresh, xs), ys)
    facts = h5_facts(path)
    entry["file_attrs"] = {k: facts[k] for k in ("keras_version", "backend") if k in facts}
    if "optimizer_weight_names" in facts:
        entry["optimizer_weight_names"] = facts["optimizer_weight_names"]
        entry["optimizer_weight_shapes"] = facts["optimizer_weight_shapes"]
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
    if getattr(fn, "attention_decoder", False):
        entry["attention_decoder"] = True
    if refused:
        entry["error"] = REFUSED[refused[0]]
    K.clear_session()
    return entry


def layer_classes():
    abstract = {"Layer", "Recurrent", "ConvRecurrent2D", "Wrapper", "AbstractRNNCell"}
    return sorted({c.__name__ for c in vars(L).values()
                   if inspect.isclass(c) and issubclass(c, L.Layer) and c.__name__ not in abstract})


def main(argv):
    out_dir = os.path.abspath(argv[1] if len(argv) > 1 else "era")
    wanted = set(argv[2:])
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, "manifest.json")
    old = {}
    old_manifest = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old_manifest = json.load(f)
        if wanted:
            old = {c["name"]: c for c in old_manifest["cases"]}
    entries = []
    for fn in CASES:
        if wanted and fn.__name__ not in wanted:
            if fn.__name__ in old:
                entries.append(old[fn.__name__])
            continue
        if not runnable(fn):
            print("%-34s skipped: this stack lacks %s" % (fn.__name__, fn.needs))
            continue
        new_session()
        entry = run_case(fn, out_dir)
        print("%-34s %s %s" % (entry["name"], entry["expect"], entry["classes"]))
        entries.append(entry)
    new_session()
    observed = {"hard_sigmoid": observe_hard_sigmoid(), "recurrent_defaults": observe_recurrent_defaults()}
    observed["masked_bidirectional"] = observe_masking()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "zoo", "manifest.json")) as f:
        keras208 = set(json.load(f)["keras_layer_classes"])
    shipped = layer_classes()
    attrs = {}
    for entry in entries:
        attrs = entry.get("file_attrs") or attrs
    manifest = {
        "keras_layer_classes": shipped,
        "layer_classes_added_since_keras_2_0_8": sorted(set(shipped) - keras208),
        "layer_classes_removed_since_keras_2_0_8": sorted(keras208 - set(shipped) - {"Model", "Sequential"}),
        "optimizers": optimizer_names(),
        "title": "%s: small models saved by the genuine stack, with their outputs" % STACK,
        "versions": {"python": sys.version.split()[0], "keras": KERAS_VERSION, "tensorflow": tf.__version__,
                     "keras_module": keras.__name__, "numpy": np.__version__,
                     "h5py": __import__("h5py").__version__, "backend": K.backend(), "floatx": K.floatx()},
        "file_attrs": attrs,
        "generator": "legacy_reference/generate/make_era_zoo.py --keras %s" % FLAVOUR,
        "io_npz_convention": "x<i>: input i as fed to model.predict; y<i>: output i as returned (CuDNN cases: as "
                             "returned by the plain equivalent, see outputs_from). Compiled cases: "
                             "train_x<i>/train_y<i> one batch, after_step_w<j> every weight after ONE more "
                             "train_on_batch on it (taken after the save), after_step_y0 the prediction on "
                             "train_x0 then, loss_before_step the loss before that step, evaluate_before_step "
                             "model.evaluate's loss and metrics then (compiled.metrics_names' order).",
        "observed": observed,
        "cases": entries,
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
