"""pad_sequences, to_categorical, normalize, predict_classes / predict_proba, legacy_decay."""

import warnings

import numpy as np
import pytest

from compat_attention._keras.flavour import keras
from compat_attention.legacy import backend as K
from compat_attention.legacy.models import predict_classes, predict_proba
from compat_attention.legacy.optimizers import legacy_decay
from compat_attention.legacy.sequence import pad_sequences
from compat_attention.legacy.utils import normalize, to_categorical

SEQS = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9, 10]]


def test_pad_sequences_by_hand():
    assert pad_sequences(SEQS).tolist() == [[0, 0, 1, 2, 3], [0, 0, 0, 4, 5], [0] * 5, [6, 7, 8, 9, 10]]
    assert pad_sequences(SEQS, maxlen=3).tolist() == [[1, 2, 3], [0, 4, 5], [0, 0, 0], [8, 9, 10]]
    assert pad_sequences(SEQS, maxlen=3, padding="post", truncating="post").tolist() == \
        [[1, 2, 3], [4, 5, 0], [0, 0, 0], [6, 7, 8]]
    assert pad_sequences(SEQS, maxlen=2, value=-1, padding="post").tolist() == [[2, 3], [4, 5], [-1, -1], [9, 10]]
    out = pad_sequences([[1.5, 2.5]], maxlen=3, value=0.5)
    assert out.dtype == np.int32 and out.tolist() == [[0, 1, 2]]  # int32 output truncates the floats
    out = pad_sequences([[1.5, 2.5]], maxlen=3, dtype="float32", value=0.5)
    assert out.dtype == np.float32 and out.tolist() == [[0.5, 1.5, 2.5]]
    vectors = pad_sequences([np.ones((2, 3)), np.ones((1, 3)) * 2], maxlen=2, dtype="float32")
    assert vectors.shape == (2, 2, 3) and vectors[1].tolist() == [[0, 0, 0], [2, 2, 2]]
    assert pad_sequences(SEQS, maxlen=0).shape == (4, 0)
    with pytest.raises(ValueError, match="Padding"):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="Truncating"):
        pad_sequences(SEQS, truncating="middle")
    with pytest.raises(ValueError):
        pad_sequences([[1], 5])


@pytest.mark.parametrize("kwargs", [{}, {"maxlen": 3}, {"maxlen": 4, "padding": "post"},
                                    {"maxlen": 2, "truncating": "post", "value": 7},
                                    {"maxlen": 6, "dtype": "float32", "value": -1.0}])
def test_pad_sequences_same_as_keras(kwargs):
    # keras.utils.pad_sequences from tf.keras 2.9 on; tf.keras 2.8 has it in keras.preprocessing.sequence.
    theirs = getattr(keras.utils, "pad_sequences", None) or keras.preprocessing.sequence.pad_sequences
    np.testing.assert_array_equal(pad_sequences(SEQS, **kwargs), theirs(SEQS, **kwargs))
    assert pad_sequences(SEQS, **kwargs).dtype == theirs(SEQS, **kwargs).dtype


def test_to_categorical_keras_208():
    out = to_categorical([[2], [0], [1]])
    assert out.dtype == np.float64 and out.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    out = to_categorical(np.array([[1, 0], [3, 1]]), num_classes=4)  # flattened, as 2.0.8 did
    assert out.shape == (4, 4) and out.argmax(1).tolist() == [1, 0, 3, 1]
    with pytest.raises(ValueError):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError):
        to_categorical([-1, 1])


def test_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    assert normalize(x).tolist() == [[0.6, 0.8], [0.0, 0.0]]
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[1.0, 1.0], [0.0, 0.0]])


def _model(units, activation, kernel):
    inputs = keras.Input((2,))
    layer = keras.layers.Dense(units, activation=activation, use_bias=False)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.asarray(kernel, dtype="float32")])
    return model


def test_predict_classes_and_proba():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 2.0]], dtype="float32")
    softmax = _model(3, "softmax", [[2.0, 0.0, 1.0], [0.0, 3.0, 1.0]])
    expected = (x @ np.array([[2.0, 0.0, 1.0], [0.0, 3.0, 1.0]])).argmax(-1)
    assert predict_classes(softmax, x).tolist() == expected.tolist()
    sigmoid = _model(1, "sigmoid", [[1.0], [-1.0]])
    got = predict_classes(sigmoid, x, batch_size=2)
    assert got.dtype == np.int32 and got.tolist() == [[1], [0], [0], [0]]  # sigmoid(0) = 0.5 is not > 0.5
    np.testing.assert_allclose(predict_proba(sigmoid, x), 1 / (1 + np.exp(-(x[:, :1] - x[:, 1:]))), rtol=1e-5)
    linear = _model(1, None, [[3.0], [0.0]])
    with pytest.warns(UserWarning, match="invalid probability"):
        predict_proba(linear, x)


def test_legacy_decay_learning_rate_per_step():
    """Keras 2.0: lr_t = lr / (1 + decay * t), t the number of earlier updates."""
    lr, decay, steps = 0.1, 0.5, 12
    assert legacy_decay(lr, 0.0) == lr
    optimizer = keras.optimizers.SGD(learning_rate=legacy_decay(lr, decay))
    weight = K.variable(np.zeros(3))
    gradient = K.constant(np.ones(3))
    for step in range(steps):
        before = K.get_value(weight)
        optimizer.apply_gradients([(gradient, weight)])
        used = before - K.get_value(weight)
        expected = lr / (1 + decay * step)
        np.testing.assert_allclose(used, np.full(3, expected), rtol=0, atol=1e-7)
    assert int(K.get_value(optimizer.iterations)) == steps
    with pytest.raises(ValueError):
        legacy_decay(0.1, -1.0)


def test_legacy_decay_in_fit():
    """The same schedule through model.fit: one step per batch, the linear model's kernel
    moves by lr_t times the (constant) gradient."""
    lr, decay = 0.05, 0.25
    inputs = keras.Input((1,))
    layer = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")
    model = keras.Model(inputs, layer(inputs))
    # Loss = mean(y_pred) with x = 1: d loss / d kernel = 1 at every step.
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=legacy_decay(lr, decay)),
                  loss=lambda y_true, y_pred: K.mean(y_pred))

    class RecordKernel(keras.callbacks.Callback):
        # Through self.model, not the layer: on JAX, fit keeps the weights outside the model
        # during an epoch, and reading self.model is what puts them back (jax_state_sync).
        def __init__(self):
            super().__init__()
            self.kernels = []

        def on_train_batch_end(self, batch, logs=None):
            self.kernels.append(float(self.model.get_weights()[0][0, 0]))

    callback = RecordKernel()
    model.fit(np.ones((6, 1), dtype="float32"), np.zeros((6, 1)), batch_size=1, epochs=1, verbose=0,
              callbacks=[callback], shuffle=False)
    assert len(callback.kernels) == 6
    used = -np.diff([0.0] + callback.kernels)
    np.testing.assert_allclose(used, [lr / (1 + decay * t) for t in range(6)], rtol=0, atol=1e-7)
