# Attention before an LSTM: which time step matters? (the attention_3d_block pattern, Keras 2.0)
import numpy as np
from keras.layers import Input, LSTM, merge
from keras.layers.core import Dense, Lambda, Permute, Reshape, RepeatVector, Flatten
from keras.models import *
from keras import backend as K

INPUT_DIM = 2
TIME_STEPS = 8
SINGLE_ATTENTION_VECTOR = True
APPLY_ATTENTION_BEFORE_LSTM = False


def get_data_recurrent(n, time_steps, input_dim, attention_column=3):
    x = np.random.standard_normal(size=(n, time_steps, input_dim))
    y = np.random.randint(low=0, high=2, size=(n, 1))
    x[:, attention_column, :] = np.tile(y[:], (1, input_dim))
    return x, y


def attention_3d_block(inputs):
    input_dim = int(inputs.shape[2])
    a = Permute((2, 1))(inputs)
    a = Reshape((input_dim, TIME_STEPS))(a)
    a = Dense(TIME_STEPS, activation='softmax')(a)
    if SINGLE_ATTENTION_VECTOR:
        a = Lambda(lambda x: K.mean(x, axis=1), name='dim_reduction')(a)
        a = RepeatVector(input_dim)(a)
    a_probs = Permute((2, 1), name='attention_vec')(a)
    output_attention_mul = merge([inputs, a_probs], name='attention_mul', mode='mul')
    return output_attention_mul


def model_attention_applied_after_lstm():
    inputs = Input(shape=(TIME_STEPS, INPUT_DIM,))
    lstm_units = 16
    lstm_out = LSTM(lstm_units, return_sequences=True)(inputs)
    attention_mul = attention_3d_block(lstm_out)
    attention_mul = Flatten()(attention_mul)
    output = Dense(1, activation='sigmoid')(attention_mul)
    model = Model(input=[inputs], output=output)
    return model


if __name__ == '__main__':
    np.random.seed(1337)
    inputs_1, outputs = get_data_recurrent(256, TIME_STEPS, INPUT_DIM)
    m = model_attention_applied_after_lstm()
    m.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
    hist = m.fit([inputs_1], outputs, nb_epoch=2, batch_size=64, validation_split=0.1, verbose=0)
    attention_vector = Model(input=m.input, output=m.get_layer('attention_vec').output).predict(inputs_1[:1])
    print('attention', np.round(attention_vector[0].mean(axis=1), 2))
    print('classes', m.predict_classes(inputs_1[:4]).ravel())
    print('CORPUS_OK attention_lstm_3d loss=%.4f' % hist.history['loss'][-1])
