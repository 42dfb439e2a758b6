"""A tiny speech recognizer trained with CTC (capstone style, Keras 2.0 + Keras 1 names)."""
import numpy as np
from keras import backend as K
from keras.models import Model
from keras.layers import Input, Lambda, Dense, Activation, GRU
from keras.layers.convolutional import Convolution1D
from keras.layers.normalization import BatchNormalization
from keras.layers.wrappers import TimeDistributed
from keras.optimizers import SGD

N_MEL, N_FRAMES, N_CHARS, LABEL_LEN = 13, 40, 6, 5


def ctc_lambda_func(args):
    y_pred, labels, input_length, label_length = args
    return K.ctc_batch_cost(labels, y_pred, input_length, label_length)


def acoustic_model(units=16):
    features = Input(name='the_input', shape=(None, N_MEL))
    conv = Convolution1D(nb_filter=16, filter_length=5, border_mode='same', subsample_length=2,
                         activation='relu', name='conv1d')(features)
    conv = BatchNormalization(mode=0, name='bn_conv')(conv)
    rnn = GRU(output_dim=units, inner_init='orthogonal', return_sequences=True,
              consume_less='gpu', dropout_W=0.1, dropout_U=0.1, name='rnn')(conv)
    logits = TimeDistributed(Dense(output_dim=N_CHARS + 1))(rnn)
    y_pred = Activation('softmax', name='softmax')(logits)
    return Model(input=features, output=y_pred)


def ctc_model(acoustic):
    labels = Input(name='the_labels', shape=(LABEL_LEN,), dtype='float32')
    input_length = Input(name='input_length', shape=(1,), dtype='int64')
    label_length = Input(name='label_length', shape=(1,), dtype='int64')
    loss_out = Lambda(ctc_lambda_func, output_shape=(1,), name='ctc')(
        [acoustic.output, labels, input_length, label_length])
    return Model(input=[acoustic.input, labels, input_length, label_length], output=loss_out)


def batches(batch_size=4, seed=0):
    rng = np.random.RandomState(seed)
    while True:
        feats = rng.randn(batch_size, N_FRAMES, N_MEL).astype('float32')
        labels = rng.randint(1, N_CHARS, size=(batch_size, LABEL_LEN)).astype('float32')
        inputs = {'the_input': feats, 'the_labels': labels,
                  'input_length': np.full((batch_size, 1), N_FRAMES // 2),
                  'label_length': np.full((batch_size, 1), LABEL_LEN)}
        yield inputs, np.zeros([batch_size])


acoustic = acoustic_model()
model = ctc_model(acoustic)
sgd = SGD(lr=0.02, decay=1e-6, momentum=0.9, nesterov=True, clipnorm=5)
model.compile(loss={'ctc': lambda y_true, y_pred: y_pred}, optimizer=sgd)
hist = model.fit_generator(generator=batches(), steps_per_epoch=3, nb_epoch=2, verbose=0)

feats = next(batches(seed=5))[0]['the_input']
probs = acoustic.predict(feats)
decoded, log_prob = K.ctc_decode(probs, np.full(len(probs), probs.shape[1]), greedy=True)
best = K.get_value(decoded[0])
print('decoded', best.shape)
loss = hist.history['loss'][-1]
assert np.isfinite(loss)
print('CORPUS_OK speech_ctc loss=%.4f' % loss)
