"""The options beyond the legacy layer: numbers against a float64 reference, shapes, masks.

``extended_reference.decoder`` generalises the frozen legacy oracle; the first test
pins it to the oracle, so every comparison below is anchored to the legacy math.
"""

import numpy as np
import pytest

from compat_attention import AttentionDecoder
from compat_attention._keras.flavour import BIDIRECTIONAL_RETURNS_STATES, keras
from compat_attention._keras.ops import ops
from compat_attention._keras.saving import RELOADS_BIDIRECTIONAL_ARCHIVES
from legacy_reference import oracle
from support import extended_reference
from support.harness import flat, numbers, round_trip

B, T, D, U, O = 2, 4, 6, 5, 3


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), np.float64)


def _weights(seed=0, units=U, input_dim=D, output_dim=O):
    rng = np.random.RandomState(seed)
    shapes = oracle.weight_shapes(input_dim, units, output_dim)
    return [rng.normal(0, 0.5, shapes[name]).astype("float32") for name in oracle.WEIGHT_NAMES]


def _layer(weights, steps=T, input_dim=D, units=U, output_dim=O, **kwargs):
    layer = AttentionDecoder(units, output_dim, **kwargs)
    layer.build((None, steps, input_dim))
    layer.set_weights(weights)
    return layer


def _x(seed=1, batch=B, steps=T, input_dim=D):
    return np.random.RandomState(seed).normal(size=(batch, steps, input_dim)).astype("float32")


def test_extended_reference_is_the_legacy_oracle_at_its_defaults():
    w, x = _weights(), _x()
    outputs, attention = extended_reference.decoder(x, w)
    np.testing.assert_array_equal(outputs, oracle.attention_decoder(x, w))
    np.testing.assert_array_equal(attention, oracle.attention_decoder(x, w, return_probabilities=True))


@pytest.mark.parametrize("n", [1, 2, 7])
def test_output_length_decodes_n_steps_over_all_encoder_steps(n):
    w, x = _weights(), _x()
    outputs, attention = _layer(w, output_length=n, return_attention=True)(x)
    want_y, want_a = extended_reference.decoder(x, w, output_length=n)
    assert tuple(outputs.shape) == (B, n, O) and tuple(attention.shape) == (B, n, T)
    np.testing.assert_allclose(_np(outputs), want_y, atol=1e-5)
    np.testing.assert_allclose(_np(attention), want_a, atol=1e-5)
    np.testing.assert_allclose(_np(attention).sum(-1), 1.0, atol=1e-6)


def test_output_length_equal_to_the_input_length_gives_the_legacy_numbers():
    w, x = _weights(), _x()
    legacy = _np(_layer(w)(x))
    np.testing.assert_allclose(_np(_layer(w, output_length=T)(x)), legacy, atol=1e-6)
    np.testing.assert_allclose(legacy, oracle.attention_decoder(x, w), atol=1e-5)


def test_return_attention_gives_the_legacy_outputs_and_probabilities_together():
    w, x = _weights(), _x()
    outputs, attention = _layer(w, return_attention=True)(x)
    np.testing.assert_allclose(_np(outputs), _np(_layer(w)(x)), atol=1e-6)
    np.testing.assert_allclose(_np(attention), _np(_layer(w, return_probabilities=True)(x)), atol=1e-6)
    np.testing.assert_allclose(_np(attention), oracle.attention_decoder(x, w, return_probabilities=True), atol=1e-5)


def test_return_attention_and_return_probabilities_are_exclusive():
    with pytest.raises(ValueError, match="Pass only one"):
        AttentionDecoder(4, 3, return_probabilities=True, return_attention=True)


def test_masked_encoder_steps_get_exactly_zero_attention():
    w, x = _weights(), _x()
    lengths = np.array([T, 2])
    mask = np.arange(T)[None, :] < lengths[:, None]
    x[~mask] = 0.0  # padding
    outputs, attention = _layer(w, mask_attention=True, return_attention=True, output_length=5)(x, mask=mask)
    attention = _np(attention)
    assert (attention[1, :, 2:] == 0.0).all()
    assert (attention[0] > 0).all()
    np.testing.assert_allclose(attention.sum(-1), 1.0, atol=1e-6)
    want_y, want_a = extended_reference.decoder(x, w, output_length=5, mask=mask)
    np.testing.assert_allclose(_np(outputs), want_y, atol=1e-5)
    np.testing.assert_allclose(attention, want_a, atol=1e-5)
    # The padded example decodes exactly as its unpadded prefix alone.
    alone = _layer(w, steps=2, output_length=5)(x[1:, :2])
    np.testing.assert_allclose(_np(outputs)[1:], _np(alone), atol=1e-6)


def test_mask_attention_reads_the_keras_mask_of_an_embedding():
    w = _weights(input_dim=4)
    tokens = keras.Input((T,), dtype="int32")
    embedded = keras.layers.Embedding(9, 4, mask_zero=True)(tokens)
    _, attention = AttentionDecoder(U, O, mask_attention=True, return_attention=True, output_length=3)(embedded)
    model = keras.Model(tokens, attention)
    model.layers[-1].set_weights(w)
    ids = np.array([[3, 5, 0, 0], [1, 2, 7, 0]], "int32")
    got = numbers(model, ids)[0]
    assert (got[0, :, 2:] == 0).all() and (got[1, :, 3:] == 0).all()
    assert (got[0, :, :2] > 0).all() and (got[1, :, :3] > 0).all()
    np.testing.assert_allclose(got.sum(-1), 1.0, atol=1e-6)


def test_without_mask_attention_padding_is_attended_like_the_legacy_layer():
    w, x = _weights(), _x()
    mask = np.array([[True] * T, [True, True, False, False]])
    _, attention = _layer(w, return_attention=True)(x, mask=mask)
    assert (_np(attention)[1, :, 2:] > 0).all()


def test_initial_state_replaces_the_computed_first_state():
    w, x = _weights(), _x()
    rng = np.random.RandomState(3)
    forward, backward = rng.uniform(-1, 1, (B, 2)).astype("float32"), rng.uniform(-1, 1, (B, 3)).astype("float32")
    got = _layer(w, output_length=3)(x, initial_state=[forward, backward])
    want, _ = extended_reference.decoder(x, w, output_length=3, initial_state=np.concatenate([forward, backward], -1))
    np.testing.assert_allclose(_np(got), want, atol=1e-5)
    single = _layer(w, output_length=3)(x, initial_state=np.concatenate([forward, backward], -1))
    np.testing.assert_allclose(_np(single), want, atol=1e-5)


def test_initial_state_of_the_wrong_width_says_what_fits():
    w, x = _weights(), _x()
    with pytest.raises(ValueError, match=r"width 2 \+ 2; its widths must add up to units"):
        _layer(w)(x, initial_state=[np.zeros((B, 2), "float32")] * 2)


def _bidirectional_model():
    encoder_in = keras.Input((T, D))
    seq, fh, _fc, bh, _bc = keras.layers.Bidirectional(
        keras.layers.LSTM(3, return_sequences=True, return_state=True), name="encoder")(encoder_in)
    outputs = AttentionDecoder(6, O, output_length=2, name="decoder")(seq, initial_state=[fh, bh])
    return keras.Model(encoder_in, outputs), keras.Model(encoder_in, [seq, fh, bh])


def test_bidirectional_encoder_states_start_the_decoder_and_the_model_reloads(tmp_path):
    if not BIDIRECTIONAL_RETURNS_STATES:  # Keras 3.0.5-3.1.1: plain Keras fails, before our layer
        with pytest.raises(TypeError, match="can only concatenate list"):
            _bidirectional_model()
        return
    model, states_model = _bidirectional_model()
    w = _weights(seed=4, units=6)
    model.get_layer("decoder").set_weights(w)
    x = _x()
    got = numbers(model, x)[0]
    seq, fh, bh = numbers(states_model, x)
    want, _ = extended_reference.decoder(seq, w, output_length=2, initial_state=np.concatenate([fh, bh], -1))
    assert got.shape == (B, 2, O)
    np.testing.assert_allclose(got, want, atol=1e-5)
    if RELOADS_BIDIRECTIONAL_ARCHIVES:
        round_trip(model, x, tmp_path, atol=1e-6)  # every format of SAVE_SUFFIXES predicts `got` again
    else:
        # Keras 3.0-3.3.2 cannot reload any Bidirectional model file (their bug, checked in
        # tests/io/test_operations.py); the weights file is what works there.
        path = str(tmp_path / "model.weights.h5")
        model.save_weights(path)
        again, _ = _bidirectional_model()
        again.load_weights(path)
        np.testing.assert_allclose(numbers(again, x)[0], got, atol=1e-6)


def test_a_model_with_every_option_saves_and_reloads(tmp_path):
    # Embedding(mask_zero) -> LSTM(return_state) -> AttentionDecoder with every option beyond the
    # legacy layer: masked attention, the encoder's state as initial state, another output length,
    # attention weights beside the outputs, teacher forcing (its targets as a second input), and
    # another output activation. Saved in every format of this Keras, it predicts the same again.
    n = 3
    tokens, targets = keras.Input((T,), dtype="int32"), keras.Input((n, O))
    embedded = keras.layers.Embedding(9, D, mask_zero=True)(tokens)
    seq, h, _c = keras.layers.LSTM(U, return_sequences=True, return_state=True)(embedded)
    decoder = AttentionDecoder(U, O, output_length=n, return_attention=True, mask_attention=True,
                               teacher_forcing=True, output_activation="sigmoid", name="decoder")
    y, attention = decoder(seq, initial_state=h, targets=targets)
    model = keras.Model([tokens, targets], [y, attention])
    ids = np.array([[3, 5, 0, 0], [1, 2, 7, 4]], "int32")
    free = _one_hot(np.random.RandomState(8).randint(0, O, (B, n)), O)
    got_y, got_a = numbers(model, [ids, free])
    assert got_y.shape == (B, n, O) and got_a.shape == (B, n, T)
    assert (got_a[0, :, 2:] == 0).all() and (got_a[1] > 0).all()  # the mask reached the attention
    # ... inside predict's compiled function too (lost there on Keras 3.5 / JAX until the layer
    # read Keras 3's `inputs_mask`)
    np.testing.assert_allclose(model.predict([ids, free], verbose=0)[1], got_a, atol=1e-6)
    assert np.ptp(got_y) > 0 and np.abs(got_y.sum(-1) - 1.0).max() > 1e-2  # sigmoid, not softmax
    _, reloaded = round_trip(model, [ids, free], tmp_path, atol=1e-6)  # every format predicts the same
    for again in reloaded.values():
        options = again.get_layer("decoder").get_config()
        assert (options["output_length"], options["return_attention"], options["mask_attention"],
                options["teacher_forcing"], options["output_activation"]) == (n, True, True, True, "sigmoid")


def _one_hot(ints, width):
    return np.eye(width, dtype="float32")[ints]


def test_teacher_forcing_reads_true_previous_outputs_in_training_only():
    w, x = _weights(), _x()
    targets = _one_hot(np.random.RandomState(5).randint(0, O, (B, 3)), O)
    layer = _layer(w, output_length=3, teacher_forcing=True)
    forced = _np(layer(x, targets=targets, training=True))
    previous = np.concatenate([np.zeros((B, 1, O)), targets[:, :-1]], axis=1)
    want_forced, _ = extended_reference.decoder(x, w, output_length=3, prev_outputs=previous)
    np.testing.assert_allclose(forced, want_forced, atol=1e-5)
    free, _ = extended_reference.decoder(x, w, output_length=3)
    np.testing.assert_allclose(_np(layer(x, targets=targets, training=False)), free, atol=1e-5)
    np.testing.assert_allclose(_np(layer(x)), free, atol=1e-5)
    assert np.abs(forced - free).max() > 1e-3  # the two paths really differ


def test_targets_of_another_length_than_the_decoded_steps_are_refused():
    w, x = _weights(), _x()
    with pytest.raises(ValueError, match=r"shape \(batch, 4, 3\)"):
        _layer(w, teacher_forcing=True)(x, targets=np.zeros((B, 6, O), "float32"), training=True)


def test_targets_without_teacher_forcing_are_refused():
    w, x = _weights(), _x()
    with pytest.raises(ValueError, match="teacher_forcing=True"):
        _layer(w)(x, targets=np.zeros((B, T, O), "float32"), training=True)


@pytest.mark.parametrize("activation", [None, "sigmoid"])
def test_output_activation_replaces_the_softmax(activation):
    w, x = _weights(), _x()
    got = _np(_layer(w, output_activation=activation)(x))
    fn = (lambda v: v) if activation is None else oracle.sigmoid
    want, _ = extended_reference.decoder(x, w, output_activation=fn)
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert np.abs(got.sum(-1) - 1.0).max() > 1e-2  # not a distribution any more


def test_new_options_round_trip_through_config():
    layer = AttentionDecoder(4, 3, output_length=6, return_attention=True, mask_attention=True,
                             teacher_forcing=True, output_activation="linear")
    config = layer.get_config()
    clone = AttentionDecoder.from_config(config)
    assert clone.get_config() == config
    assert (clone.output_length, clone.return_attention, clone.mask_attention, clone.teacher_forcing) == (6, True, True, True)
    assert config["output_activation"] == "linear"


def test_output_length_must_be_positive():
    with pytest.raises(ValueError, match="output_length must be a positive integer"):
        AttentionDecoder(4, 3, output_length=0)


# Short static sequences are decoded by an unrolled Python loop (which skips the zero product
# of the first step and computes only the output at the last), the others by the RNN's
# symbolic loop; both paths must agree for every option, and both give the reference's numbers.
UNROLL_CASES = {
    "legacy": dict(),
    "return_attention": dict(return_attention=True),
    "output_length_1": dict(output_length=1),  # the first step is the last
    "output_length_9": dict(output_length=9),
    "teacher_forcing": dict(teacher_forcing=True),
    "linear_output": dict(output_activation=None),
    "every_option": dict(output_length=3, return_attention=True, mask_attention=True, teacher_forcing=True),
}


@pytest.mark.parametrize("case", list(UNROLL_CASES))
def test_every_option_gives_the_same_numbers_unrolled_and_in_the_symbolic_loop(case, monkeypatch):
    from compat_attention.decoder import loops

    options = UNROLL_CASES[case]
    n = options.get("output_length", T)
    w, x = _weights(), _x()
    mask = state = None
    call = {}
    if case == "every_option":  # with a mask and an initial state too
        mask = np.array([[True] * T, [True, True, False, False]])
        state = np.random.RandomState(7).uniform(-1, 1, (B, U)).astype("float32")
        call = dict(mask=mask, initial_state=state)
    calls = {"free": dict(call, training=True)}
    prev = None
    if options.get("teacher_forcing"):
        targets = _one_hot(np.random.RandomState(6).randint(0, O, (B, n)), O)
        calls = {"forced": dict(call, targets=targets, training=True), "free": call}
        prev = np.concatenate([np.zeros((B, 1, O)), targets[:, :-1]], axis=1)

    def run():
        layer = _layer(w, **options)
        return {name: [_np(t) for t in flat(layer(x, **kwargs))] for name, kwargs in calls.items()}

    unrolled = run()
    monkeypatch.setattr(loops, "AUTO_UNROLL_MAX_STEPS", 0)  # every step through the RNN's loop
    looped = run()
    activation = (lambda v: v) if options.get("output_activation", "softmax") is None else oracle.softmax
    for name in calls:
        assert len(unrolled[name]) == len(looped[name])
        for a, b in zip(unrolled[name], looped[name]):
            np.testing.assert_allclose(a, b, atol=1e-6)
        first = unrolled[name][0]
        assert np.isfinite(first).all() and np.ptp(first) > 0  # real outputs, not zeros
        want_y, want_a = extended_reference.decoder(x, w, output_length=n, mask=mask, initial_state=state,
                                                    prev_outputs=prev if name == "forced" else None,
                                                    output_activation=activation)
        np.testing.assert_allclose(looped[name][0], want_y, atol=1e-5)
        if options.get("return_attention"):
            np.testing.assert_allclose(looped[name][1], want_a, atol=1e-5)
