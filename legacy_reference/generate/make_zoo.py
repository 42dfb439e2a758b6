"""Write the legacy zoo: small Keras 2.0.8 models, saved by Keras 2.0.8, with their outputs.

Runs on the legacy stack only (Python 3.6, tensorflow==1.3.0, keras==2.0.8, h5py==2.7.1,
numpy==1.13.3; see README.md beside this file)::

    python make_zoo.py OUT_DIR            # every case
    python make_zoo.py OUT_DIR case ...   # some cases

Per case it writes ``<case>.h5`` (``model.save``) and ``<case>_io.npz``: ``x0, x1, ...`` the
inputs exactly as fed to ``model.predict``, ``y0, y1, ...`` what it returned; compiled cases
also store ``train_x*``/``train_y*`` (one batch), ``evaluate_before_step`` (``model.evaluate``
on that batch after the save: the loss, then each metric, in the order of the manifest's
``compiled.metrics_names``) and ``after_step_w<i>``: every weight of ``model.get_weights()``
after ONE ``train_on_batch`` on that batch, taken after the save.
``manifest.json`` lists the cases, the layer classes each holds (wrapped ones too) and what
a modern loader must do with it (``expect``: ``match`` or ``refuse``).

No legacy attention code is used: no case holds an AttentionDecoder.
"""

import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from keras import layers as L  # noqa: E402
from keras.models import Model, Sequential  # noqa: E402

from _fixture_common import (classes_of, masked_float_batch, normal, perturb, rng,  # noqa: E402
                             token_batch, train_steps)

SEED = 1234
B = 6  # batch of stored inputs

#: Layer classes a modern loader must refuse (with a typed LegacyFileError), never load.
REFUSED = {
    "Lambda": "UnsafeLambdaError",          # marshaled bytecode: never run unless the user opts in
    # (Highway, MaxoutDense and Merge, Keras 1 layers kept in keras.legacy, load as compat_attention's since 0.2)
    "Sequential": "UnknownLayerError",      # a model used as a layer: not rebuilt (yet), refused by name
}

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ============================================================================================
# Masked recurrent layers, plain and wrapped
# ============================================================================================
def _emb_rnn(name, rnn, merge_mode="concat", return_sequences=True, head=True):
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
    return build


_lstm = lambda rs: L.LSTM(5, return_sequences=rs)  # noqa: E731
_gru = lambda rs: L.GRU(5, return_sequences=rs)  # noqa: E731
_srnn = lambda rs: L.SimpleRNN(5, return_sequences=rs)  # noqa: E731

for _mode, _tag in (("concat", "concat"), ("sum", "sum"), ("ave", "ave"), ("mul", "mul"), (None, "none")):
    case(_emb_rnn("emb_bilstm_%s" % _tag, _lstm, _mode))
    case(_emb_rnn("emb_bigru_%s" % _tag, _gru, _mode))
case(_emb_rnn("emb_bisimplernn_concat", _srnn, "concat"))
case(_emb_rnn("emb_bisimplernn_sum", _srnn, "sum"))
case(_emb_rnn("emb_bilstm_last_concat", _lstm, "concat", return_sequences=False))
case(_emb_rnn("emb_bigru_last_ave", _gru, "ave", return_sequences=False))
case(_emb_rnn("emb_lstm_seq", _lstm, "plain"))
case(_emb_rnn("emb_gru_seq", _gru, "plain"))
case(_emb_rnn("emb_simplernn_seq", _srnn, "plain"))
case(_emb_rnn("emb_lstm_last", _lstm, "plain", return_sequences=False))
case(_emb_rnn("emb_bilstm_sum_nohead", _lstm, "sum", head=False))


@case
def emb_lstm_go_backwards(r):
    inp = L.Input((8,), dtype="int32")
    h = L.Embedding(20, 6, mask_zero=True)(inp)
    out = L.LSTM(5, return_sequences=True, go_backwards=True)(h)
    return Model(inp, out), [token_batch(r)]


@case
def emb_stacked_lstm(r):
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.LSTM(6, return_sequences=True),
        L.LSTM(5, return_sequences=True),
        L.LSTM(4),
        L.Dense(2, activation="softmax"),
    ])
    return model, [token_batch(r)]


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
def emb_bilstm_unrolled(r):
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.Bidirectional(L.LSTM(5, return_sequences=True, unroll=True), merge_mode="sum"),
        L.LSTM(4, unroll=True),
    ])
    return model, [token_batch(r)]


@case
def emb_td_dense_lstm(r):
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.TimeDistributed(L.Dense(7, activation="relu")),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="mul"),
        L.TimeDistributed(L.Dense(3)),
        L.LSTM(4, return_sequences=True),
    ])
    return model, [token_batch(r)]


@case
def masking_lstm(r):
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.LSTM(6, return_sequences=True),
        L.Dense(3),
    ])
    return model, [masked_float_batch(r)]


@case
def masking_bilstm_ave(r):
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.Bidirectional(L.LSTM(6, return_sequences=True), merge_mode="ave"),
        L.Bidirectional(L.GRU(4), merge_mode="concat"),
    ])
    return model, [masked_float_batch(r)]


@case
def masking_bisimplernn_concat(r):
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.Bidirectional(L.SimpleRNN(6, return_sequences=True)),
    ])
    return model, [masked_float_batch(r)]


@case
def masking_td_lstm(r):
    """TimeDistributed(LSTM) over a masked 4D input: Keras 2.0.8 does not pass the mask inside."""
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
def masking_simplernn_activations(r):
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.SimpleRNN(6, activation="relu", return_sequences=True),
        L.GRU(5, activation="elu", recurrent_activation="sigmoid", return_sequences=True),
        L.LSTM(4, activation="softsign", recurrent_activation="tanh"),
    ])
    return model, [masked_float_batch(r)]


# ============================================================================================
# Plain recurrent layers
# ============================================================================================
@case
def rnn_defaults(r):
    inp = L.Input((6, 4))
    a = L.SimpleRNN(5, return_sequences=True)(inp)
    b = L.GRU(5, return_sequences=True, dropout=0.2, recurrent_dropout=0.2)(a)
    c = L.LSTM(5, unit_forget_bias=False, stateful=False)(b)
    return Model(inp, c), [normal(r, B, 6, 4)]


@case
def convlstm2d(r):
    model = Sequential([
        L.ConvLSTM2D(3, (3, 3), padding="same", return_sequences=True, input_shape=(3, 5, 5, 2)),
        L.ConvLSTM2D(2, (2, 2), padding="valid"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 3, 5, 5, 2)]


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
def conv1d_shapes(r):
    inp = L.Input((9, 4))
    h = L.UpSampling1D(2)(inp)
    h = L.ZeroPadding1D((1, 2))(h)
    h = L.Cropping1D((2, 1))(h)
    h = L.Conv1D(5, 3)(h)
    a = L.GlobalAveragePooling1D()(h)
    m = L.GlobalMaxPooling1D()(h)
    return Model(inp, L.Concatenate()([a, m])), [normal(r, B, 9, 4)]


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
def conv2d_flatten(r):
    model = Sequential([
        L.Conv2D(3, (3, 3), strides=(2, 2), input_shape=(7, 7, 2)),
        L.GlobalMaxPooling2D(),
        L.RepeatVector(2),
        L.Flatten(),
    ])
    return model, [normal(r, 4, 7, 7, 2)]


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
def locally_connected_1d(r):
    model = Sequential([
        L.LocallyConnected1D(4, 3, input_shape=(8, 3)),
        L.LocallyConnected1D(3, 2, strides=2, activation="tanh"),
        L.Flatten(),
    ])
    return model, [normal(r, B, 8, 3)]


@case
def locally_connected_2d(r):
    model = Sequential([
        L.LocallyConnected2D(3, (2, 3), input_shape=(5, 6, 2)),
        L.LocallyConnected2D(2, (2, 2), strides=(2, 1), activation="relu"),
        L.Flatten(),
    ])
    return model, [normal(r, 4, 5, 6, 2)]


@case
def locally_connected_2d_channels_first(r):
    model = Sequential([
        L.LocallyConnected2D(3, (2, 2), data_format="channels_first", input_shape=(2, 5, 4)),
        L.Flatten(),
    ])
    return model, [normal(r, 4, 2, 5, 4)]


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


@case
def activations_builtin(r):
    inp = L.Input((5,))
    outs = []
    for act in ("relu", "elu", "selu", "softplus", "softsign", "sigmoid", "hard_sigmoid",
                "linear", "tanh", "softmax"):
        outs.append(L.Dense(3, activation=act)(inp))
    return Model(inp, L.Concatenate()(outs)), [normal(r, B, 5) * 3]


@case
def advanced_activations(r):
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
              L.Maximum()([a, b]), L.Dot(axes=1)([a, b]), L.Dot(axes=1, normalize=True)([a, b])]
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


@case
def nested_sequential(r):
    inner = Sequential([L.Dense(4, input_shape=(5,)), L.Activation("relu")], name="inner")
    inp = L.Input((5,))
    out = L.Dense(2)(inner(inp))
    return Model(inp, out), [normal(r, B, 5)]


@case
def legacy_highway(r):
    model = Sequential([L.Dense(6, input_shape=(5,)), L.Highway(activation="relu")])
    return model, [normal(r, B, 5)]


@case
def legacy_maxout_dense(r):
    model = Sequential([L.MaxoutDense(4, nb_feature=3, input_dim=5)])
    return model, [normal(r, B, 5)]


@case
def legacy_merge(r):
    a, b = L.Input((5,)), L.Input((5,))
    merged = L.Merge(mode="sum")([L.Dense(4)(a), L.Dense(4)(b)])
    return Model([a, b], L.Dense(2)(merged)), [normal(r, B, 5), normal(r, B, 5)]


@case
def lambda_layer(r):
    model = Sequential([
        L.Dense(4, input_shape=(5,)),
        L.Lambda(lambda t: t * 2.0 + 1.0),
    ])
    return model, [normal(r, B, 5)]


# ============================================================================================
# Compiled models: optimizer state, one more training step
# ============================================================================================
def _compiled(name, optimizer, metrics=None, loss="categorical_crossentropy"):
    def build(r):
        model = Sequential([
            L.Dense(6, activation="tanh", input_shape=(4,)),
            L.Dense(3, activation="softmax"),
        ])
        x = normal(r, 8, 4)
        y = np.eye(3, dtype="float32")[r.randint(0, 3, size=8)]
        return model, [x], {"compile": (optimizer, loss, metrics or ["accuracy"]),
                            "fit": ([x], [y])}
    build.__name__ = name
    return build


def top2(y_true, y_pred):
    return keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)


def brier(y_true, y_pred):
    """A custom loss: the squared error summed over the classes (the Brier score)."""
    return K.sum(K.square(y_pred - y_true), axis=-1)


def true_class_prob(y_true, y_pred):
    """A custom metric: the probability given to the true class."""
    return K.sum(y_true * y_pred, axis=-1)


#: The custom functions the compiled cases name (the legacy stack reloads its files with them).
CUSTOM_OBJECTS = {"top2": top2, "brier": brier, "true_class_prob": true_class_prob}


for _name, _opt in (("adam", lambda: keras.optimizers.Adam(lr=0.01)),
                    ("rmsprop", lambda: keras.optimizers.RMSprop(lr=0.01)),
                    ("adagrad", lambda: keras.optimizers.Adagrad(lr=0.05)),
                    ("sgd_momentum", lambda: keras.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True)),
                    ("sgd", lambda: keras.optimizers.SGD(lr=0.1))):
    case(_compiled("compiled_%s" % _name, _opt))
case(_compiled("compiled_custom_metric", lambda: keras.optimizers.Adam(lr=0.01), ["accuracy", top2]))
case(_compiled("compiled_custom_loss_metric", lambda: keras.optimizers.SGD(lr=0.1, momentum=0.9),
               ["accuracy", true_class_prob], loss=brier))


# ============================================================================================
def run_case(fn, out_dir):
    name = fn.__name__
    r = rng(name)
    np.random.seed(r.randint(0, 2 ** 31 - 1))
    tf.set_random_seed(r.randint(0, 2 ** 31 - 1))
    built = fn(r)
    model, xs = built[0], built[1]
    extra = built[2] if len(built) > 2 else {}
    perturb(model, r)
    entry = {"name": name, "doc": (fn.__doc__ or "").strip()}
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
                             "loss": loss if isinstance(loss, str) else loss.__name__,
                             "metrics": [m if isinstance(m, str) else m.__name__ for m in metrics],
                             "metrics_names": list(model.metrics_names)}
    path = os.path.join(out_dir, name + ".h5")
    model.save(path)
    ys = model.predict(xs if len(xs) > 1 else xs[0])
    ys = ys if isinstance(ys, list) else [ys]
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
    # reload on the legacy stack itself: the file must round-trip there
    reloaded = keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS) if name != "lambda_layer" else None
    if reloaded is not None:
        again = reloaded.predict(xs if len(xs) > 1 else xs[0])
        again = again if isinstance(again, list) else [again]
        entry["reload_maxdiff_on_legacy_stack"] = float(max(np.abs(a - b).max() for a, b in zip(again, ys)))
    config = json.loads(model.to_json())
    classes = classes_of(config)
    refused = [c for c in classes if c in REFUSED]
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


def main(argv):
    out_dir = os.path.abspath(argv[1] if len(argv) > 1 else "zoo")
    wanted = set(argv[2:])
    os.makedirs(out_dir, exist_ok=True)
    K.set_session(tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)))
    manifest_path = os.path.join(out_dir, "manifest.json")
    old = {}
    if wanted and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = {c["name"]: c for c in json.load(f)["cases"]}
    entries = []
    for fn in CASES:
        if wanted and fn.__name__ not in wanted:
            if fn.__name__ in old:
                entries.append(old[fn.__name__])
            continue
        K.set_session(tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                                       inter_op_parallelism_threads=1)))
        entry = run_case(fn, out_dir)
        print("%-32s %s %s" % (entry["name"], entry["expect"], entry["classes"]))
        entries.append(entry)
    import inspect
    from keras.engine.topology import Layer
    abstract = {"Layer", "Recurrent", "ConvRecurrent2D", "Wrapper"}
    shipped = sorted({c.__name__ for c in vars(L).values()
                      if inspect.isclass(c) and issubclass(c, Layer) and c.__name__ not in abstract})
    manifest = {
        "keras_layer_classes": shipped,
        "title": "Keras 2.0.8 layer zoo: small models saved by the legacy stack, with their outputs",
        "versions": {"python": sys.version.split()[0], "keras": keras.__version__, "tensorflow": tf.__version__,
                     "numpy": np.__version__, "h5py": __import__("h5py").__version__, "backend": K.backend(),
                     "floatx": K.floatx()},
        "generator": "legacy_reference/generate/make_zoo.py",
        "io_npz_convention": "x<i>: input i as fed to model.predict; y<i>: output i as returned. Compiled cases: "
                             "train_x<i>/train_y<i> one batch, after_step_w<j> every weight after ONE more "
                             "train_on_batch on it (taken after the save), after_step_y0 the prediction on "
                             "train_x0 then, loss_before_step the loss before that step, evaluate_before_step "
                             "model.evaluate's loss and metrics then (compiled.metrics_names' order; only "
                             "in cases generated since the entry records metrics_names).",
        "cases": entries,
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
