"""K's linear algebra, shape functions, constants/variables, control flow and ``function``."""

import inspect

import numpy as np
import pytest

from compat_attention._keras.flavour import keras
from compat_attention.legacy import backend as K

RNG = np.random.default_rng(1)


def value(tensor):
    return K.get_value(tensor)


def close(tensor, expected, atol=1e-5):
    got = value(tensor)
    assert got.dtype == np.float32, got.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=atol)


def rand(*shape):
    return RNG.normal(size=shape).astype("float32")


# --- dot / batch_dot -------------------------------------------------------------------------


def test_dot_is_numpy_dot():
    for a, b in [(rand(3, 4), rand(4, 5)), (rand(2, 3, 4), rand(4, 5)), (rand(2, 3, 4), rand(6, 4, 5)),
                 (rand(3, 4), rand(4))]:
        got = K.dot(a, b)
        assert K.int_shape(got) == np.dot(a, b).shape
        close(got, np.dot(a.astype("float64"), b.astype("float64")))


@pytest.mark.parametrize("x_shape, y_shape, axes, einsum, out_shape", [
    ((32, 20), (32, 30, 20), (1, 2), "bk,bjk->bj", (32, 30)),  # Keras 2.0's documented example
    ((5, 4), (5, 4), 1, "bk,bk->b", (5, 1)),  # two matrices: (B, 1)
    ((5, 4), (5, 4), None, "bk,bk->b", (5, 1)),
    ((5, 3, 4), (5, 6, 4), (2, 2), "bik,bjk->bij", (5, 3, 6)),
    ((5, 3, 4), (5, 3, 6), (1, 1), "bki,bkj->bij", (5, 4, 6)),
    ((5, 3, 4), (5, 4, 6), None, "bik,bkj->bij", (5, 3, 6)),
    ((5, 3, 4), (5, 4), (2, 1), "bik,bk->bi", (5, 3)),
    ((5, 4), (5, 4, 6), (1, 1), "bk,bkj->bj", (5, 6)),
])
def test_batch_dot(x_shape, y_shape, axes, einsum, out_shape):
    x, y = rand(*x_shape), rand(*y_shape)
    got = K.batch_dot(x, y, axes=axes)
    assert K.int_shape(got) == out_shape
    expected = np.einsum(einsum, x.astype("float64"), y.astype("float64")).reshape(out_shape)
    close(got, expected)


def test_batch_dot_refuses_the_batch_axis():
    with pytest.raises(ValueError, match="batch axis"):
        K.batch_dot(rand(2, 3), rand(2, 3), axes=0)


# --- shapes ----------------------------------------------------------------------------------


def test_shape_functions():
    x = K.constant(rand(2, 3, 4))
    assert value(K.shape(x)).tolist() == [2, 3, 4]
    assert K.int_shape(x) == (2, 3, 4) and K.ndim(x) == 3 and K.dtype(x) == "float32"
    assert K.int_shape(np.zeros((5, 1))) == (5, 1)
    assert K.dtype(K.constant([1, 2], dtype="int32")) == "int32"
    assert value(K.shape(x)[0]).item() == 2


def test_shape_manipulation():
    a = rand(2, 3, 4)
    t = K.constant(a)
    close(K.transpose(a[0]), a[0].T)
    close(K.transpose(t), a.transpose())
    close(K.permute_dimensions(t, (0, 2, 1)), a.transpose(0, 2, 1))
    close(K.reshape(t, (2, 12)), a.reshape(2, 12))
    close(K.reshape(t, [-1, 4]), a.reshape(-1, 4))
    close(K.reshape(t, (K.shape(t)[0], -1)), a.reshape(2, -1))
    close(K.repeat(a[:, 0], 3), np.repeat(a[:, None, 0], 3, axis=1))
    close(K.repeat_elements(t, 2, axis=1), np.repeat(a, 2, axis=1))
    close(K.expand_dims(t), a[..., None])
    close(K.expand_dims(t, 1), a[:, None])
    close(K.squeeze(K.expand_dims(t, 1), 1), a)
    close(K.flatten(t), a.ravel())
    close(K.batch_flatten(t), a.reshape(2, 12))
    close(K.concatenate([t, t * 2]), np.concatenate([a, a * 2], axis=-1))
    close(K.concatenate([t, t], axis=0), np.concatenate([a, a], axis=0))
    close(K.stack([t, t + 1], axis=1), np.stack([a, a + 1], axis=1))
    close(K.tile(a[0], (2, 1)), np.tile(a[0], (2, 1)))
    close(K.tile(a[0, 0], 3), np.tile(a[0, 0], 3))
    close(K.gather(a[0], np.array([2, 0, 2])), a[0][[2, 0, 2]])
    with pytest.raises(ValueError, match="2-D"):
        K.repeat(t, 2)


def test_one_hot_is_float32():
    got = value(K.one_hot(np.array([[0, 2], [1, 1]]), 3))
    assert got.dtype == np.float32 and got.tolist() == np.eye(3)[[[0, 2], [1, 1]]].tolist()


def test_arange():
    got = value(K.arange(4))
    assert got.dtype == np.int32 and got.tolist() == [0, 1, 2, 3]
    assert value(K.arange(1, 7, 2)).tolist() == [1, 3, 5]


# --- constants and variables -----------------------------------------------------------------


def test_constants():
    assert value(K.zeros((2, 3))).tolist() == np.zeros((2, 3)).tolist() and value(K.zeros((2, 3))).dtype == np.float32
    assert value(K.ones([2], dtype="int32")).tolist() == [1, 1] and value(K.ones([2], dtype="int32")).dtype == np.int32
    x = K.constant(rand(2, 2))
    assert value(K.zeros_like(x)).tolist() == [[0, 0], [0, 0]] and K.dtype(K.zeros_like(x)) == "float32"
    assert value(K.ones_like(x, dtype="int32")).tolist() == [[1, 1], [1, 1]]
    c = K.constant(3, shape=(2, 2))
    assert K.dtype(c) == "float32" and value(c).tolist() == [[3, 3], [3, 3]]
    assert value(K.constant([1, 2, 3, 4], shape=(2, 2))).tolist() == [[1, 2], [3, 4]]
    assert K.dtype(K.constant(np.arange(3.0))) == "float32"  # floatx, not the array's float64


def test_variables():
    v = K.variable(np.arange(6.0).reshape(2, 3))
    assert K.dtype(v) == "float32"  # floatx whatever the value's dtype
    assert value(v).tolist() == np.arange(6.0).reshape(2, 3).tolist()
    K.set_value(v, np.ones((2, 3)) * 2.5)
    assert value(v).tolist() == [[2.5] * 3] * 2
    w = K.variable([1, 2], dtype="int32")
    assert v.trainable and not w.trainable  # integer variables cannot be differentiated
    K.batch_set_value([(v, np.zeros((2, 3))), (w, [7, 8])])
    assert [a.tolist() for a in K.batch_get_value([v, w])] == [[[0.0] * 3] * 2, [7, 8]]
    assert K.eval(w).tolist() == [7, 8] and K.eval(K.sum(w)).item() == 15  # Keras 2.0's K.eval
    K.update_add(w, np.array([1, 1], dtype="int32"))
    K.update_sub(v, np.ones((2, 3), dtype="float32"))
    assert value(w).tolist() == [8, 9] and value(v).tolist() == [[-1.0] * 3] * 2
    K.update(v, np.full((2, 3), 4.0, dtype="float32"))
    assert value(K.sum(v)).item() == 24.0


def test_random():
    x = value(K.random_normal((2000,), mean=1.0, stddev=2.0, seed=3))
    assert x.dtype == np.float32 and abs(x.mean() - 1.0) < 0.2 and abs(x.std() - 2.0) < 0.2
    u = value(K.random_uniform((2000,), minval=-1.0, maxval=3.0, seed=3))
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.15
    b = value(K.random_binomial((2000,), p=0.25, seed=3))
    assert set(np.unique(b).tolist()) <= {0.0, 1.0} and abs(b.mean() - 0.25) < 0.05


def test_stop_gradient_keeps_values():
    a = rand(3)
    close(K.stop_gradient(a), a)
    assert [value(t).tolist() for t in K.stop_gradient([a, a * 2])] == [a.tolist(), (a * 2).tolist()]


# --- configuration ---------------------------------------------------------------------------


def test_configuration_round_trips(backend_dtype):
    assert K.floatx() == "float32" and K.epsilon() == pytest.approx(1e-7)
    try:
        K.set_epsilon(1e-4)
        assert K.epsilon() == 1e-4
        target, output = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]], dtype="float32")
        assert value(K.categorical_crossentropy(target, output)).item() == pytest.approx(-np.log(1e-4), rel=1e-5)
    finally:
        K.set_epsilon(1e-7)
    assert K.image_data_format() == "channels_last" and K.image_dim_ordering() == "tf"
    try:
        K.set_image_dim_ordering("th")
        assert K.image_data_format() == "channels_first" and K.image_dim_ordering() == "th"
    finally:
        K.set_image_data_format("channels_last")
    with pytest.raises(ValueError):
        K.set_image_dim_ordering("xx")
    try:
        K.set_floatx("float64")
        # floatx() says float64 everywhere; JAX without x64 can only make float32 tensors.
        assert K.floatx() == "float64" and K.dtype(K.constant(1.0)) == backend_dtype("float64")
    finally:
        K.set_floatx("float32")


# --- control flow and the learning phase -----------------------------------------------------


def test_switch():
    a, b = rand(2, 3), rand(2, 3)
    close(K.switch(True, a, b), a)
    close(K.switch(False, lambda: a, lambda: b), b)
    close(K.switch(K.constant(True, dtype="bool"), a, b), a)
    cond = np.array([True, False])
    close(K.switch(cond, a, b), np.where(cond[:, None], a, b))  # rank-1 condition over rank-2
    close(K.switch(K.greater(a, 0), a, K.zeros_like(a)), np.maximum(a, 0))
    with pytest.raises(ValueError, match="rank"):
        K.switch(np.ones((2, 3, 1), dtype=bool), a, b)


def test_in_train_phase_explicit_and_global():
    assert value(K.in_train_phase(K.constant(1.0), K.constant(0.0), training=1)).item() == 1.0
    assert value(K.in_train_phase(lambda: K.constant(1.0), lambda: K.constant(0.0), training=False)).item() == 0.0
    assert value(K.in_train_phase(K.constant(1.0), K.constant(0.0))).item() == 0.0  # default: test
    assert value(K.in_test_phase(K.constant(1.0), K.constant(0.0))).item() == 1.0
    assert value(K.in_train_phase(K.constant(1.0), K.constant(0.0), training=K.constant(True, dtype="bool"))).item() == 1.0
    try:
        K.set_learning_phase(1)
        assert value(K.in_train_phase(K.constant(1.0), K.constant(0.0))).item() == 1.0
    finally:
        K.clear_session()  # resets the learning phase, as in Keras 2.0
    assert value(K.in_train_phase(K.constant(1.0), K.constant(0.0), training=K.learning_phase())).item() == 0.0
    with pytest.raises(ValueError):
        K.set_learning_phase(2)


def _phase_model():
    inputs = keras.Input((2,))
    hidden = keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")(inputs)
    # A Keras 2.0 Lambda that reads the learning phase without taking ``training``.
    out = keras.layers.Lambda(lambda h: h + K.in_train_phase(K.ones_like(h), K.zeros_like(h)))(hidden)
    return keras.Model(inputs, out)


def test_in_train_phase_inside_lambda_follows_training():
    model = _phase_model()
    x = np.ones((4, 2), dtype="float32")
    assert value(model(x, training=True)).tolist() == [[1.0]] * 4
    assert value(model(x, training=False)).tolist() == [[0.0]] * 4
    assert model.predict(x, verbose=0).tolist() == [[0.0]] * 4
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, np.zeros((4, 1)), epochs=1, batch_size=4, verbose=0)
    assert history.history["loss"][0] == pytest.approx(1.0)  # fit ran the training branch
    assert model.evaluate(x, np.zeros((4, 1)), verbose=0) == pytest.approx(0.0)


def test_function_with_learning_phase():
    inputs = keras.Input((4,))
    dense = keras.layers.Dense(3, kernel_initializer="ones", bias_initializer="zeros")
    hidden = dense(inputs)
    out = keras.layers.Dropout(0.5, seed=1)(hidden)
    model = keras.Model(inputs, out)
    f = K.function([model.input, K.learning_phase()], [hidden, model.output])
    x = RNG.normal(size=(8, 4)).astype("float64")  # fed float64, computed in float32
    test_hidden, test_out = f([x, 0])
    expected = np.repeat(x.sum(1, keepdims=True), 3, axis=1)
    assert isinstance(test_out, np.ndarray) and test_out.dtype == np.float32
    np.testing.assert_allclose(test_hidden, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(test_out, expected, rtol=1e-5, atol=1e-5)
    _, train_out = f([x, 1])
    dropped = train_out == 0
    assert dropped.any() and not dropped.all()
    np.testing.assert_allclose(train_out[~dropped], 2 * expected[~dropped], rtol=1e-5, atol=1e-5)
    single = K.function([model.input], model.output)
    out = single([x])
    assert isinstance(out, list) and len(out) == 1
    np.testing.assert_allclose(out[0], expected, rtol=1e-5, atol=1e-5)


def test_function_on_placeholders():
    a = K.placeholder(shape=(None, 3))
    b = K.placeholder(ndim=2)
    assert K.int_shape(a) == (None, 3) and K.dtype(a) == "float32"
    f = K.function([a, b], [K.sum(K.square(a), axis=1), a * 2.0])
    x = RNG.normal(size=(5, 3)).astype("float32")
    total, doubled = f([x, np.zeros((5, 2))])
    np.testing.assert_allclose(total, (x.astype("float64") ** 2).sum(1), rtol=1e-5)
    np.testing.assert_allclose(doubled, 2 * x, rtol=1e-6)
    with pytest.raises(NotImplementedError, match="updates"):
        K.function([a], [a], updates=[(a, a)])


def test_gradients_says_what_to_use():
    with pytest.raises(NotImplementedError, match="use "):
        K.gradients(K.constant(1.0), [])


# --- the module's contract -------------------------------------------------------------------


def test_all_lists_exactly_the_documented_functions():
    public = {name for name, obj in vars(K).items()
              if not name.startswith("_") and callable(obj) and getattr(obj, "__module__", None) == K.__name__
              and not inspect.isclass(obj)}
    assert set(K.__all__) == public
    assert len(K.__all__) == len(set(K.__all__))
    for name in K.__all__:
        assert getattr(K, name).__doc__, name
    for required in ("mean", "categorical_crossentropy", "ctc_batch_cost", "ctc_decode", "function",
                     "hard_sigmoid", "batch_dot", "in_train_phase", "set_image_dim_ordering"):
        assert required in K.__all__


# --- in models, as 2017 programs used K ------------------------------------------------------


def test_custom_metric_in_compile_gives_numpy_accuracy():
    def acc(y_true, y_pred):
        return K.mean(K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1)))

    rng = np.random.default_rng(4)
    inputs = keras.Input((3,))
    layer = keras.layers.Dense(4, activation="softmax")
    model = keras.Model(inputs, layer(inputs))
    model.compile(optimizer="sgd", loss=lambda t, p: K.mean(K.categorical_crossentropy(t, p)), metrics=[acc])
    x = rng.normal(size=(32, 3)).astype("float32")
    y = np.eye(4)[rng.integers(0, 4, size=32)]  # float64 labels
    results = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    probs = model.predict(x, verbose=0)
    assert results["acc"] == pytest.approx(np.mean(probs.argmax(-1) == y.argmax(-1)), abs=1e-6)
    expected_loss = -np.log(np.clip(probs / probs.sum(-1, keepdims=True), 1e-7, 1 - 1e-7))[y.astype(bool)].mean()
    assert results["loss"] == pytest.approx(expected_loss, rel=1e-4)


def test_lambda_layers_with_dynamic_batch():
    inputs = keras.Input((3, 4))
    flat = keras.layers.Lambda(lambda t: K.reshape(t, (K.shape(t)[0], -1)))(inputs)
    summed = keras.layers.Lambda(lambda t: K.batch_dot(t, t, axes=(2, 2)))(inputs)
    repeated = keras.layers.Lambda(lambda t: K.repeat(K.mean(t, axis=1), 2))(inputs)
    model = keras.Model(inputs, [flat, summed, repeated])
    x = np.random.default_rng(2).normal(size=(5, 3, 4)).astype("float32")
    out = model.predict(x, verbose=0, batch_size=2)
    np.testing.assert_allclose(out[0], x.reshape(5, 12), rtol=1e-6)
    np.testing.assert_allclose(out[1], np.einsum("bik,bjk->bij", x, x), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[2], np.repeat(x.mean(1, keepdims=True), 2, axis=1), rtol=1e-5, atol=1e-6)
