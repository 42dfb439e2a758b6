"""Sentiment of short reviews: LSTM + attention pooling, with checkpoints (Keras 2.0 style)."""
import os
import sys

import numpy as np
from keras.preprocessing.text import Tokenizer
from keras.preprocessing.sequence import pad_sequences
from keras.utils import np_utils
from keras.models import Model, load_model
from keras.layers import Input, Embedding, LSTM, Dense, Flatten, Activation, RepeatVector, Permute, Lambda, merge
from keras.optimizers import RMSprop
from keras.callbacks import ModelCheckpoint, EarlyStopping
import keras.backend as K

GOOD = ['great', 'fine', 'love', 'nice', 'superb']
BAD = ['awful', 'poor', 'hate', 'boring', 'bad']
FILLER = ['the', 'film', 'was', 'plot', 'actors', 'and', 'really']
MAXLEN, UNITS = 12, 16


def reviews(n, seed=0):
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for _ in range(n):
        label = rng.randint(2)
        words = list(rng.choice(FILLER, 6)) + list(rng.choice(GOOD if label else BAD, 2))
        rng.shuffle(words)
        texts.append(' '.join(words))
        labels.append(label)
    return texts, np.array(labels)


texts, labels = reviews(120)
tokenizer = Tokenizer(num_words=50)
tokenizer.fit_on_texts(texts)
x = pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=MAXLEN)
y = np_utils.to_categorical(labels, 2)

words = Input(shape=(MAXLEN,), dtype='int32')
emb = Embedding(50, 8, input_length=MAXLEN)(words)
activations = LSTM(UNITS, return_sequences=True)(emb)

# attention pooling: one score per step, softmax over time, weighted sum
attention = Dense(1, activation='tanh')(activations)
attention = Flatten()(attention)
attention = Activation('softmax')(attention)
attention = RepeatVector(UNITS)(attention)
attention = Permute([2, 1])(attention)
sent_representation = merge([activations, attention], mode='mul')
sent_representation = Lambda(lambda xin: K.sum(xin, axis=-2), output_shape=(UNITS,))(sent_representation)
probabilities = Dense(2, activation='softmax')(sent_representation)

model = Model(input=words, output=probabilities)
model.compile(optimizer=RMSprop(lr=0.005), loss='categorical_crossentropy', metrics=['accuracy'])
callbacks = [ModelCheckpoint('best_model.hdf5', monitor='val_loss', save_best_only=True),
             EarlyStopping(monitor='val_loss', patience=3)]
hist = model.fit(x, y, validation_split=0.2, nb_epoch=2, batch_size=32, verbose=0, callbacks=callbacks)
if not os.path.exists('best_model.hdf5'):
    sys.exit('no checkpoint written')
best = load_model('best_model.hdf5')
print('reloaded', best.predict(x[:2]).shape)
print('CORPUS_OK text_attention_pooling loss=%.4f' % hist.history['loss'][-1])
