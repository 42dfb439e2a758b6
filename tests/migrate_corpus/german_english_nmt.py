"""German -> English word-level NMT, encoder-decoder without attention (Keras 2.0 style)."""
import numpy as np
from keras.preprocessing.text import Tokenizer
from keras.preprocessing.sequence import pad_sequences
from keras.models import Sequential
from keras.layers.embeddings import Embedding
from keras.layers.recurrent import LSTM
from keras.layers.core import Dense, RepeatVector
from keras.layers.wrappers import TimeDistributed
from keras.optimizers import Adam
from keras import backend as K

PAIRS = [('ich bin muede', 'i am tired'), ('du bist nett', 'you are nice'),
         ('wir sind hier', 'we are here'), ('er ist alt', 'he is old'),
         ('sie ist jung', 'she is young'), ('ich bin hier', 'i am here')] * 6


def tokenize(lines):
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(lines)
    return tokenizer


def masked_accuracy(y_true, y_pred):
    # y_true: integer word ids (batch, steps, 1); padding (0) does not count
    true_ids = K.cast(K.squeeze(y_true, axis=-1), 'int64')
    hits = K.cast(K.equal(true_ids, K.argmax(y_pred, axis=-1)), 'float32')
    mask = K.cast(K.not_equal(true_ids, 0), 'float32')
    return K.sum(hits * mask) / K.maximum(K.sum(mask), 1.0)


ger_tok, eng_tok = tokenize([p[0] for p in PAIRS]), tokenize([p[1] for p in PAIRS])
ger_vocab, eng_vocab = len(ger_tok.word_index) + 1, len(eng_tok.word_index) + 1
ger_len = eng_len = 4
x = pad_sequences(ger_tok.texts_to_sequences([p[0] for p in PAIRS]), maxlen=ger_len, padding='post')
y = pad_sequences(eng_tok.texts_to_sequences([p[1] for p in PAIRS]), maxlen=eng_len, padding='post')
y = y.reshape(y.shape[0], y.shape[1], 1)

model = Sequential()
model.add(Embedding(ger_vocab, 32, input_length=ger_len, mask_zero=True))
model.add(LSTM(32, dropout_U=0.1))
model.add(RepeatVector(eng_len))
model.add(LSTM(32, return_sequences=True, inner_activation='hard_sigmoid'))
model.add(TimeDistributed(Dense(output_dim=eng_vocab, activation='softmax')))
model.compile(optimizer=Adam(lr=0.01), loss='sparse_categorical_crossentropy', metrics=[masked_accuracy])
hist = model.fit(x, y, nb_epoch=2, batch_size=8, verbose=0)
model.save_weights('nmt_model.h5')
model.load_weights('nmt_model.h5')
ids = model.predict(x[:1]).argmax(-1)[0]
index_word = dict((i, w) for w, i in eng_tok.word_index.items())
print('translation:', ' '.join(index_word.get(i, '?') for i in ids))
print('CORPUS_OK german_english_nmt loss=%.4f' % hist.history['loss'][-1])
