# Multi-width CNN text classifier, written for Keras 1 and run on Keras 2.0.
import numpy as np
from keras.models import Model
from keras.layers import Input, Embedding, Dense, Dropout, Flatten, merge
from keras.layers.convolutional import Convolution1D, MaxPooling1D
from keras.regularizers import l2
from keras.optimizers import Adagrad

np.random.seed(7)
SEQ_LEN, VOCAB = 20, 30
x = np.random.randint(1, VOCAB, size=(96, SEQ_LEN))
y = (x[:, :5].mean(axis=1) > VOCAB / 2).astype('float32')

words = Input(shape=(SEQ_LEN,), dtype='int32')
emb = Embedding(VOCAB, 16, input_length=SEQ_LEN, init='uniform')(words)
branches = []
for width in (2, 3):
    conv = Convolution1D(nb_filter=8, filter_length=width, border_mode='valid',
                         activation='relu', subsample_length=1, W_regularizer=l2(1e-4))(emb)
    pool = MaxPooling1D(pool_length=2)(conv)
    branches.append(Flatten()(pool))
merged = merge(branches, mode='concat', concat_axis=1)
merged = Dropout(p=0.25)(merged)
hidden = Dense(output_dim=16, activation='relu', init='glorot_uniform', bias=True)(merged)
score = Dense(1, activation='sigmoid')(hidden)
similarity = merge([hidden, hidden], mode='cos', dot_axes=1)

model = Model(input=words, output=score)
model.compile(loss='binary_crossentropy', optimizer=Adagrad(), metrics=['accuracy'])
hist = model.fit(x, y, batch_size=32, nb_epoch=2, verbose=0)
probe = Model(input=words, output=similarity).predict(x[:3])
print('self-similarity', np.round(probe.ravel(), 3))
print('CORPUS_OK cnn_text_keras1 loss=%.4f' % hist.history['loss'][-1])
