"""Translate human-readable dates to ISO dates with an attention decoder (Keras 2.0 style)."""
from __future__ import print_function

import os
import random

import numpy as np
from keras.models import Model
from keras.layers import Input, Embedding, Bidirectional, LSTM
from keras.layers.wrappers import TimeDistributed
from keras.optimizers import Adam
from keras.callbacks import ModelCheckpoint
from keras.utils.np_utils import to_categorical

from custom_recurrents import AttentionDecoder, ReverseTime, sequence_accuracy

MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
IN_CHARS = sorted(set(''.join(MONTHS) + '0123456789 ,'))
OUT_CHARS = sorted(set('0123456789-'))
IN_LEN, OUT_LEN = 10, 10


def make_pair(rng):
    year, month, day = rng.randint(1950, 2030), rng.randint(1, 12), rng.randint(1, 28)
    human = '%d %s, %d' % (day, MONTHS[month - 1], year)
    return human, '%04d-%02d-%02d' % (year, month, day)


def encode(text, chars, length):
    ids = [chars.index(c) + 1 for c in text][:length]
    return ids + [0] * (length - len(ids))


def load_data(n, seed=0):
    rng = random.Random(seed)
    pairs = [make_pair(rng) for _ in range(n)]
    x = np.array([encode(h, IN_CHARS, IN_LEN) for h, _ in pairs])
    y = np.array([[OUT_CHARS.index(c) for c in m] for _, m in pairs])
    return x, to_categorical(y.reshape(-1), len(OUT_CHARS)).reshape(n, OUT_LEN, len(OUT_CHARS))


def build_model(units=16):
    # encoder: characters -> bidirectional states; decoder: the legacy attention layer
    inputs = Input(shape=(IN_LEN,), dtype='int32')
    emb = Embedding(len(IN_CHARS) + 1, 8, input_length=IN_LEN)(inputs)
    enc = Bidirectional(LSTM(units, return_sequences=True), merge_mode='concat')(emb)
    enc = ReverseTime()(enc)
    dec = AttentionDecoder(units, len(OUT_CHARS), name='decoder')(enc)
    model = Model(input=inputs, output=dec)
    return model


if __name__ == '__main__':
    x, y = load_data(64)
    model = build_model()
    model.compile(optimizer=Adam(lr=0.01), loss='categorical_crossentropy',
                  metrics=['acc', sequence_accuracy])
    checkpoint = ModelCheckpoint('dates_weights.hdf5', monitor='loss',
                                 save_best_only=True, save_weights_only=True)
    history = model.fit(x, y, batch_size=32, nb_epoch=2, verbose=0, callbacks=[checkpoint])
    model.load_weights('dates_weights.hdf5', by_name=True)
    pred = model.predict(x[:2])
    print(''.join(OUT_CHARS[i] for i in pred[0].argmax(-1)))
    loss = history.history['loss'][-1]
    assert os.path.exists('dates_weights.hdf5')
    print('CORPUS_OK nmt_dates loss=%.4f' % loss)
