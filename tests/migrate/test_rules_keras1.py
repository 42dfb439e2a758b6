"""rules/keras1.py: Keras 1 layer names and constructor arguments."""

import pytest

from migrate_helpers import code, dedent, issues, migrate


HEAD = "from keras.layers import *\n"


def body(src, target="keras3"):
    out = code(HEAD + dedent(src), target)
    return out.split("\n", 1)[1] if out.startswith(HEAD) else out


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_dense_and_recurrent_keras1_arguments(target):
    assert body("Dense(output_dim=4, init='uniform', W_regularizer=r, b_constraint=c, bias=False)\n", target) == \
        "Dense(units=4, kernel_initializer='uniform', kernel_regularizer=r, bias_constraint=c, use_bias=False)\n"
    assert body("LSTM(output_dim=8, inner_init='orthogonal', inner_activation='sigmoid', dropout_W=0.1, "
                "dropout_U=0.2, U_regularizer=u, consume_less='gpu', return_sequences=True)\n", target) == \
        ("LSTM(units=8, recurrent_initializer='orthogonal', recurrent_activation='sigmoid', dropout=0.1, "
         "recurrent_dropout=0.2, recurrent_regularizer=u, return_sequences=True)\n")


def test_output_dim_kept_where_it_still_means_output_dim():
    src = "Embedding(100, output_dim=8, init='uniform')\nAttentionDecoder(16, output_dim=10)\n"
    assert body(src) == "Embedding(100, output_dim=8, embeddings_initializer='uniform')\nAttentionDecoder(16, output_dim=10)\n"


def test_non_keras_callables_are_left_alone():
    src = "from mylib import Dense\nDense(output_dim=3, init='x')\n"
    assert migrate(src).code == src


def test_convolution_and_pooling_keras1_names():
    assert body("Convolution1D(nb_filter=8, filter_length=3, border_mode='same', subsample_length=2)\n") == \
        "Conv1D(filters=8, kernel_size=3, padding='same', strides=2)\n"
    assert body("MaxPooling1D(pool_length=2, stride=1)\n") == "MaxPooling1D(pool_size=2, strides=1)\n"
    assert body("Convolution2D(32, 3, 3, border_mode='same', dim_ordering='th')\n") == \
        "Conv2D(32, (3, 3), padding='same', data_format='channels_first')\n"
    assert body("Conv2D(32, nb_row=3, nb_col=5)\n") == "Conv2D(32, kernel_size=(3, 5))\n"
    assert code("from keras.layers.convolutional import Convolution1D as C\nC(nb_filter=2, filter_length=2)\n") == \
        "from keras.layers import Conv1D as C\nC(filters=2, kernel_size=2)\n"


def test_recurrent_input_dim_becomes_input_shape():
    assert body("LSTM(8, input_dim=3, input_length=5)\nGRU(8, input_dim=3)\n") == \
        "LSTM(8, input_shape=(5, 3))\nGRU(8, input_shape=(None, 3))\n"


def test_other_keras1_arguments():
    assert body("Dropout(p=0.5)\nGaussianNoise(sigma=0.1)\nBatchNormalization(mode=0, beta_init='zero')\n") == \
        "Dropout(rate=0.5)\nGaussianNoise(stddev=0.1)\nBatchNormalization(beta_initializer='zero')\n"
    assert body("LSTM(4, forget_bias_init='one')\n") == "LSTM(4, unit_forget_bias=True)\n"
    assert body("CuDNNLSTM(4)\n") == "LSTM(4)\n"


def test_unconvertible_keras1_arguments_are_reported():
    src = HEAD + "BatchNormalization(mode=2)\nEmbedding(10, 4, dropout=0.2)\nTimeDistributedDense(3)\n"
    assert issues(src) == [("keras1_layer_names", 2), ("keras1_layer_names", 3), ("keras1_layer_names", 4)]
