import tensorflow as tf
from keras import backend as K
from keras import regularizers, constraints, initializers, activations
from keras.layers.recurrent import Recurrent, _time_distributed_dense
from keras.engine import InputSpec

tfPrint = lambda d, T: tf.Print(input_=T, data=[T, tf.shape(T)], message=d)


class AttentionDecoder(Recurrent):

    def __init__(self, units, output_dim, activation='tanh', return_probabilities=False,
                 name='AttentionDecoder', kernel_initializer='glorot_uniform',
                 recurrent_initializer='orthogonal', bias_initializer='zeros', **kwargs):
        self.units = units
        self.output_dim = output_dim
        super(AttentionDecoder, self).__init__(**kwargs)

    def build(self, input_shape):
        raise NotImplementedError("legacy build, replaced by compat_attention")

    def step(self, x, states):
        raise NotImplementedError("legacy step, replaced by compat_attention")
