# -*- coding: utf-8 -*-
"""Custom recurrent layers for the date translator (legacy style, Keras 2.0.x).

AttentionDecoder is the well-known legacy decoder; its body is omitted here (the
migration tool replaces it), the rest of this module is our own code.
"""
import tensorflow as tf
from keras import backend as K
from keras import regularizers, constraints, initializers, activations
from keras.layers.recurrent import Recurrent, _time_distributed_dense
from keras.engine import InputSpec
from keras.engine.topology import Layer


def _time_distributed_dense(x, w, b=None, dropout=None,
                            input_dim=None, output_dim=None,
                            timesteps=None, training=None):
    raise NotImplementedError("legacy helper, replaced by compat_attention")


class AttentionDecoder(Recurrent):

    def __init__(self, units, output_dim,
                 activation='tanh',
                 return_probabilities=False,
                 name='AttentionDecoder',
                 **kwargs):
        self.units = units
        self.output_dim = output_dim
        super(AttentionDecoder, self).__init__(**kwargs)

    def step(self, x, states):
        raise NotImplementedError("legacy step, replaced by compat_attention")


class ReverseTime(Layer):
    """Our own helper layer: reverses the time axis (kept by the migration)."""

    def __init__(self, **kwargs):
        super(ReverseTime, self).__init__(**kwargs)
        self.input_spec = InputSpec(ndim=3)

    def call(self, x, mask=None):
        return x[:, ::-1, :]

    def compute_output_shape(self, input_shape):
        return input_shape


def sequence_accuracy(y_true, y_pred):
    """Share of sequences whose every step is right (our own metric, kept)."""
    steps_ok = K.cast(K.equal(K.argmax(y_true, axis=-1), K.argmax(y_pred, axis=-1)), K.floatx())
    return K.mean(K.min(steps_ok, axis=-1))
