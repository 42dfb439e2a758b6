"""AttentionDecoder as a Keras layer: signature, weights, config, saving, training."""

import inspect
import json

import numpy as np
import pytest

from compat_attention import WEIGHT_NAMES, AttentionDecoder, AttentionDecoderCell, custom_objects
from compat_attention._keras.flavour import describe, keras
from compat_attention._keras.ops import ops
from compat_attention._keras.saving import RELOADS_BIDIRECTIONAL_ARCHIVES, SAVE_SUFFIXES
from legacy_reference import oracle
from support import legacy_cases
from support.harness import round_trip

LEGACY_SIGNATURE = [
    ("units", inspect.Parameter.empty), ("output_dim", inspect.Parameter.empty),
    ("activation", "tanh"), ("return_probabilities", False), ("name", "AttentionDecoder"),
    ("kernel_initializer", "glorot_uniform"), ("recurrent_initializer", "orthogonal"),
    ("bias_initializer", "zeros"), ("kernel_regularizer", None), ("bias_regularizer", None),
    ("activity_regularizer", None), ("kernel_constraint", None), ("bias_constraint", None),
]


def test_constructor_has_the_legacy_signature_and_defaults():
    params = list(inspect.signature(AttentionDecoder.__init__).parameters.values())[1:]
    positional = [p for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert [(p.name, p.default) for p in positional] == LEGACY_SIGNATURE
    # The options beyond the legacy layer are keyword-only, so no legacy positional call changes.
    keyword_only = [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert keyword_only == ["output_length", "return_attention", "mask_attention", "teacher_forcing",
                            "output_activation", "decode_chains"]
    assert params[-1].kind is inspect.Parameter.VAR_KEYWORD


def test_weights_have_legacy_names_shapes_and_order():
    manifest = oracle.manifest()["cases"]["echo_seq"]["h5_echo_seq"]
    legacy_names = manifest["weight_names_in_h5"]["AttentionDecoder"]
    legacy_shapes = manifest["weight_shapes_in_h5"]["AttentionDecoder"]
    layer = AttentionDecoder(150, 50)
    layer.build((None, 5, 150))
    assert layer.name == "AttentionDecoder"
    assert len(layer.weights) == 21
    for weight, legacy in zip(layer.weights, legacy_names):
        short = legacy.split("/")[-1].split(":")[0]
        assert weight.name.split("/")[-1].split(":")[0] == short
        assert list(weight.shape) == legacy_shapes[legacy]
    assert [w.name.split("/")[-1].split(":")[0] for w in layer.weights] == list(WEIGHT_NAMES)


def test_initialisers_follow_the_legacy_rules():
    layer = AttentionDecoder(6, 4)
    layer.build((None, 3, 6))
    w = {n.split("/")[-1].split(":")[0]: np.asarray(v) for n, v in zip([x.name for x in layer.weights], layer.weights)}
    for bias in ("b_a", "b_r", "b_z", "b_p", "b_o"):
        assert not w[bias].any()
    # Orthogonal recurrent matrices: square ones have orthonormal columns.
    np.testing.assert_allclose(w["U_r"].T @ w["U_r"], np.eye(6), atol=1e-5)
    # Each matrix draws its own values (an unseeded tf.keras initializer instance would repeat them).
    assert not np.allclose(w["U_r"], w["U_z"])
    assert not np.allclose(w["C_r"], w["C_z"])


def _random_layer_and_input(seed=0, **kwargs):
    rng = np.random.RandomState(seed)
    layer = AttentionDecoder(5, 3, **kwargs)
    layer.build((None, 4, 6))
    layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
    return layer, rng.normal(size=(2, 4, 6)).astype("float32")


def test_activation_is_stored_but_unused_like_the_legacy_layer():
    tanh_layer, x = _random_layer_and_input()
    relu_layer = AttentionDecoder(5, 3, activation="relu")
    relu_layer.build((None, 4, 6))
    relu_layer.set_weights(tanh_layer.get_weights())
    assert relu_layer.get_config()["activation"] == "relu"
    np.testing.assert_array_equal(ops.convert_to_numpy(tanh_layer(x)), ops.convert_to_numpy(relu_layer(x)))


def test_kernel_regularizer_covers_the_recurrent_matrices_too():
    # The 15 matrices and V_a take the kernel regularizer, the 5 biases the bias one.
    kernel_only = AttentionDecoder(5, 3, kernel_regularizer="l2")
    kernel_only.build((None, 4, 6))
    assert len(kernel_only.losses) == 16
    # Biases start at zero, so the l2 penalty (factor 0.01) of every weight is the kernels' one.
    expected = 0.01 * sum(float(np.sum(np.square(w))) for w in kernel_only.get_weights())
    assert float(sum(ops.convert_to_numpy(v) for v in kernel_only.losses)) == pytest.approx(expected, rel=1e-4)
    bias_only = AttentionDecoder(5, 3, bias_regularizer="l1")
    bias_only.build((None, 4, 6))
    assert len(bias_only.losses) == 5


def test_config_round_trip_gives_the_same_layer():
    layer, x = _random_layer_and_input(return_probabilities=True, kernel_initializer="he_normal")
    config = layer.get_config()
    json.dumps(config)  # must be JSON-serializable
    clone = AttentionDecoder.from_config(config)
    clone.build((None, 4, 6))
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == config
    np.testing.assert_allclose(ops.convert_to_numpy(clone(x)), ops.convert_to_numpy(layer(x)), atol=1e-6)


def test_from_config_accepts_a_keras_2_0_8_config():
    model_config = json.loads(oracle.manifest()["cases"]["echo_seq"]["h5_echo_seq"]["model_config"])
    legacy = model_config["config"][1]["config"]
    assert "implementation" in legacy and "kernel_initializer" not in legacy
    layer = AttentionDecoder.from_config(legacy)
    assert (layer.name, layer.units, layer.output_dim, layer.return_probabilities) == ("AttentionDecoder", 150, 50, False)
    assert layer.get_config()["recurrent_initializer"] is not None


def test_rejects_input_that_is_not_a_sequence():
    with pytest.raises(ValueError, match="expects a 3D input"):
        AttentionDecoder(4, 3)(np.zeros((2, 5), "float32"))


def test_cell_alone_in_a_plain_rnn_explains_what_to_use():
    with pytest.raises(Exception, match="use AttentionDecoder"):
        keras.layers.RNN(AttentionDecoderCell(4, 3), return_sequences=True)(np.zeros((2, 3, 5), "float32"))


def test_probabilities_are_distributions_over_encoder_steps():
    layer, x = _random_layer_and_input(return_probabilities=True)
    probs = ops.convert_to_numpy(layer(x))
    assert probs.shape == (2, 4, 4)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-6)
    assert (probs >= 0).all()


def test_mask_is_ignored_by_the_decoder_and_passed_to_the_output():
    layer, x = _random_layer_and_input()
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    with_mask = ops.convert_to_numpy(layer(x, mask=mask))
    np.testing.assert_array_equal(with_mask, ops.convert_to_numpy(layer(x)))
    np.testing.assert_array_equal(np.asarray(layer.compute_mask(x, mask)), mask)


def test_summary_names_the_layer_and_its_legacy_parameter_count():
    model = legacy_cases.build("echo_seq")[0]
    lines = []
    model.summary(print_fn=lambda line, *a, **k: lines.append(line))
    text = "\n".join(lines)
    assert "AttentionDecoder" in text
    assert "243,300" in text or "243300" in text
    assert model.output_shape == (None, 5, 50)


@pytest.mark.parametrize("suffix", SAVE_SUFFIXES)
@pytest.mark.parametrize("case", ["echo_seq", "nmt_bilstm"])
def test_new_model_saves_and_reloads_with_registered_classes(tmp_path, suffix, case):
    if case == "nmt_bilstm" and suffix == ".keras" and not RELOADS_BIDIRECTIONAL_ARCHIVES:
        pytest.skip("%s cannot reload any .keras file with a Bidirectional layer, plain Keras too "
                    "(tests/io/test_operations.py shows it)" % describe())
    model = legacy_cases.build_with_legacy_weights(case)
    x = oracle.load_io(case)["x"][:8]
    _, reloaded = round_trip(model, x, tmp_path, suffixes=[suffix], atol=1e-6)  # predictions compared there
    assert [type(layer) for layer in reloaded[suffix].layers].count(AttentionDecoder) == 1


def test_custom_objects_name_the_legacy_class():
    assert custom_objects()["AttentionDecoder"] is AttentionDecoder


def _one_hot_pairs(n, rng, steps=5, symbols=50):
    ints = rng.randint(0, symbols, size=(n, steps))
    target = ints.copy()
    target[:, 2:] = 0
    eye = np.eye(symbols, dtype="float32")
    return eye[ints], eye[target]


def test_seed_tutorial_model_unchanged_compiles_trains_and_predicts():
    # The tutorial's own lines, with only the import replaced.
    from compat_attention._keras.flavour import keras as k

    Sequential, LSTM = k.models.Sequential, k.layers.LSTM
    model = Sequential()
    model.add(LSTM(150, input_shape=(5, 50), return_sequences=True))
    model.add(AttentionDecoder(150, 50))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["acc"])

    rng = np.random.RandomState(1)
    x, y = _one_hot_pairs(512, rng)
    before = model.evaluate(x, y, verbose=0)[0]
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    after = model.evaluate(x, y, verbose=0)[0]
    prediction = model.predict(x[:3], verbose=0)
    assert prediction.shape == (3, 5, 50)
    np.testing.assert_allclose(prediction.sum(-1), 1.0, atol=1e-5)
    assert np.isfinite(history.history["loss"]).all()
    # Uniform guessing over 50 symbols costs ln(50) = 3.91; training must beat its start.
    assert after < before - 0.5


@pytest.mark.parametrize("activation", ["function", "running keras"])
def test_legacy_hard_sigmoid_has_the_keras_2_0_8_slope(activation):
    from compat_attention import LEGACY_HARD_SIGMOID, legacy_hard_sigmoid

    fn = legacy_hard_sigmoid if activation == "function" else keras.activations.get(LEGACY_HARD_SIGMOID)
    x = np.array([-3.0, -2.5, -1.0, 0.0, 1.0, 2.0, 2.5, 4.0], dtype="float32")
    np.testing.assert_allclose(np.asarray(fn(ops.convert_to_tensor(x))), np.clip(0.2 * x + 0.5, 0.0, 1.0), atol=1e-7)
