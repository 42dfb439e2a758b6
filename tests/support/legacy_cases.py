"""The golden cases rebuilt with compat_attention, legacy weights loaded by position."""

import numpy as np

from compat_attention import LEGACY_HARD_SIGMOID, AttentionDecoder
from compat_attention._keras.flavour import keras
from legacy_reference import oracle

CASES = ("echo_seq", "echo_seq_probs", "nmt_bilstm", "nmt_bilstm_probs", "masked")


def legacy_lstm(units, **kwargs):
    """A modern LSTM computing what a Keras 2.0.8 LSTM computed (hard_sigmoid of slope 0.2)."""
    return keras.layers.LSTM(units, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID, **kwargs)


def build(case):
    """The case's architecture, written with compat_attention as a user would."""
    probs = case.endswith("_probs")
    layers = keras.layers
    if case.startswith("echo_seq"):
        model = keras.Sequential([
            layers.Input((5, 50)),
            legacy_lstm(150),
            AttentionDecoder(150, 50, return_probabilities=probs),
        ])
        return model, "echo_seq.h5"
    if case.startswith("nmt_bilstm"):
        inp = layers.Input((20,))
        x = layers.Embedding(30, 30, trainable=False, name="OneHot")(inp)
        x = layers.Bidirectional(legacy_lstm(32), merge_mode="concat", name="bidirectional_1")(x)
        out = AttentionDecoder(24, name="attention_decoder_1", output_dim=11, return_probabilities=probs)(x)
        return keras.Model(inp, out), case + ".h5"
    if case == "masked":
        model = keras.Sequential([
            layers.Input((9,)),
            layers.Embedding(12, 8, mask_zero=True),
            legacy_lstm(16),
            AttentionDecoder(20, 12),
        ])
        return model, "masked.h5"
    raise ValueError(case)


def build_with_legacy_weights(case):
    model, h5 = build(case)
    weights = oracle.read_h5_weights(oracle.golden_path(h5))
    model.set_weights([w for layer in weights.values() for w in layer])
    return model


def expected(case):
    """The stored legacy output, in our layout ((B, T, T, 1) probabilities squeezed to (B, T, T))."""
    y = oracle.load_io(case)["y"]
    return y[..., 0] if y.ndim == 4 else y


def max_abs_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
