"""The tutorial's small model and inputs, for the plot tests."""

import numpy as np

from compat_attention import AttentionDecoder
from compat_attention._keras.flavour import keras

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def tutorial_model(seed=0):
    """The tutorial's LSTM -> AttentionDecoder on 5 steps of 8 one-hot symbols, seeded."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.layers.Input((5, 8)),
        keras.layers.LSTM(6, return_sequences=True),
        AttentionDecoder(6, 8),
    ])
    return model


def tutorial_inputs():
    """3 one-hot sequences of 5 symbols among 8."""
    return np.eye(8, dtype="float32")[np.random.RandomState(0).randint(0, 8, (3, 5))]
