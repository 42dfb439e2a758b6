"""K's reductions, comparisons, element-wise maths and losses against float64 NumPy statements
of Keras 2.0.8's formulas, with the dtypes Keras 2.0 returned."""

import numpy as np
import pytest

from compat_attention._keras.flavour import KERAS_3, keras, tf
from compat_attention.legacy import backend as K

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3, 5)).astype("float32")
X64 = X.astype("float64")


def value(tensor):
    return K.get_value(tensor)


def assert_close(tensor, expected, dtype="float32", atol=1e-6):
    got = value(tensor)
    assert got.dtype == np.dtype(dtype), got.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=atol)


# --- reductions ------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 2]])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(axis, keepdims):
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    for k_fn, np_fn in [(K.mean, np.mean), (K.sum, np.sum), (K.max, np.max), (K.min, np.min),
                        (K.prod, np.prod), (K.logsumexp, None)]:
        expected = (np_fn(X64, axis=np_axis, keepdims=keepdims) if np_fn is not None
                    else np.log(np.sum(np.exp(X64), axis=np_axis, keepdims=keepdims)))
        assert_close(k_fn(K.constant(X), axis=axis, keepdims=keepdims), expected, atol=1e-5)


@pytest.mark.parametrize("axis", [None, 1, -1])
def test_var_and_std_are_population_statistics(axis):
    centre = X64.mean(axis=axis, keepdims=True)
    expected_var = ((X64 - centre) ** 2).mean(axis=axis)
    assert_close(K.var(K.constant(X), axis=axis), expected_var)
    assert_close(K.std(K.constant(X), axis=axis), np.sqrt(expected_var))
    assert_close(K.var(K.constant(X), axis=axis, keepdims=True), ((X64 - centre) ** 2).mean(axis=axis, keepdims=True))


def test_mean_of_bool_is_floatx_and_of_int_is_truncated_int():
    flags = np.array([True, False, True, True])
    assert_close(K.mean(K.equal(flags, True)), 0.75)
    # TensorFlow's reduce_mean on integers, which Keras 2.0 used: the mean truncated toward zero.
    assert_close(K.mean(K.constant([1, 2, 2], dtype="int32")), 1, dtype="int32")
    assert_close(K.mean(K.constant([-1, -2, -2], dtype="int32")), -1, dtype="int32")
    assert_close(K.mean(K.constant([[1, 4], [2, 5]], dtype="int32"), axis=0), [1, 4], dtype="int32")
    assert_close(K.var(K.constant([True, False, False, False], dtype="bool")), 0.1875)


def test_any_all_return_bool():
    x = np.array([[0.0, 0.0], [0.0, 2.0]], dtype="float32")
    got = value(K.any(x, axis=1))
    assert got.dtype == np.bool_ and got.tolist() == [False, True]
    got = value(K.all(x + 1, axis=0))
    assert got.dtype == np.bool_ and got.tolist() == [True, True]
    assert value(K.all(x)).item() is False or value(K.all(x)).item() == 0


def test_backend_dtype_fixture_against_jax_flag(backend_dtype):
    """The fixture the dtype tests rely on, checked against JAX's own flag: only JAX without
    ``jax_enable_x64`` narrows 64-bit dtypes."""
    narrow = False
    if keras.backend.backend() == "jax":
        import jax

        narrow = not jax.config.jax_enable_x64
    assert backend_dtype("int64") == ("int32" if narrow else "int64")
    assert backend_dtype("float64") == ("float32" if narrow else "float64")
    assert backend_dtype("int32") == "int32" and backend_dtype("float32") == "float32"


def test_argmax_argmin_default_last_axis_int64_first_tie(backend_dtype):
    # int64 as in Keras 2.0, or what the backend has for it (JAX without x64: int32).
    x = np.array([[1.0, 3.0, 3.0], [5.0, 0.0, 5.0]], dtype="float32")
    got = value(K.argmax(x))
    assert got.dtype == np.dtype(backend_dtype("int64")) and got.tolist() == [1, 0]
    got = value(K.argmin(x))
    assert got.dtype == np.dtype(backend_dtype("int64")) and got.tolist() == [0, 1]
    assert value(K.argmax(x, axis=0)).tolist() == [1, 0, 1]


def test_cumsum_cumprod_default_axis_zero():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32")
    assert_close(K.cumsum(x), np.cumsum(x.astype("float64"), axis=0))
    assert_close(K.cumprod(x, axis=1), np.cumprod(x.astype("float64"), axis=1))


# --- comparisons and their dtypes --------------------------------------------------------------


def test_accuracy_metric_with_float64_y_true_gives_the_2017_number():
    classes = RNG.integers(0, 5, size=64)
    y_true = np.eye(5)[classes]  # float64, as Keras 3 hands it to a custom metric
    y_pred = RNG.random((64, 5)).astype("float32")
    y_pred[np.arange(64), classes] += (np.arange(64) % 3 == 0)  # a third sure to be right
    acc = K.mean(K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1)))
    expected = np.mean(classes == y_pred.argmax(-1))
    assert_close(acc, expected)
    # The binary_accuracy spelling: K.equal(y_true, K.round(y_pred)) with float64 vs float32.
    y_true_bin = (RNG.random((10, 1)) > 0.5).astype("float64")
    y_pred_bin = RNG.random((10, 1)).astype("float32")
    acc = K.mean(K.equal(y_true_bin, K.round(y_pred_bin)), axis=-1)
    assert_close(acc, (y_true_bin == np.round(y_pred_bin)).astype("float64").mean(-1))


@pytest.mark.parametrize("name, np_fn", [("equal", np.equal), ("not_equal", np.not_equal),
                                         ("greater", np.greater), ("greater_equal", np.greater_equal),
                                         ("less", np.less), ("less_equal", np.less_equal)])
def test_comparisons_across_dtypes(name, np_fn):
    k_fn = getattr(K, name)
    a64 = np.array([0.0, 1.0, 2.0, 3.0])
    b32 = np.array([0.0, 2.0, 2.0, 1.0], dtype="float32")
    i64 = np.array([0, 2, 2, 1], dtype="int64")
    i32 = np.array([1, 1, 2, 5], dtype="int32")
    for left, right in [(a64, b32), (b32, a64), (i64, i32), (a64, i64), (K.constant(b32), 2.0),
                        (K.constant(i32, dtype="int32"), 2), (K.constant(i32, dtype="int32"), 1.5)]:
        got = value(k_fn(left, right))
        assert got.dtype == np.bool_
        left_values = left if isinstance(left, np.ndarray) else value(left)
        assert got.tolist() == np_fn(left_values.astype("float64"), right).tolist()


def test_maximum_minimum_mixed_dtypes_are_floatx():
    a = np.array([1.0, -2.0, 3.0])
    b = np.array([0.5, 0.5, 4.0], dtype="float32")
    assert_close(K.maximum(a, b), np.maximum(a, b))
    assert_close(K.minimum(a, b), np.minimum(a, b))
    assert_close(K.maximum(K.constant(b), 1.0), np.maximum(b, 1.0))


def test_cast(backend_dtype):
    x = np.array([-1.7, -0.5, 0.5, 1.7], dtype="float32")
    got = value(K.cast(x, "int32"))
    assert got.dtype == np.int32 and got.tolist() == [-1, 0, 0, 1]  # truncation toward zero
    assert value(K.cast(K.greater(x, 0), "float32")).tolist() == [0.0, 0.0, 1.0, 1.0]
    assert K.dtype(K.cast(x, "float64")) == backend_dtype("float64")  # float32 on JAX without x64
    assert K.dtype(K.cast(x, "int64")) == backend_dtype("int64")


# --- element-wise maths -----------------------------------------------------------------------


def test_elementwise_against_numpy():
    x = np.array([-3.0, -1.5, -0.2, 0.0, 0.3, 1.0, 2.5], dtype="float32")
    x64 = x.astype("float64")
    cases = [
        (K.abs(x), np.abs(x64)), (K.square(x), x64 ** 2), (K.exp(x), np.exp(x64)),
        (K.sign(x), np.sign(x64)), (K.tanh(x), np.tanh(x64)),
        (K.sigmoid(x), 1 / (1 + np.exp(-x64))),
        (K.softplus(x), np.log1p(np.exp(x64))), (K.softsign(x), x64 / (1 + np.abs(x64))),
        (K.pow(K.abs(x), 1.5), np.abs(x64) ** 1.5), (K.pow(x, 2), x64 ** 2),
        (K.log(K.abs(x) + 1), np.log(np.abs(x64) + 1)),
        (K.elu(x), np.where(x64 > 0, x64, np.expm1(x64))),
        (K.elu(x, alpha=0.5), np.where(x64 > 0, x64, 0.5 * np.expm1(x64))),
    ]
    for got, expected in cases:
        assert_close(got, expected)


def test_sqrt_clips_negatives_to_zero():
    assert_close(K.sqrt(np.array([-4.0, 0.0, 4.0, 2.0], dtype="float32")), [0.0, 0.0, 2.0, np.sqrt(2.0)])


def test_round_half_to_even():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, 0.51], dtype="float32")
    assert_close(K.round(x), [-2.0, -2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 1.0])


def test_clip_keras_208_rules():
    x = np.array([-2.0, 0.0, 0.5, 3.0], dtype="float32")
    assert_close(K.clip(x, 0.0, 1.0), [0.0, 0.0, 0.5, 1.0])
    assert_close(K.clip(x, 0.2, 0.1), [0.2, 0.2, 0.2, 0.2])  # max below min becomes min
    assert_close(K.clip(x, 0.0, None), [0.0, 0.0, 0.5, 3.0])


def test_hard_sigmoid_has_slope_0_2():
    x = np.array([-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0], dtype="float32")
    assert_close(K.hard_sigmoid(x), np.clip(0.2 * x.astype("float64") + 0.5, 0, 1))
    assert_close(K.hard_sigmoid(np.array([1.0], dtype="float32")), [0.7])  # slope 1/6 would give 0.6667


def test_relu_variants():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0, 7.0], dtype="float32")
    x64 = x.astype("float64")
    assert_close(K.relu(x), np.maximum(x64, 0))
    assert_close(K.relu(x, max_value=4.0), np.minimum(np.maximum(x64, 0), 4))
    assert_close(K.relu(x, alpha=0.1), np.maximum(x64, 0) - 0.1 * np.maximum(-x64, 0))
    assert_close(K.relu(x, alpha=0.1, max_value=1.0), np.minimum(np.maximum(x64, 0), 1) - 0.1 * np.maximum(-x64, 0))


def test_softmax_last_axis():
    e = np.exp(X64 - X64.max(-1, keepdims=True))
    assert_close(K.softmax(K.constant(X)), e / e.sum(-1, keepdims=True))
    e = np.exp(X64 - X64.max(1, keepdims=True))
    assert_close(K.softmax(K.constant(X), axis=1), e / e.sum(1, keepdims=True))


def test_l2_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], dtype="float32")
    assert_close(K.l2_normalize(x, axis=-1), [[0.6, 0.8], [0.0, 0.0]])
    assert_close(K.l2_normalize(x, axis=0), [[1.0, 1.0], [0.0, 0.0]])
    assert_close(K.l2_normalize(x), x / 5.0)


# --- losses: Keras 2.0.8's formulas ----------------------------------------------------------


def reference_categorical(target, output, eps=1e-7):
    output = output / output.sum(-1, keepdims=True)
    output = np.clip(output, eps, 1 - eps)
    return -(target * np.log(output)).sum(-1)


def test_categorical_crossentropy_rescales_and_clips():
    target = np.eye(4)[[0, 1, 3, 2, 0]]  # float64 y_true
    output = RNG.random((5, 4)).astype("float32") * 3  # rows not summing to 1
    output[0, 0] = 0.0  # clipped to epsilon: a finite loss
    got = K.categorical_crossentropy(target, output)
    assert_close(got, reference_categorical(target, output.astype("float64")), atol=1e-4)
    assert np.isfinite(value(got)).all() and value(got)[0] > 15.0
    # Argument order: (target, output). Swapping gives another number.
    swapped = value(K.categorical_crossentropy(output / output.sum(-1, keepdims=True), target.astype("float32")))
    assert not np.allclose(swapped, value(got))


def test_categorical_crossentropy_from_logits_and_3d():
    logits = RNG.normal(size=(2, 3, 4)).astype("float32")
    target = np.eye(4)[RNG.integers(0, 4, size=(2, 3))].astype("float32")
    l64 = logits.astype("float64")
    log_sm = l64 - np.log(np.exp(l64).sum(-1, keepdims=True))
    assert_close(K.categorical_crossentropy(target, logits, from_logits=True), -(target * log_sm).sum(-1))


def test_sparse_categorical_crossentropy():
    output = RNG.random((2, 3, 4)).astype("float32")
    output[0, 0, 1] = 0.0
    labels = RNG.integers(0, 4, size=(2, 3))
    labels[0, 0] = 1
    clipped = np.clip(output.astype("float64"), 1e-7, 1 - 1e-7)
    expected = -np.log(np.take_along_axis(clipped, labels[..., None], -1)[..., 0] / clipped.sum(-1))
    got = K.sparse_categorical_crossentropy(labels.astype("float64"), output)
    assert_close(got, expected, atol=1e-4)
    got2 = K.sparse_categorical_crossentropy(labels[0][:, None], output[0])  # (B, 1) targets, (B, C) output
    assert_close(got2, expected[0], atol=1e-4)
    logits = RNG.normal(size=(5, 3)).astype("float32")
    ids = np.array([0, 2, 1, 1, 0])
    l64 = logits.astype("float64")
    log_sm = l64 - np.log(np.exp(l64).sum(-1, keepdims=True))
    assert_close(K.sparse_categorical_crossentropy(ids, logits, from_logits=True), -log_sm[np.arange(5), ids])


def test_binary_crossentropy():
    target = np.array([[0.0, 1.0, 1.0, 0.0, 0.3]])
    output = np.array([[0.2, 0.9, 0.0, 1.0, 0.5]], dtype="float32")
    # Keras 2.0.8 clipped in float32, where 1 - 1e-7 is 1 - 2**-23: clip bounds as float32 values.
    lo, hi = np.float64(np.float32(1e-7)), np.float64(np.float32(1 - 1e-7))
    p = np.clip(output.astype("float64"), lo, hi)
    z = np.log(p / (1 - p))
    expected = np.maximum(z, 0) - z * target + np.log1p(np.exp(-np.abs(z)))
    got = K.binary_crossentropy(target, output)
    assert_close(got, expected, atol=1e-5)
    assert value(got)[0, 3] == pytest.approx(np.log(2 ** 23 - 1), rel=1e-6)  # 15.94, not -log(1e-7) = 16.12
    z = np.array([-3.0, 0.0, 2.0], dtype="float32")
    t = np.array([1.0, 0.0, 1.0])
    sig = 1 / (1 + np.exp(-z.astype("float64")))
    assert_close(K.binary_crossentropy(t, z, from_logits=True), -(t * np.log(sig) + (1 - t) * np.log(1 - sig)))


# --- against tf.keras' own backend, where it still exists --------------------------------------


@pytest.mark.skipif(KERAS_3, reason="Keras 3 has no keras.backend tensor functions to compare with")
def test_same_as_tf_keras_backend():
    tk = keras.backend
    x = np.array([[-2.5, -0.5, 0.5, 1.5], [0.2, 3.0, -1.0, 2.5]], dtype="float32")
    p = np.abs(x) + 0.1
    q = p / p.sum(-1, keepdims=True)
    t = np.eye(4, dtype="float32")[[1, 3]]
    ids = np.array([1, 3])
    X, P, Q, T = (tk.constant(a) for a in (x, p, q, t))
    pairs = [
        (K.hard_sigmoid(x), tk.hard_sigmoid(X)), (K.round(x), tk.round(X)), (K.sqrt(x), tk.sqrt(X)),
        (K.relu(x, alpha=0.1, max_value=1.0), tk.relu(X, alpha=0.1, max_value=1.0)),
        (K.elu(x, 0.5), tk.elu(X, 0.5)), (K.softsign(x), tk.softsign(X)),
        (K.categorical_crossentropy(t, p), tk.categorical_crossentropy(T, P)),
        (K.sparse_categorical_crossentropy(ids, q), tk.sparse_categorical_crossentropy(tf.constant(ids), Q)),
        (K.var(x, axis=1), tk.var(X, axis=1)), (K.std(x), tk.std(X)), (K.l2_normalize(x, 1), tk.l2_normalize(X, 1)),
        (K.argmax(x), tk.argmax(X)), (K.mean(K.equal(x, 0.5)), tk.mean(tk.equal(X, 0.5))),
        (K.repeat_elements(x, 2, 1), tk.repeat_elements(X, 2, 1)), (K.batch_flatten(x), tk.batch_flatten(X)),
        (K.dot(x, x.T), tk.dot(X, tk.transpose(X))), (K.batch_dot(x, x, axes=1), tk.batch_dot(X, X, axes=1)),
        (K.repeat(x, 3), tk.repeat(X, 3)), (K.one_hot(ids, 5), tk.one_hot(tf.constant(ids), 5)),
    ]
    for ours, theirs in pairs:
        theirs = tk.get_value(theirs)
        assert value(ours).dtype == theirs.dtype
        np.testing.assert_allclose(value(ours), theirs, rtol=1e-5, atol=1e-6)
