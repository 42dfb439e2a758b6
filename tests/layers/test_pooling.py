"""compat_attention.layers.pooling (formerly blocks): the attention_3d_block and pooling patterns, Keras 3-safe.

Every number is checked against a NumPy re-statement of the pattern on weights the test
sets; models holding the blocks are saved and reloaded in every single-file format the
running Keras writes (``SAVE_SUFFIXES``).
"""

import numpy as np
import pytest

from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
from compat_attention._keras.saving import SAVE_SUFFIXES
from compat_attention.layers.pooling import AttentionPooling, AxisMean, AxisSum, attention_3d_block
from support.harness import round_trip

layers = keras.layers
STEPS, FEATURES = 6, 4


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _softmax(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _inputs(seed, batch=3, steps=STEPS, features=FEATURES):
    return np.random.RandomState(seed).normal(size=(batch, steps, features)).astype("float32")


def _reference_3d_block(x, kernel, bias, shared):
    """The pattern in float64 NumPy: (attended, attention), both (batch, steps, features)."""
    x = x.astype("float64")
    by_feature = x.transpose(0, 2, 1)  # (batch, features, steps)
    attention = _softmax(by_feature @ kernel + bias, axis=-1)  # a distribution over steps per feature
    if shared:
        attention = np.repeat(attention.mean(axis=1, keepdims=True), x.shape[2], axis=1)
    attention = attention.transpose(0, 2, 1)
    return x * attention, attention


def _reference_pooling(x, kernel, bias, mask=None):
    """AttentionPooling in float64 NumPy: (pooled (batch, features), weights (batch, steps))."""
    x = x.astype("float64")
    scores = np.tanh(x @ kernel[:, 0] + bias[0])  # (batch, steps)
    keep = np.ones(scores.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    weights = np.zeros_like(scores)
    for row in range(x.shape[0]):
        if keep[row].any():
            weights[row, keep[row]] = _softmax(scores[row, keep[row]], axis=0)
    return np.einsum("bt,btf->bf", weights, x), weights


# --- AxisMean / AxisSum --------------------------------------------------------------------


@pytest.mark.parametrize("layer_class, reference", [(AxisMean, np.mean), (AxisSum, np.sum)])
@pytest.mark.parametrize("axis, keepdims", [(1, False), (2, False), (-1, True), (-2, True)])
def test_axis_reductions_match_numpy_and_declare_their_shape(layer_class, reference, axis, keepdims):
    x = _inputs(0)
    layer = layer_class(axis=axis, keepdims=keepdims)
    out = _np(layer(ops.convert_to_tensor(x)))
    expected = reference(x.astype("float64"), axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out, expected, atol=1e-6)
    declared = layer.compute_output_shape((None,) + x.shape[1:])
    assert tuple(declared) == (None,) + expected.shape[1:]
    assert layer_class.from_config(layer.get_config()).get_config() == layer.get_config()


def test_axis_mean_handles_an_unknown_length_axis():
    # Input((None, 4)): the mean must divide by the length seen at run time.
    inputs = layers.Input((None, FEATURES))
    model = keras.models.Model(inputs, AxisMean(axis=1)(inputs))
    for steps in (2, 7):
        x = _inputs(1, steps=steps)
        np.testing.assert_allclose(model.predict(x, verbose=0), x.mean(axis=1), atol=1e-6)


@pytest.mark.parametrize("axis", [0, (1, 2)])
def test_axis_reductions_refuse_the_batch_axis_and_several_axes(axis):
    with pytest.raises(ValueError, match="AxisMean"):
        AxisMean(axis=axis)


# --- attention_3d_block ----------------------------------------------------------------------


def _block_model(shared, name=None):
    inputs = layers.Input((STEPS, FEATURES))
    attended, attention = attention_3d_block(inputs, single_attention_vector=shared, name=name,
                                             return_attention=True)
    return keras.models.Model(inputs, [attended, attention])


def _set_dense(model, seed):
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)][0]
    rng = np.random.RandomState(seed)
    kernel = rng.normal(scale=0.8, size=(STEPS, STEPS)).astype("float32")
    bias = rng.normal(scale=0.3, size=(STEPS,)).astype("float32")
    dense.set_weights([kernel, bias])
    return kernel.astype("float64"), bias.astype("float64")


@pytest.mark.parametrize("shared", [False, True], ids=["per-feature", "shared"])
def test_attention_3d_block_matches_numpy(shared):
    model = _block_model(shared)
    kernel, bias = _set_dense(model, seed=2)
    x = _inputs(3)
    attended, attention = model.predict(x, verbose=0)
    want_attended, want_attention = _reference_3d_block(x, kernel, bias, shared)
    assert attended.shape == attention.shape == x.shape
    np.testing.assert_allclose(attention, want_attention, atol=1e-6)
    np.testing.assert_allclose(attended, want_attended, atol=1e-6)
    # Each feature's attention is a distribution over time.
    np.testing.assert_allclose(attention.sum(axis=1), 1.0, atol=1e-6)
    assert (attention > 0).all()
    per_feature_gap = np.abs(attention - attention[:, :, :1]).max()
    if shared:
        assert per_feature_gap == 0.0  # one vector, repeated: identical for every feature
    else:
        assert per_feature_gap > 0.05  # a distribution of its own per feature


def test_attention_3d_block_names_its_layers_like_the_copied_code():
    model = _block_model(shared=True, name="attention")
    names = [layer.name for layer in model.layers]
    assert names[-5:] == ["attention_scores", "attention_mean", "attention_repeat", "attention_vec",
                          "attention_mul"]
    assert tuple(model.get_layer("attention_vec").output.shape) == (None, STEPS, FEATURES)
    assert not any(type(layer).__name__ == "Lambda" for layer in model.layers)


def test_attention_3d_block_refuses_an_unknown_number_of_steps():
    with pytest.raises(ValueError, match="known steps"):
        attention_3d_block(layers.Input((None, FEATURES)))


def _blocks_around_lstms():
    """attention_3d_block before one LSTM and after another, then AttentionPooling."""
    inputs = layers.Input((STEPS, FEATURES))
    x = attention_3d_block(inputs, single_attention_vector=True)  # on the raw inputs
    x = layers.LSTM(5, return_sequences=True)(x)
    x = attention_3d_block(x)  # on the LSTM's sequence
    x = AttentionPooling()(x)
    return keras.models.Model(inputs, layers.Dense(3, activation="softmax")(x))


def test_blocks_around_lstms_train_every_block_weight():
    keras.utils.set_random_seed(4)
    model = _blocks_around_lstms()
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    blocks = [layer for layer in model.layers if isinstance(layer, (layers.Dense, AttentionPooling))][:-1]
    assert [type(layer).__name__ for layer in blocks] == ["Dense", "Dense", "AttentionPooling"]
    before = [_np(w).copy() for layer in blocks for w in layer.trainable_weights]
    x = _inputs(5, batch=32)
    y = np.eye(3, dtype="float32")[np.random.RandomState(6).randint(0, 3, size=32)]
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    after = [_np(w) for layer in blocks for w in layer.trainable_weights]
    # Every block weight gets a gradient and moves (Adam: up to ~1e-3 a step, 4 steps; seen
    # 1.3e-3 to 3.7e-3). The pooling bias moves least (seen 3e-6 to 2e-4): a shift of every
    # score, which the softmax ignores, it acts only through tanh's curvature.
    moved = [float(np.abs(a - b).max()) for a, b in zip(after, before)]
    assert len(moved) == 6 and min(moved[:5]) > 5e-4 and moved[5] > 0.0, moved


# --- AttentionPooling ------------------------------------------------------------------------


def _set_pooling(layer, seed):
    rng = np.random.RandomState(seed)
    kernel = rng.normal(size=(FEATURES, 1)).astype("float32")
    bias = rng.normal(size=(1,)).astype("float32")
    layer.set_weights([kernel, bias])
    return kernel.astype("float64"), bias.astype("float64")


def test_attention_pooling_matches_numpy():
    pooling = AttentionPooling(return_attention=True)
    inputs = layers.Input((STEPS, FEATURES))
    model = keras.models.Model(inputs, pooling(inputs))
    kernel, bias = _set_pooling(pooling, seed=7)
    x = _inputs(8, batch=5)
    pooled, weights = model.predict(x, verbose=0)
    want_pooled, want_weights = _reference_pooling(x, kernel, bias)
    assert pooled.shape == (5, FEATURES) and weights.shape == (5, STEPS)
    np.testing.assert_allclose(weights, want_weights, atol=1e-6)
    np.testing.assert_allclose(pooled, want_pooled, atol=1e-6)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-6)
    assert [tuple(w.shape) for w in pooling.weights] == [(FEATURES, 1), (1,)]


def test_attention_pooling_gives_masked_steps_zero_weight():
    # Post-padded sequences of lengths 6, 3 and 1, and one with every step masked.
    lengths = [STEPS, 3, 1, 0]
    x = _inputs(9, batch=len(lengths))
    mask = np.arange(STEPS)[None, :] < np.array(lengths)[:, None]
    x[~mask] = 0.0
    pooling = AttentionPooling(return_attention=True)
    inputs = layers.Input((STEPS, FEATURES))
    model = keras.models.Model(inputs, pooling(layers.Masking(0.0)(inputs)))
    kernel, bias = _set_pooling(pooling, seed=10)
    pooled, weights = model.predict(x, verbose=0)
    want_pooled, want_weights = _reference_pooling(x, kernel, bias, mask)
    np.testing.assert_allclose(weights, want_weights, atol=1e-6)
    np.testing.assert_allclose(pooled, want_pooled, atol=1e-6)
    assert (weights[~mask] == 0.0).all()  # exactly zero, not merely small
    np.testing.assert_allclose(weights[:3].sum(axis=1), 1.0, atol=1e-6)
    assert (pooled[3] == 0.0).all() and (weights[3] == 0.0).all()
    assert weights[2, 0] == pytest.approx(1.0, abs=1e-6)  # a single real step takes all the weight
    # Without the mask the padded steps would take weight (the unmasked reference differs).
    assert np.abs(_reference_pooling(x, kernel, bias)[0][1] - pooled[1]).max() > 1e-3


def test_attention_pooling_takes_an_explicit_mask_in_a_direct_call():
    pooling = AttentionPooling()
    x = _inputs(11, batch=2)
    pooling.build(x.shape)
    kernel, bias = _set_pooling(pooling, seed=12)
    mask = np.array([[True] * STEPS, [True, True, False, False, True, False]])
    out = _np(pooling(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(mask)))
    np.testing.assert_allclose(out, _reference_pooling(x, kernel, bias, mask)[0], atol=1e-6)


def test_attention_pooling_is_the_dense_tanh_softmax_weighted_sum_pattern():
    # The copied pattern, with stock layers and AxisSum in place of its Lambda(K.sum):
    # Dense(1, tanh) -> Flatten -> softmax -> RepeatVector -> Permute -> multiply -> sum over time.
    inputs = layers.Input((STEPS, FEATURES))
    dense = layers.Dense(1, activation="tanh")
    scores = layers.Flatten()(dense(inputs))
    weights = layers.Activation("softmax")(scores)
    weights = layers.Permute((2, 1))(layers.RepeatVector(FEATURES)(weights))
    pattern = keras.models.Model(inputs, AxisSum(axis=-2)(layers.Multiply()([inputs, weights])))
    pooling = AttentionPooling()
    pooled = keras.models.Model(inputs, pooling(inputs))
    kernel, bias = _set_pooling(pooling, seed=13)
    dense.set_weights([kernel.astype("float32"), bias.astype("float32")])
    x = _inputs(14, batch=8)
    np.testing.assert_allclose(pooled.predict(x, verbose=0), pattern.predict(x, verbose=0), atol=1e-6)


def test_attention_pooling_config_round_trip():
    pooling = AttentionPooling(return_attention=True, use_bias=False, kernel_initializer="ones",
                               kernel_regularizer=keras.regularizers.L2(0.01), name="pool")
    config = pooling.get_config()
    again = AttentionPooling.from_config(config)
    assert again.get_config() == config
    assert again.return_attention and not again.use_bias
    assert again.compute_output_shape((None, STEPS, FEATURES)) == [(None, FEATURES), (None, STEPS)]
    again.build((None, STEPS, FEATURES))
    assert len(again.weights) == 1
    np.testing.assert_array_equal(_np(again.weights[0]), np.ones((FEATURES, 1)))
    with pytest.raises(ValueError, match="batch, steps, features"):
        AttentionPooling().build((None, FEATURES))


@pytest.mark.parametrize("suffix", SAVE_SUFFIXES)
def test_models_with_the_blocks_save_and_reload(tmp_path, suffix):
    # One model per format (saving is slow on tf.keras): the blocks around LSTMs on one
    # input, masked LSTM states pooled on the other.
    keras.utils.set_random_seed(15)
    blocks = _blocks_around_lstms()
    padded = layers.Input((STEPS, FEATURES))
    states = layers.LSTM(5, return_sequences=True)(layers.Masking(0.0)(padded))
    pooled, weights = AttentionPooling(return_attention=True, name="pool")(states)
    model = keras.models.Model([blocks.input, padded], [blocks.output, layers.Dense(2)(pooled), weights])
    x = _inputs(16, batch=4)
    x_padded = _inputs(17, batch=4)
    x_padded[1, 4:] = 0.0  # two padded steps
    _, reloaded = round_trip(model, [x, x_padded], tmp_path, suffixes=[suffix], atol=1e-6)  # same predictions
    reloaded = reloaded[suffix]
    kinds = [type(layer).__name__ for layer in reloaded.layers]
    assert kinds.count("AxisMean") == 1 and kinds.count("AttentionPooling") == 2 and "Lambda" not in kinds
    after = reloaded.predict([x, x_padded], verbose=0)
    assert (after[2][1, 4:] == 0.0).all() and (after[2][0] > 0).all()  # the mask reaches the reloaded layer
