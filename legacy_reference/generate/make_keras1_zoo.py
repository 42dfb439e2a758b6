"""Write the Keras 1.2.2 era fixtures: small models saved by Keras 1.2.2, with their outputs.

Runs on the Keras 1.2.2 stack only (Python 3.6.15, keras==1.2.2, tensorflow==1.0.1 or Theano 0.9.0,
numpy==1.12.1, h5py==2.7.0; see legacy_reference/eras/keras1_2/README.md)::

    KERAS_BACKEND=tensorflow python make_keras1_zoo.py OUT_DIR            # every case
    KERAS_BACKEND=tensorflow python make_keras1_zoo.py OUT_DIR case ...   # some cases
    KERAS_BACKEND=theano     python make_keras1_zoo.py OUT_DIR            # the Theano cases
    KERAS_BACKEND=tensorflow python make_keras1_zoo.py --reload-here THEANO_OUT_DIR
                                            # Theano files read by Keras 1.2.2 on TensorFlow

Per case it writes ``<case>.h5`` (``model.save``) and ``<case>_io.npz`` (``x<i>`` the inputs as fed
to ``model.predict``, ``y<i>`` what it returned); weights-only cases also ``<case>_weights.h5``
(``model.save_weights``); compiled cases also the training batch and the data after one more step
(see ``IO_NPZ_CONVENTION``). ``manifest.json`` lists the cases, the layer classes each holds and
what a modern loader must do with it (``expect``: ``match`` or ``refuse``).

The image dimension ordering of a case (``'tf'`` or ``'th'``) is set with
``K.set_image_dim_ordering`` before the case is built and also passed to every layer that takes one,
so each config states it explicitly. No legacy attention code is used.
"""

import inspect
import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from keras import layers as L  # noqa: E402
from keras import regularizers  # noqa: E402
from keras.models import Model, Sequential  # noqa: E402

from _fixture_common import (classes_of, masked_float_batch, normal, perturb, rng,  # noqa: E402
                             token_batch, train_steps)

BACKEND = K.backend()
if BACKEND == "tensorflow":
    import tensorflow as tf  # noqa: E402
    from _tf1_clean_step import clean_step  # noqa: E402
else:
    tf = None

B = 6  # batch of stored inputs

CASES = []

IO_NPZ_CONVENTION = (
    "x<i>: input i as fed to model.predict; y<i>: output i as returned. Compiled cases: "
    "train_x<i>/train_y<i> one batch (the model was trained 2 steps on it before the save), "
    "loss_before_step and evaluate_before_step (model.evaluate's loss then metrics in "
    "compiled.metrics_names' order) on it after the save, after_step_w<j> every weight of "
    "model.get_weights() after ONE more optimizer step on it, after_step_y0 the prediction on "
    "train_x0 then, after_step_opt<j> every optimizer weight then (optimizer_weight_names' order). "
    "That step is race-free: every update's value is computed from the pre-step variables, then "
    "assigned (TF 1.x train_on_batch lets update ops read already-assigned variables; the case's "
    "train_on_batch_race_maxdiff says how far a plain train_on_batch strayed from it).")


def case(fn=None, ordering="tf", expect=None, kind="model", backends=("tensorflow",)):
    """Register a case builder: ``fn(r) -> (model, inputs[, extra])``.

    ``ordering`` is the image dim ordering set before building; ``expect`` overrides the
    expectation as ``(expect, error)``; ``kind`` is ``model`` or ``weights``.
    """
    def register(f):
        f.ordering, f.expect, f.kind, f.backends = ordering, expect, kind, backends
        CASES.append(f)
        return f
    return register(fn) if fn is not None else register


def rnn_seq(name, body, x_maker=token_batch, **flags):
    """A case: Embedding(20, 6, mask_zero=True) (or Masking) then ``body(h)`` -> outputs."""
    def build(r):
        x = x_maker(r)
        if x.dtype == np.int32:
            inp = L.Input(shape=(x.shape[1],), dtype="int32")
            h = L.Embedding(20, 6, mask_zero=True)(inp)
        else:
            inp = L.Input(shape=x.shape[1:])
            h = L.Masking(0.0)(inp)
        out = body(h)
        return Model(input=inp, output=out), [x]
    build.__name__ = name
    build.__doc__ = flags.pop("doc", "")
    return case(build, **flags)


# ============================================================================================
# Masked recurrent layers, plain and wrapped
# ============================================================================================
_lstm = lambda rs: L.LSTM(5, return_sequences=rs)  # noqa: E731
_gru = lambda rs: L.GRU(5, return_sequences=rs)  # noqa: E731
_srnn = lambda rs: L.SimpleRNN(5, return_sequences=rs)  # noqa: E731


def _bi(rnn, mode, rs=True, head=True):
    def body(h):
        out = L.Bidirectional(rnn(rs), merge_mode=mode)(h)
        if mode is None:
            return [L.TimeDistributed(L.Dense(3))(out[0]) if rs else L.Dense(3)(out[0]), out[1]]
        if not head:
            return out
        return L.TimeDistributed(L.Dense(3))(out) if rs else L.Dense(3)(out)
    return body


for _mode, _tag in (("concat", "concat"), ("sum", "sum"), ("ave", "ave"), ("mul", "mul"), (None, "none")):
    rnn_seq("emb_bilstm_%s" % _tag, _bi(_lstm, _mode),
            doc="Embedding(mask_zero=True) -> Bidirectional(LSTM, merge_mode=%r, return_sequences=True)"
                " -> TimeDistributed(Dense): Keras 1 masked steps repeat the previous output" % _mode)
rnn_seq("emb_bigru_concat", _bi(_gru, "concat"), doc="masked Bidirectional(GRU) concat, sequences")
rnn_seq("emb_bigru_none", _bi(_gru, None), doc="masked Bidirectional(GRU) merge_mode=None: two outputs")
rnn_seq("emb_bigru_last_ave", _bi(_gru, "ave", rs=False), doc="masked Bidirectional(GRU) ave, last output")
rnn_seq("emb_bisimplernn_sum", _bi(_srnn, "sum"), doc="masked Bidirectional(SimpleRNN) sum")
rnn_seq("emb_bilstm_last_concat", _bi(_lstm, "concat", rs=False),
        doc="masked Bidirectional(LSTM) concat, last output (the backward half is its state at step 0)")
rnn_seq("emb_bilstm_sum_nohead", _bi(_lstm, "sum", head=False),
        doc="masked Bidirectional(LSTM) sum as the model output itself (padded steps visible)")
rnn_seq("emb_lstm_seq", lambda h: L.LSTM(5, return_sequences=True)(h), doc="masked LSTM, sequences")
rnn_seq("emb_gru_seq", lambda h: L.GRU(5, return_sequences=True)(h), doc="masked GRU, sequences")
rnn_seq("emb_simplernn_seq", lambda h: L.SimpleRNN(5, return_sequences=True)(h),
        doc="masked SimpleRNN, sequences")
rnn_seq("emb_lstm_last", lambda h: L.Dense(3)(L.LSTM(5)(h)), doc="masked LSTM, last output")
rnn_seq("emb_lstm_go_backwards", lambda h: L.LSTM(5, return_sequences=True, go_backwards=True)(h),
        doc="masked LSTM(go_backwards=True): Keras 1 returns the sequence in reversed time order")
rnn_seq("emb_bilstm_unrolled",
        lambda h: L.LSTM(4, unroll=True)(L.Bidirectional(L.LSTM(5, return_sequences=True, unroll=True),
                                                         merge_mode="sum")(h)),
        doc="unroll=True under a mask, Bidirectional and plain")
rnn_seq("masking_bilstm_ave",
        lambda h: L.Bidirectional(L.GRU(4), merge_mode="concat")(
            L.Bidirectional(L.LSTM(6, return_sequences=True), merge_mode="ave")(h)),
        x_maker=masked_float_batch, doc="Masking(0.) -> Bidirectional(LSTM) ave -> Bidirectional(GRU) last")
rnn_seq("masking_lstm_dense",
        lambda h: L.TimeDistributed(L.Dense(3))(L.LSTM(6, return_sequences=True)(h)),
        x_maker=masked_float_batch, doc="Masking -> LSTM -> TimeDistributed(Dense)")


@case
def emb_stacked_bidirectional(r):
    """Sequential: Embedding(mask_zero) -> Bi(LSTM) concat -> Bi(GRU) sum -> Bi(LSTM) ave -> TD(Dense)."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="concat"),
        L.Bidirectional(L.GRU(4, return_sequences=True), merge_mode="sum"),
        L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="ave"),
        L.TimeDistributed(L.Dense(3, activation="softmax")),
    ])
    return model, [token_batch(r)]


@case
def emb_stacked_lstm(r):
    """Sequential: masked LSTM -> LSTM -> LSTM(last) -> Dense(softmax)."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.LSTM(6, return_sequences=True),
        L.LSTM(5, return_sequences=True),
        L.LSTM(4),
        L.Dense(2, activation="softmax"),
    ])
    return model, [token_batch(r)]


@case
def emb_td_dense_lstm(r):
    """TimeDistributed(Dense) between masked recurrent layers (Keras 1 TimeDistributed keeps the mask)."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.TimeDistributed(L.Dense(7, activation="relu")),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="mul"),
        L.TimeDistributed(L.Dense(3)),
        L.LSTM(4, return_sequences=True),
    ])
    return model, [token_batch(r)]


@case
def emb_dropout_lstm(r):
    """Embedding(mask_zero=True, dropout=0.3): Keras 1 dropped whole embedding rows in training only;
    the config key 'dropout' has no Keras 2 counterpart (prediction is unaffected)."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8, dropout=0.3),
        L.LSTM(5, return_sequences=True, dropout_W=0.2, dropout_U=0.3),
        L.TimeDistributed(L.Dense(2)),
    ])
    return model, [token_batch(r)]


@case
def embedding_plain(r):
    """Embedding without a mask (mask_zero=False, dropout=0.) -> Flatten -> Dense."""
    model = Sequential([L.Embedding(20, 4, input_length=6), L.Flatten(), L.Dense(3)])
    return model, [r.randint(0, 20, size=(B, 6)).astype("int32")]


# ============================================================================================
# Recurrent defaults, consume_less, activations
# ============================================================================================
def _default_rnn(name, cls):
    def build(r):
        model = Sequential([cls(5, input_dim=4, input_length=6), L.Dense(3)])
        return model, [normal(r, B, 6, 4)]
    build.__name__ = name
    build.__doc__ = ("Sequential([%s(5, input_dim=4, input_length=6), Dense(3)]) with every other "
                     "argument at its Keras 1.2.2 default (see the config in the file)" % cls.__name__)
    return case(build)


_default_rnn("lstm_defaults", L.LSTM)
_default_rnn("gru_defaults", L.GRU)
_default_rnn("simplernn_defaults", L.SimpleRNN)


def _consume(name, mode):
    def build(r):
        model = Sequential([
            L.Masking(0.0, input_shape=(7, 5)),
            L.LSTM(6, return_sequences=True, consume_less=mode),
            L.GRU(5, return_sequences=True, consume_less=mode),
            L.SimpleRNN(4, return_sequences=True, consume_less=mode),
            L.Bidirectional(L.LSTM(3, consume_less=mode), merge_mode="concat"),
        ])
        return model, [masked_float_batch(r)]
    build.__name__ = name
    build.__doc__ = ("Masking -> LSTM/GRU/SimpleRNN/Bidirectional(LSTM) with consume_less=%r: "
                     "'gpu' stores one W, U, b per layer (gates i,f,c,o / z,r,h), 'cpu' and 'mem' "
                     "one matrix per gate (LSTM in the order i,c,f,o; GRU z,r,h)" % mode)
    return case(build)


_consume("rnn_consume_cpu", "cpu")
_consume("rnn_consume_mem", "mem")
_consume("rnn_consume_gpu", "gpu")


@case
def rnn_activations(r):
    """Non-default activations, initialisers and regularisers in every recurrent class (under Masking)."""
    model = Sequential([
        L.Masking(0.0, input_shape=(7, 5)),
        L.SimpleRNN(6, activation="relu", init="he_normal", inner_init="identity",
                    W_regularizer=regularizers.l2(0.01), return_sequences=True),
        L.GRU(5, activation="elu", inner_activation="sigmoid", U_regularizer=regularizers.l1(0.01),
              return_sequences=True),
        L.LSTM(4, activation="softsign", inner_activation="tanh", forget_bias_init="zero",
               b_regularizer=regularizers.l2(0.01), consume_less="gpu"),
    ])
    return model, [masked_float_batch(r)]


@case
def rnn_dropout(r):
    """dropout_W/dropout_U in LSTM, GRU and SimpleRNN (prediction is unaffected)."""
    inp = L.Input(shape=(6, 4))
    a = L.SimpleRNN(5, return_sequences=True, dropout_W=0.2, dropout_U=0.2)(inp)
    b = L.GRU(5, return_sequences=True, dropout_W=0.2, dropout_U=0.2, consume_less="mem")(a)
    c = L.LSTM(5, dropout_W=0.3, dropout_U=0.1, consume_less="gpu")(b)
    return Model(input=inp, output=c), [normal(r, B, 6, 4)]


@case
def convlstm2d_tf(r):
    """ConvLSTM2D (dim_ordering 'tf'): 12 weights, one kernel per gate, stored i,c,f,o."""
    model = Sequential([
        L.ConvLSTM2D(3, 3, 3, border_mode="same", return_sequences=True, dim_ordering="tf",
                     input_shape=(3, 5, 5, 2)),
        L.ConvLSTM2D(2, 2, 2, border_mode="valid", dim_ordering="tf"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 3, 5, 5, 2)]


@case(ordering="th")
def convlstm2d_th(r):
    """ConvLSTM2D with dim_ordering 'th': kernels stored (nb_filter, stack, rows, cols)."""
    model = Sequential([
        L.ConvLSTM2D(3, 3, 3, border_mode="same", return_sequences=False, dim_ordering="th",
                     input_shape=(3, 2, 5, 4)),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 3, 2, 5, 4)]


# ============================================================================================
# Convolution and pooling
# ============================================================================================
@case
def conv1d_pooling(r):
    """Convolution1D (nb_filter, filter_length, border_mode, subsample_length), AtrousConvolution1D,
    MaxPooling1D/AveragePooling1D (pool_length, stride, border_mode), GlobalMaxPooling1D."""
    model = Sequential([
        L.Convolution1D(8, 3, border_mode="same", activation="relu", input_shape=(9, 4)),
        L.MaxPooling1D(pool_length=2),
        L.AtrousConvolution1D(6, 2, atrous_rate=2, border_mode="same"),
        L.AveragePooling1D(pool_length=2, stride=1, border_mode="same"),
        L.Convolution1D(5, 2, subsample_length=2),
        L.GlobalMaxPooling1D(),
        L.Dense(3),
    ])
    return model, [normal(r, B, 9, 4)]


@case
def conv1d_shapes(r):
    """UpSampling1D(length), ZeroPadding1D, Cropping1D, GlobalAveragePooling1D, merge(concat)."""
    inp = L.Input(shape=(9, 4))
    h = L.UpSampling1D(length=2)(inp)
    h = L.ZeroPadding1D(padding=(1, 2))(h)
    h = L.Cropping1D(cropping=(2, 1))(h)
    h = L.Convolution1D(5, 3, bias=False)(h)
    a = L.GlobalAveragePooling1D()(h)
    m = L.GlobalMaxPooling1D()(h)
    return Model(input=inp, output=L.merge([a, m], mode="concat")), [normal(r, B, 9, 4)]


def _conv2d(name, order):
    def build(r):
        shape = (8, 8, 3) if order == "tf" else (3, 8, 8)
        deconv_shape = (None, 12, 14, 3) if order == "tf" else (None, 3, 12, 14)
        model = Sequential([
            L.Convolution2D(4, 3, 3, border_mode="same", activation="relu", dim_ordering=order,
                            input_shape=shape),
            L.MaxPooling2D(pool_size=(2, 2), dim_ordering=order),
            L.AveragePooling2D(pool_size=(2, 2), strides=(1, 1), border_mode="same", dim_ordering=order),
            L.UpSampling2D(size=(2, 2), dim_ordering=order),
            L.ZeroPadding2D(padding=(1, 0, 0, 2), dim_ordering=order),
            L.Cropping2D(cropping=((0, 1), (1, 0)), dim_ordering=order),
            L.SeparableConvolution2D(8, 3, 3, depth_multiplier=2, dim_ordering=order),
            L.Deconvolution2D(3, 3, 3, output_shape=deconv_shape, subsample=(2, 2), border_mode="same",
                              dim_ordering=order),
            L.AtrousConvolution2D(4, 2, 2, atrous_rate=(2, 2), dim_ordering=order),
            L.Convolution2D(3, 2, 2, subsample=(2, 2), dim_ordering=order),
            L.GlobalAveragePooling2D(dim_ordering=order),
            L.Dense(2),
        ])
        return model, [normal(r, 4, *shape)]
    build.__name__ = name
    build.__doc__ = ("Convolution2D, MaxPooling2D, AveragePooling2D, UpSampling2D, ZeroPadding2D (4-tuple), "
                     "Cropping2D, SeparableConvolution2D, Deconvolution2D (output_shape), AtrousConvolution2D, "
                     "GlobalAveragePooling2D with dim_ordering=%r: kernels stored %s" %
                     (order, "(rows, cols, stack, nb_filter)" if order == "tf"
                      else "(nb_filter, stack, rows, cols)"))
    return case(build, ordering=order)


_conv2d("conv2d_stack_tf", "tf")
_conv2d("conv2d_stack_th", "th")


@case(ordering="th")
def conv2d_flatten_th(r):
    """Convolution2D 'th' -> MaxPooling2D -> Flatten -> Dense (Flatten sees channels first), and
    GlobalMaxPooling2D('th') as a second output."""
    inp = L.Input(shape=(2, 7, 7))
    h = L.Convolution2D(3, 3, 3, subsample=(2, 2), dim_ordering="th")(inp)
    h = L.MaxPooling2D((2, 2), dim_ordering="th")(h)
    out1 = L.Dense(3)(L.Flatten()(h))
    out2 = L.GlobalMaxPooling2D(dim_ordering="th")(h)
    return Model(input=inp, output=[out1, out2]), [normal(r, 4, 2, 7, 7)]


def _conv3d(name, order):
    def build(r):
        shape = (4, 6, 6, 2) if order == "tf" else (2, 4, 6, 6)
        inp = L.Input(shape=shape)
        h = L.Convolution3D(3, 2, 3, 3, border_mode="same", dim_ordering=order)(inp)
        h = L.MaxPooling3D(pool_size=(1, 2, 2), dim_ordering=order)(h)
        h = L.AveragePooling3D(pool_size=(2, 1, 1), dim_ordering=order)(h)
        h = L.UpSampling3D(size=(1, 2, 1), dim_ordering=order)(h)
        h = L.ZeroPadding3D(padding=(1, 0, 1), dim_ordering=order)(h)
        h = L.Cropping3D(cropping=((1, 0), (0, 1), (1, 1)), dim_ordering=order)(h)
        h = L.Convolution3D(2, 2, 2, 2, subsample=(1, 2, 1), dim_ordering=order)(h)
        a = L.GlobalAveragePooling3D(dim_ordering=order)(h)
        m = L.GlobalMaxPooling3D(dim_ordering=order)(h)
        return Model(input=inp, output=[a, m]), [normal(r, 3, *shape)]
    build.__name__ = name
    build.__doc__ = ("Convolution3D, Max/AveragePooling3D, UpSampling3D, ZeroPadding3D, Cropping3D, "
                     "GlobalAverage/MaxPooling3D with dim_ordering=%r" % order)
    return case(build, ordering=order)


_conv3d("conv3d_stack_tf", "tf")
_conv3d("conv3d_stack_th", "th")


@case
def locally_connected_1d(r):
    """LocallyConnected1D (nb_filter, filter_length, subsample_length)."""
    model = Sequential([
        L.LocallyConnected1D(4, 3, input_shape=(8, 3)),
        L.LocallyConnected1D(3, 2, subsample_length=2, activation="tanh"),
        L.Flatten(),
    ])
    return model, [normal(r, B, 8, 3)]


def _local2d(name, order):
    def build(r):
        shape = (5, 6, 2) if order == "tf" else (2, 5, 6)
        model = Sequential([
            L.LocallyConnected2D(3, 2, 3, dim_ordering=order, input_shape=shape),
            L.LocallyConnected2D(2, 2, 2, subsample=(2, 1), activation="relu", dim_ordering=order),
            L.Flatten(),
        ])
        return model, [normal(r, 4, *shape)]
    build.__name__ = name
    build.__doc__ = "LocallyConnected2D (nb_filter, nb_row, nb_col, subsample) with dim_ordering=%r" % order
    return case(build, ordering=order)


_local2d("locally_connected_2d_tf", "tf")
_local2d("locally_connected_2d_th", "th")


# ============================================================================================
# Core, activations, normalization, noise, legacy-only layers
# ============================================================================================
@case
def core_layers(r):
    """Dense (W_regularizer, b_regularizer, activity_regularizer), Dropout(p), Activation, Reshape,
    Permute, SpatialDropout1D/2D/3D, Flatten, RepeatVector, ActivityRegularization."""
    model = Sequential([
        L.Dense(12, activation="relu", input_dim=6),
        L.Dropout(0.5),
        L.Activation("tanh"),
        L.Reshape((3, 4)),
        L.Permute((2, 1)),
        L.SpatialDropout1D(0.3),
        L.Flatten(),
        L.RepeatVector(3),
        L.Reshape((3, 2, 6)),
        L.SpatialDropout2D(0.3, dim_ordering="tf"),
        L.Reshape((3, 2, 2, 3)),
        L.SpatialDropout3D(0.3, dim_ordering="tf"),
        L.Flatten(),
        L.ActivityRegularization(l1=0.01, l2=0.01),
        L.Dense(4, activation="softmax", W_regularizer=regularizers.l2(0.01),
                b_regularizer=regularizers.l1(0.01), activity_regularizer=regularizers.activity_l2(0.01)),
    ])
    return model, [normal(r, B, 6)]


@case
def activations_builtin(r):
    """Dense(activation=...) with every Keras 1.2.2 activation, merged with merge(mode='concat')."""
    inp = L.Input(shape=(5,))
    outs = [L.Dense(3, activation=act)(inp)
            for act in ("relu", "elu", "softplus", "softsign", "sigmoid", "hard_sigmoid",
                        "linear", "tanh", "softmax")]
    return Model(input=inp, output=L.merge(outs, mode="concat")), [normal(r, B, 5) * 3]


@case
def advanced_activations(r):
    """LeakyReLU(alpha), PReLU, ELU(alpha), ParametricSoftplus, ThresholdedReLU(theta), SReLU."""
    model = Sequential([
        L.Dense(8, input_dim=5),
        L.LeakyReLU(alpha=0.2),
        L.Dense(8),
        L.PReLU(),
        L.Dense(8),
        L.ELU(alpha=0.7),
        L.Dense(8),
        L.ParametricSoftplus(),
        L.Dense(8),
        L.ThresholdedReLU(theta=0.3),
        L.Dense(8),
        L.SReLU(),
    ])
    return model, [normal(r, B, 5) * 2]


@case
def advanced_activations_shared_axes(r):
    """PReLU, ParametricSoftplus and SReLU with shared_axes=[1] on a (2, 4) input: Keras 1.2.2's
    get_config omits shared_axes, so the config rebuilds (2, 4) parameters while the file stores
    (1, 4); Keras 1.2.2 itself cannot reload this file (reload_error_on_legacy_stack). The stored
    parameter shapes say which axes were shared."""
    model = Sequential([
        L.Dense(8, input_dim=5),
        L.Reshape((2, 4)),
        L.PReLU(shared_axes=[1]),
        L.ParametricSoftplus(shared_axes=[1]),
        L.SReLU(shared_axes=[1]),
        L.Flatten(),
    ])
    return model, [normal(r, B, 5) * 2]


@case
def batchnorm_dense(r):
    """BatchNormalization mode=0 (axis=-1) after Dense, trained 3 steps; and one with momentum 0.5,
    epsilon 0.01."""
    model = Sequential([
        L.Dense(8, input_dim=5),
        L.BatchNormalization(mode=0),
        L.Activation("relu"),
        L.Dense(6),
        L.BatchNormalization(mode=0, momentum=0.5, epsilon=0.01),
        L.Dense(2),
    ])
    return model, [normal(r, B, 5) * 2 + 1], {"train": [normal(r, 16, 5) * 2 + 1]}


@case(ordering="th")
def batchnorm_conv_th(r):
    """BatchNormalization mode=0 axis=1 after a 'th' Convolution2D (channels axis 1), trained."""
    model = Sequential([
        L.Convolution2D(4, 3, 3, dim_ordering="th", input_shape=(2, 6, 6)),
        L.BatchNormalization(mode=0, axis=1, momentum=0.6),
        L.Flatten(),
        L.Dense(3),
    ])
    return (model, [normal(r, 4, 2, 6, 6) + 0.5], {"train": [normal(r, 12, 2, 6, 6) + 0.5]})


@case
def batchnorm_probe(r):
    """A single BatchNormalization(mode=0, momentum=0.5, epsilon=1e-3) on the input: measures what
    the weight named running_std holds (see the entry's 'measured')."""
    model = Sequential([L.BatchNormalization(mode=0, momentum=0.5, epsilon=1e-3, input_shape=(4,))])
    x = normal(r, B, 4) * 2 + 1
    return model, [x], {"probe": normal(r, 16, 4) * 3 + 2}


@case
def batchnorm_mode1(r):
    """BatchNormalization mode=1 (sample-wise): per row, (x - mean) / (sqrt(var + eps) + eps) * gamma + beta."""
    model = Sequential([L.Dense(6, input_dim=5), L.BatchNormalization(mode=1), L.Dense(2)])
    return model, [normal(r, B, 5)]


@case
def batchnorm_mode2(r):
    """BatchNormalization mode=2: normalises with the statistics of the batch fed, in prediction too;
    y0 is the output for exactly the stored batch x0 (6 rows). running_mean/running_std are saved
    but never used nor updated."""
    model = Sequential([L.Dense(6, input_dim=5), L.BatchNormalization(mode=2), L.Dense(2)])
    return model, [normal(r, B, 5) * 2 + 1], {"train": [normal(r, 16, 5)]}


@case
def noise_layers(r):
    """GaussianNoise(sigma), GaussianDropout(p): identity in prediction."""
    model = Sequential([
        L.Dense(8, input_dim=5),
        L.GaussianNoise(0.5),
        L.Dense(6),
        L.GaussianDropout(0.4),
        L.Dense(3),
    ])
    return model, [normal(r, B, 5)]


@case
def highway_maxout(r):
    """Highway (W, b, W_carry, b_carry) and MaxoutDense (W: nb_feature x in x out, b)."""
    model = Sequential([
        L.Dense(6, input_dim=5),
        L.Highway(activation="relu"),
        L.MaxoutDense(4, nb_feature=3),
        L.Highway(transform_bias=-1.0, activation="tanh"),
    ])
    return model, [normal(r, B, 5)]


@case
def time_distributed_dense(r):
    """TimeDistributedDense (Keras 1 only) and TimeDistributed(Dense) on a plain 3D input."""
    model = Sequential([
        L.TimeDistributedDense(4, input_shape=(5, 3), activation="tanh"),
        L.TimeDistributed(L.Dense(2)),
    ])
    return model, [normal(r, B, 5, 3)]


# ============================================================================================
# Merge, multi-input/output, shared layers
# ============================================================================================
@case
def merge_modes_two_in_two_out(r):
    """Functional merge(mode=...) with concat/sum/mul/ave/max/dot/cos (each writes a Merge layer),
    two inputs, two outputs. Keras 1.2.2's 'cos' gives a (batch, 1, 1) tensor (declared (batch, 1)),
    hence the Reshape((1,)) after it."""
    a_in = L.Input(shape=(6,), name="left")
    b_in = L.Input(shape=(6,), name="right")
    a = L.Dense(4)(a_in)
    b = L.Dense(4)(b_in)
    merged = [L.merge([a, b], mode=m) for m in ("sum", "mul", "ave", "max")]
    # mode='cos' returns a (batch, 1, 1) tensor while declaring (batch, 1): Reshape((1,)) fixes it up
    merged += [L.merge([a, b], mode="dot", dot_axes=1),
               L.Reshape((1,))(L.merge([a, b], mode="cos", dot_axes=1))]
    cat = L.merge(merged, mode="concat", concat_axis=-1)
    out1 = L.Dense(3, activation="softmax", name="probs")(cat)
    out2 = L.Dense(1, name="score")(L.merge([a, b, L.Dense(4)(cat)], mode="sum"))
    return Model(input=[a_in, b_in], output=[out1, out2]), [normal(r, B, 6), normal(r, B, 6)]


@case
def merge_sequences_dot(r):
    """merge(mode='dot', dot_axes=[2, 2]) and [2, 1] between sequences (an attention-like pattern)."""
    a_in = L.Input(shape=(5, 4))
    b_in = L.Input(shape=(3, 4))
    att = L.merge([a_in, b_in], mode="dot", dot_axes=[2, 2])      # (B, 5, 3)
    att = L.Activation("softmax")(L.Reshape((5, 3))(att))
    ctx = L.merge([att, b_in], mode="dot", dot_axes=[2, 1])       # (B, 5, 4)
    out = L.merge([ctx, a_in], mode="concat", concat_axis=1)
    return Model(input=[a_in, b_in], output=out), [normal(r, B, 5, 4), normal(r, B, 3, 4)]


def _branch(r, n_in):
    return Sequential([L.Dense(4, activation="tanh", input_dim=n_in)])


@case
def merge_sequential_concat(r):
    """Keras 1 Sequential with a Merge layer of two Sequential branches (mode='concat'): the weights
    are saved flattened (the branches' layers, then the head's)."""
    left = Sequential([L.Dense(4, activation="tanh", input_dim=5)])
    right = Sequential([L.Dense(3, input_dim=6), L.Activation("relu")])
    model = Sequential([L.Merge([left, right], mode="concat"), L.Dense(2)])
    return model, [normal(r, B, 5), normal(r, B, 6)]


@case
def merge_sequential_sum(r):
    """Sequential Merge of two branches with mode='sum', then a Dense."""
    left = Sequential([L.Dense(4, input_dim=5)])
    right = Sequential([L.Dense(4, input_dim=5), L.Activation("sigmoid")])
    model = Sequential([L.Merge([left, right], mode="sum"), L.Dense(3, activation="softmax")])
    return model, [normal(r, B, 5), normal(r, B, 5)]


@case
def multi_io_text(r):
    """Tokens with a mask and features in, per-step tags and a label out; masked Bidirectional."""
    tok = L.Input(shape=(8,), dtype="int32", name="tokens")
    feat = L.Input(shape=(3,), name="features")
    h = L.Embedding(20, 6, mask_zero=True)(tok)
    h = L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="sum")(h)
    seq_out = L.TimeDistributed(L.Dense(2), name="tags")(h)
    last = L.LSTM(4)(h)
    joined = L.merge([last, L.Dense(4, activation="relu")(feat)], mode="concat")
    cls_out = L.Dense(3, activation="softmax", name="label")(joined)
    x_tok = token_batch(r)
    return Model(input=[tok, feat], output=[seq_out, cls_out]), [x_tok, normal(r, len(x_tok), 3)]


@case
def shared_layers(r):
    """One Dense applied to two inputs (two inbound nodes), merged with mode='max'."""
    inp1 = L.Input(shape=(5,))
    inp2 = L.Input(shape=(5,))
    shared = L.Dense(4, activation="tanh")
    out = L.merge([shared(inp1), shared(inp2)], mode="max")
    return Model(input=[inp1, inp2], output=out), [normal(r, B, 5), normal(r, B, 5)]


@case(expect=("refuse", "UnknownLayerError"))
def nested_model(r):
    """A Sequential used as a layer inside a functional Model: refused."""
    inner = Sequential([L.Dense(4, input_dim=5), L.Activation("relu")], name="inner")
    inp = L.Input(shape=(5,))
    out = L.Dense(2)(inner(inp))
    return Model(input=inp, output=out), [normal(r, B, 5)]


@case(expect=("refuse", "UnsafeLambdaError"))
def lambda_layer(r):
    """A Lambda layer (marshaled bytecode): refused."""
    model = Sequential([L.Dense(4, input_dim=5), L.Lambda(lambda t: t * 2.0 + 1.0)])
    return model, [normal(r, B, 5)]


@case(expect=("refuse", "UnsafeLambdaError"))
def merge_lambda_mode(r):
    """merge(mode=<a Python function>): the Merge config holds marshaled bytecode: refused as a Lambda."""
    a, b = L.Input(shape=(5,)), L.Input(shape=(5,))
    merged = L.merge([L.Dense(4)(a), L.Dense(4)(b)], mode=lambda t: t[0] - t[1],
                     output_shape=lambda s: s[0])
    return Model(input=[a, b], output=L.Dense(2)(merged)), [normal(r, B, 5), normal(r, B, 5)]


# ============================================================================================
# Compiled models: optimizer state, one more training step
# ============================================================================================
def _compiled(name, optimizer, metrics=("accuracy",), loss="categorical_crossentropy"):
    def build(r):
        model = Sequential([L.Dense(6, activation="tanh", input_dim=4), L.Dense(3, activation="softmax")])
        x = normal(r, 8, 4)
        y = np.eye(3, dtype="float32")[r.randint(0, 3, size=8)]
        return model, [x], {"compile": (optimizer, loss, list(metrics)), "fit": ([x], [y])}
    build.__name__ = name
    return case(build)


_OPTIMIZERS = (
    ("adam", lambda: keras.optimizers.Adam(lr=0.01)),
    ("rmsprop", lambda: keras.optimizers.RMSprop(lr=0.01)),
    ("adagrad", lambda: keras.optimizers.Adagrad(lr=0.05)),
    ("adadelta", lambda: keras.optimizers.Adadelta(lr=1.0)),
    ("adamax", lambda: keras.optimizers.Adamax(lr=0.02)),
    ("nadam", lambda: keras.optimizers.Nadam(lr=0.01)),
    ("sgd_momentum", lambda: keras.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_decay", lambda: keras.optimizers.SGD(lr=0.1, momentum=0.5, decay=0.01)),
)
for _name, _opt in _OPTIMIZERS:
    _compiled("compiled_%s" % _name, _opt)


@case
def compiled_adam_name_order(r):
    """Keras 1.2.2 sorts the trainable weights by variable NAME before building the optimizer
    (engine/training.py compile), so optimizer slots follow name order, not layer order: here layers
    named z_first, a_second, m_out (all kernels 4x4) store their Adam slots as a_second, m_out,
    z_first. Equal shapes: a loader that assumes layer order restores permuted slots silently."""
    model = Sequential([
        L.Dense(4, activation="tanh", input_dim=4, name="z_first"),
        L.Dense(4, activation="tanh", name="a_second"),
        L.Dense(4, name="m_out"),
    ])
    x = normal(r, 8, 4)
    y = normal(r, 8, 4)
    return model, [x], {"compile": (lambda: keras.optimizers.Adam(lr=0.01), "mse", []), "fit": ([x], [y])}


# ============================================================================================
# Weights-only files
# ============================================================================================
@case(kind="weights")
def weights_lstm_default(r):
    """Sequential([LSTM(5, input_dim=4, input_length=6), Dense(3)]), every LSTM argument at its
    Keras 1.2.2 default: init='glorot_uniform', inner_init='orthogonal', forget_bias_init='one',
    activation='tanh', inner_activation='hard_sigmoid', consume_less='cpu', return_sequences=False
    (modern: LSTM(5, recurrent_activation='hard_sigmoid', unit_forget_bias=True) on input (6, 4),
    then Dense(3)). The weights file stores the LSTM as 12 arrays W_i,U_i,b_i,W_c,U_c,b_c,W_f,U_f,
    b_f,W_o,U_o,b_o."""
    model = Sequential([L.LSTM(5, input_dim=4, input_length=6), L.Dense(3)])
    return model, [normal(r, B, 6, 4)]


@case(kind="weights")
def weights_gru_default(r):
    """Sequential([GRU(5, input_dim=4, input_length=6), Dense(3)]), every GRU argument at its
    Keras 1.2.2 default: activation='tanh', inner_activation='hard_sigmoid', consume_less='cpu'
    (modern: GRU(5, recurrent_activation='hard_sigmoid', reset_after=False) on input (6, 4), then
    Dense(3)). The weights file stores the GRU as 9 arrays W_z,U_z,b_z,W_r,U_r,b_r,W_h,U_h,b_h."""
    model = Sequential([L.GRU(5, input_dim=4, input_length=6), L.Dense(3)])
    return model, [normal(r, B, 6, 4)]


@case(kind="weights")
def weights_bilstm_masked(r):
    """Sequential([Embedding(20, 6, mask_zero=True, input_length=8), Bidirectional(LSTM(5,
    return_sequences=True), merge_mode='concat'), TimeDistributed(Dense(3))]), LSTM arguments at
    their Keras 1.2.2 defaults (hard_sigmoid gates, forget bias initialised to one)."""
    model = Sequential([
        L.Embedding(20, 6, mask_zero=True, input_length=8),
        L.Bidirectional(L.LSTM(5, return_sequences=True), merge_mode="concat"),
        L.TimeDistributed(L.Dense(3)),
    ])
    return model, [token_batch(r)]


# ============================================================================================
# Theano-backend cases (run with KERAS_BACKEND=theano)
# ============================================================================================
@case(ordering="th", backends=("theano",))
def theano_conv2d_th(r):
    """Theano backend: Convolution2D (th) -> MaxPooling2D -> Convolution2D(2, 2, 3, border_mode='same')
    -> Flatten -> Dense. Theano's conv2d is a true convolution: the stored kernels are flipped relative
    to TensorFlow's; and 'same' with an EVEN kernel size (2 rows here) pads the extra row at the top
    on Theano (border_mode 'half', then the last row cropped), at the bottom on TensorFlow, so
    flipping the kernels alone does not reproduce this file's outputs on TensorFlow."""
    model = Sequential([
        L.Convolution2D(3, 3, 3, dim_ordering="th", input_shape=(2, 7, 7)),
        L.MaxPooling2D((2, 2), dim_ordering="th"),
        L.Convolution2D(2, 2, 3, border_mode="same", dim_ordering="th"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 2, 7, 7)]


@case(ordering="tf", backends=("theano",))
def theano_conv2d_tf_odd(r):
    """Theano backend, dim_ordering 'tf': Convolution2D 3x3 'same' -> Convolution2D 3x3 valid stride 2
    -> Flatten -> Dense, odd kernels only: flipping each kernel's spatial axes reproduces the outputs
    on TensorFlow."""
    model = Sequential([
        L.Convolution2D(3, 3, 3, border_mode="same", activation="relu", dim_ordering="tf",
                        input_shape=(7, 7, 2)),
        L.Convolution2D(2, 3, 3, subsample=(2, 2), dim_ordering="tf"),
        L.Flatten(),
        L.Dense(3),
    ])
    return model, [normal(r, 4, 7, 7, 2)]


@case(ordering="th", backends=("theano",))
def theano_conv1d(r):
    """Theano backend: Convolution1D -> MaxPooling1D -> Convolution1D -> GlobalMaxPooling1D -> Dense."""
    model = Sequential([
        L.Convolution1D(5, 3, activation="relu", input_shape=(9, 4)),
        L.MaxPooling1D(pool_length=2),
        L.Convolution1D(4, 2),
        L.GlobalMaxPooling1D(),
        L.Dense(2),
    ])
    return model, [normal(r, B, 9, 4)]


@case(ordering="th", backends=("theano",))
def theano_dense_lstm(r):
    """Theano backend: TimeDistributed(Dense) -> masked-free LSTM (defaults) -> Dense; and an Embedding
    with a mask into a GRU, as a second input."""
    seq = L.Input(shape=(6, 4))
    tok = L.Input(shape=(8,), dtype="int32")
    h = L.TimeDistributed(L.Dense(5, activation="tanh"))(seq)
    h = L.LSTM(4)(h)
    g = L.GRU(3)(L.Embedding(20, 5, mask_zero=True)(tok))
    out = L.Dense(2)(L.merge([h, g], mode="concat"))
    x_tok = token_batch(r)
    return Model(input=[seq, tok], output=out), [normal(r, len(x_tok), 6, 4), x_tok]


@case(ordering="th", backends=("theano",))
def theano_batchnorm_probe(r):
    """Theano backend: batchnorm_probe: what running_std holds on Theano (see 'measured')."""
    model = Sequential([L.BatchNormalization(mode=0, momentum=0.5, epsilon=1e-3, input_shape=(4,))])
    x = normal(r, B, 4) * 2 + 1
    return model, [x], {"probe": normal(r, 16, 4) * 3 + 2}


# ============================================================================================
def listify(v):
    return v if isinstance(v, list) else [v]


def feed(xs):
    return xs if len(xs) > 1 else xs[0]


def probe_running_std(model, xb, r):
    """One train step of a lone BatchNormalization: which statistic moved into running_std."""
    bn = model.layers[0]
    gamma, beta, mean0, std0 = [v.copy() for v in bn.get_weights()]
    model.compile(optimizer=keras.optimizers.SGD(lr=0.0), loss="mse")
    model.train_on_batch(xb, np.zeros_like(xb))
    _, _, mean1, std1 = bn.get_weights()
    m = bn.momentum
    implied_mean = (mean1 - m * mean0) / (1 - m)
    implied = (std1 - m * std0) / (1 - m)
    var = xb.var(axis=0)
    measured = {
        "momentum": m, "epsilon": bn.epsilon,
        "implied_batch_mean_minus_numpy_mean_maxabs": float(np.abs(implied_mean - xb.mean(axis=0)).max()),
        "implied_stat_minus_batch_variance_maxabs": float(np.abs(implied - var).max()),
        "implied_stat_minus_batch_variance_plus_epsilon_maxabs": float(np.abs(implied - (var + bn.epsilon)).max()),
        "implied_stat_minus_batch_std_maxabs": float(np.abs(implied - np.sqrt(var)).max()),
        "batch_variance": var.tolist(),
        "implied_stat": implied.tolist(),
    }
    return measured


def check_running_std_in_predict(model, x):
    """Prediction against both readings of running_std (a variance, or a standard deviation)."""
    gamma, beta, mean, stat = model.layers[0].get_weights()
    eps = model.layers[0].epsilon
    y = model.predict(x)
    as_var = (x - mean) / np.sqrt(stat + eps) * gamma + beta
    as_std = (x - mean) / (stat + eps) * gamma + beta
    return {"predict_minus_formula_with_running_std_as_variance_maxabs": float(np.abs(y - as_var).max()),
            "predict_minus_formula_with_running_std_as_std_maxabs": float(np.abs(y - as_std).max())}


def h5_attrs(path):
    import h5py
    with h5py.File(path, "r") as f:
        def pick(obj):
            out = {}
            for k in ("keras_version", "backend"):
                v = obj.attrs.get(k)
                out[k] = v.decode("utf8") if isinstance(v, bytes) else (None if v is None else str(v))
            return out
        attrs = {"root": pick(f), "root_attr_names": sorted(f.attrs.keys())}
        if "model_weights" in f:
            attrs["model_weights"] = pick(f["model_weights"])
            attrs["model_weights_attr_names"] = sorted(f["model_weights"].attrs.keys())
        names = None
        if "optimizer_weights" in f:
            names = [n.decode("utf8") for n in f["optimizer_weights"].attrs["weight_names"]]
        return attrs, names


def new_session():
    if tf is not None:
        K.set_session(tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1,
                                                       inter_op_parallelism_threads=1)))


def run_case(fn, out_dir):
    name = fn.__name__
    r = rng(name)
    np.random.seed(r.randint(0, 2 ** 31 - 1))
    tf_seed = r.randint(0, 2 ** 31 - 1)
    if tf is not None:
        tf.set_random_seed(tf_seed)
    K.set_image_dim_ordering(fn.ordering)
    built = fn(r)
    model, xs = built[0], built[1]
    extra = built[2] if len(built) > 2 else {}
    perturb(model, r)
    entry = {"name": name, "doc": " ".join((fn.__doc__ or "").split()), "kind": fn.kind,
             "image_dim_ordering": fn.ordering, "backend": BACKEND}
    npz = {}
    if "probe" in extra:
        entry["measured"] = probe_running_std(model, extra["probe"], r)
        extra["train"] = [extra["probe"]]
    if "train" in extra:
        train_steps(model, extra["train"], r)
        entry["trained"] = "3 SGD steps on random targets (running statistics non-trivial)"
    if "compile" in extra:
        opt_factory, loss, metrics = extra["compile"]
        model.compile(optimizer=opt_factory(), loss=loss, metrics=metrics)
        fx, fy = extra["fit"]
        for _ in range(2):
            model.train_on_batch(feed(fx), feed(fy))
        for i, a in enumerate(fx):
            npz["train_x%d" % i] = a
        for i, a in enumerate(fy):
            npz["train_y%d" % i] = a
        entry["compiled"] = {"optimizer": type(model.optimizer).__name__, "steps_before_save": 2,
                             "optimizer_config": model.optimizer.get_config(),
                             "loss": loss, "metrics": metrics, "metrics_names": list(model.metrics_names)}
    path = os.path.join(out_dir, name + ".h5")
    model.save(path)
    if fn.kind == "weights":
        model.save_weights(os.path.join(out_dir, name + "_weights.h5"))
        entry["weights_file"] = name + "_weights.h5"
        entry["weights_file_attrs"], _ = h5_attrs(os.path.join(out_dir, name + "_weights.h5"))
    attrs, opt_names = h5_attrs(path)
    entry["file_attrs"] = attrs
    collected = getattr(getattr(model, "model", model), "_collected_trainable_weights", None)
    if opt_names and collected:
        # the weights the slots belong to, in slot order (Keras 1.2.2 sorts them by name)
        entry["optimizer_slot_order"] = [str(w.name) for w in collected]
    if "compile" in extra:
        entry["optimizer_weight_names"] = opt_names
        entry["optimizer_weight_shapes"] = [list(np.shape(v)) for v in K.batch_get_value(model.optimizer.weights)]
    ys = listify(model.predict(feed(xs)))
    if "measured" in entry:
        entry["measured"].update(check_running_std_in_predict(model, xs[0]))
        entry["measured"]["running_stats_after_training"] = [v.tolist() for v in model.layers[0].get_weights()[2:]]
    for i, a in enumerate(xs):
        npz["x%d" % i] = a
    for i, a in enumerate(ys):
        npz["y%d" % i] = a
    if "compile" in extra:
        fx, fy = extra["fit"]
        evaluated = listify(model.evaluate(feed(fx), feed(fy), verbose=0))
        npz["loss_before_step"] = np.float32(evaluated[0])
        npz["evaluate_before_step"] = np.asarray(evaluated, dtype="float32")
        if tf is not None:
            entry["train_on_batch_race_maxdiff"] = clean_step(model, feed(fx), feed(fy))
        else:
            model.train_on_batch(feed(fx), feed(fy))
        for i, w in enumerate(model.get_weights()):
            npz["after_step_w%d" % i] = w
        npz["after_step_y0"] = model.predict(fx[0])
        for i, w in enumerate(K.batch_get_value(model.optimizer.weights)):
            npz["after_step_opt%d" % i] = np.asarray(w)
    np.savez_compressed(os.path.join(out_dir, name + "_io.npz"), **npz)
    config = json.loads(model.to_json())
    classes = classes_of(config)
    # reload on the legacy stack itself: the file must round-trip there
    try:
        reloaded = keras.models.load_model(path)
        again = listify(reloaded.predict(feed(xs)))
        entry["reload_maxdiff_on_legacy_stack"] = float(max(np.abs(a - b).max() for a, b in zip(again, ys)))
    except Exception as exc:  # noqa: BLE001 - recorded, the case stays
        entry["reload_error_on_legacy_stack"] = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0])
    if fn.ordering == "th":
        # UpSampling/ZeroPadding/Cropping/SpatialDropout 2D/3D do not save dim_ordering: on reload
        # they take the loading user's image_dim_ordering ('tf' unless keras.json says otherwise)
        K.set_image_dim_ordering("tf")
        try:
            again = listify(keras.models.load_model(path).predict(feed(xs)))
            entry["reload_on_legacy_stack_with_image_dim_ordering_tf"] = {
                "maxdiff": float(max(np.abs(a - b).max() for a, b in zip(again, ys)))}
        except Exception as exc:  # noqa: BLE001 - recorded
            entry["reload_on_legacy_stack_with_image_dim_ordering_tf"] = {
                "error": "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0])}
        K.set_image_dim_ordering(fn.ordering)
    if fn.kind == "weights":
        fresh = keras.models.model_from_json(model.to_json())
        fresh.load_weights(os.path.join(out_dir, name + "_weights.h5"))
        again = listify(fresh.predict(feed(xs)))
        entry["weights_reload_maxdiff_on_legacy_stack"] = float(
            max(np.abs(a - b).max() for a, b in zip(again, ys)))
    entry.update({
        "file": name + ".h5", "io": name + "_io.npz",
        "model_class": config["class_name"],
        "classes": classes,
        "inputs": ["x%d" % i for i in range(len(xs))],
        "outputs": ["y%d" % i for i in range(len(ys))],
        "input_shapes": [list(a.shape) for a in xs], "input_dtypes": [str(a.dtype) for a in xs],
        "output_shapes": [list(a.shape) for a in ys],
        "expect": fn.expect[0] if fn.expect else "match",
    })
    if fn.expect:
        entry["error"] = fn.expect[1]
    if hasattr(K, "clear_session"):
        K.clear_session()
    return entry


def shipped_layer_classes():
    from keras.engine.topology import Layer
    abstract = {"Layer", "Recurrent", "ConvRecurrent2D", "Wrapper"}
    return sorted({c.__name__ for c in vars(L).values()
                   if inspect.isclass(c) and issubclass(c, Layer) and c.__name__ not in abstract})


def flip_conv_kernels(model):
    """Reverse every spatial axis of each Convolution1D/2D kernel (Theano <-> TensorFlow); True if any."""
    flipped = False
    for layer in model.layers:
        name = type(layer).__name__
        if name not in ("Convolution1D", "Convolution2D"):
            continue
        weights = layer.get_weights()
        w = weights[0]
        if name == "Convolution1D":            # (filter_length, 1, input_dim, nb_filter)
            axes = (0,)
        elif layer.dim_ordering == "th":        # (nb_filter, stack, rows, cols)
            axes = (2, 3)
        else:                                   # (rows, cols, stack, nb_filter)
            axes = (0, 1)
        for axis in axes:
            w = np.flip(w, axis) if hasattr(np, "flip") else np.swapaxes(np.swapaxes(w, 0, axis)[::-1], 0, axis)
        weights[0] = np.ascontiguousarray(w)
        layer.set_weights(weights)
        flipped = True
    return flipped


def reload_here(era_dir):
    """Load every file of another backend's era folder with this stack's Keras 1.2.2, record the diff.

    Keras 1.2.2 converts nothing between backends, so this shows which weights are backend-neutral
    (``keras1_2_2_<backend>_load`` per case: ``maxdiff`` or ``error``).
    """
    path = os.path.join(era_dir, "manifest.json")
    with open(path) as f:
        manifest = json.load(f)
    for entry in manifest["cases"]:
        new_session()
        K.set_image_dim_ordering(entry["image_dim_ordering"])
        io = np.load(os.path.join(era_dir, entry["io"]))
        xs = [io[n] for n in entry["inputs"]]
        try:
            model = keras.models.load_model(os.path.join(era_dir, entry["file"]))
            got = listify(model.predict(feed(xs)))
            result = {"maxdiff": float(max(np.abs(a - io[n]).max() for a, n in zip(got, entry["outputs"])))}
            if flip_conv_kernels(model):
                got = listify(model.predict(feed(xs)))
                result["maxdiff_after_flipping_conv_kernels"] = float(
                    max(np.abs(a - io[n]).max() for a, n in zip(got, entry["outputs"])))
        except Exception as exc:  # noqa: BLE001 - recorded
            result = {"error": "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0])}
        entry["keras1_2_2_%s_load" % BACKEND] = result
        print("%-32s %s" % (entry["name"], result), flush=True)
        if hasattr(K, "clear_session"):
            K.clear_session()
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


def main(argv):
    if len(argv) > 2 and argv[1] == "--reload-here":
        return reload_here(argv[2])
    out_dir = os.path.abspath(argv[1] if len(argv) > 1 else "eras/keras1_2")
    wanted = set(argv[2:])
    os.makedirs(out_dir, exist_ok=True)
    manifest_path = os.path.join(out_dir, "manifest.json")
    old = {}
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = {c["name"]: c for c in json.load(f)["cases"]}
    entries = []
    for fn in CASES:
        if BACKEND not in fn.backends:
            continue
        if wanted and fn.__name__ not in wanted:
            if fn.__name__ in old:
                entries.append(old[fn.__name__])
            continue
        new_session()
        entry = run_case(fn, out_dir)
        for key, value in old.get(fn.__name__, {}).items():
            if key == "keras2_0_8_load" or key.startswith("keras1_2_2_"):
                entry[key] = value
        print("%-32s %s %s %s" % (entry["name"], entry["expect"],
                                  entry.get("reload_maxdiff_on_legacy_stack",
                                            entry.get("reload_error_on_legacy_stack")),
                                  entry["classes"]), flush=True)
        entries.append(entry)
    shipped = shipped_layer_classes()
    covered = sorted({c for e in entries for c in e["classes"]})
    versions = {"python": sys.version.split()[0], "keras": keras.__version__, "numpy": np.__version__,
                "h5py": __import__("h5py").__version__, "backend": BACKEND, "floatx": K.floatx()}
    if tf is not None:
        versions["tensorflow"] = tf.__version__
    else:
        versions["theano"] = __import__("theano").__version__
    manifest = {
        "title": "Keras 1.2.2 era fixtures (%s backend): small models saved by Keras 1.2.2, with their "
                 "outputs" % BACKEND,
        "generator": "legacy_reference/generate/make_keras1_zoo.py",
        "versions": versions,
        "file_attrs": {
            "model.save": {"root keras_version": keras.__version__, "root backend": None,
                           "model_weights keras_version": None, "model_weights backend": None},
            "model.save_weights": {"keras_version": None, "backend": None},
            "note": "Keras 1.2.2 writes keras_version only on the root of a model.save file and never "
                    "writes backend; per case see file_attrs / weights_file_attrs",
        },
        "io_npz_convention": IO_NPZ_CONVENTION,
        "keras_layer_classes": shipped,
        "keras_layer_classes_not_covered": sorted(set(shipped) - set(covered)),
        "cases": entries,
    }
    with open(manifest_path, "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv)
