# Echo the first symbols of a random sequence, trained from a generator (Keras 2.0 style).
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM
from keras.optimizers import RMSprop
from attention_decoder import AttentionDecoder

N_FEATURES, STEPS, BATCH = 10, 5, 8


def one_hot(seq):
    return np.eye(N_FEATURES)[seq]


def generate_batches(batch_size=BATCH, seed=1):
    rng = np.random.RandomState(seed)
    while True:
        x = rng.randint(0, N_FEATURES, size=(batch_size, STEPS))
        y = np.zeros_like(x)
        y[:, :2] = x[:, :2]
        yield one_hot(x), one_hot(y)


model = Sequential()
model.add(LSTM(20, input_shape=(STEPS, N_FEATURES), return_sequences=True))
model.add(AttentionDecoder(20, N_FEATURES))
model.compile(loss='categorical_crossentropy', optimizer=RMSprop(lr=0.01, rho=0.9, epsilon=1e-08, decay=0.0),
              metrics=['acc'])

history = model.fit_generator(generate_batches(), 4, 2, verbose=0,
                              max_q_size=2, workers=1, pickle_safe=False)
scores = model.evaluate_generator(generate_batches(seed=2), 2, workers=1)
probs = model.predict_generator(generate_batches(seed=3), steps=1, max_queue_size=2)
classes = model.predict_classes(one_hot(np.arange(STEPS)[None, :] % N_FEATURES))
print('classes', classes.shape, 'probs', probs.shape)
loss = history.history['loss'][-1]
assert np.isfinite(loss) and np.isfinite(scores[0])
print('CORPUS_OK echo_generator loss=%.4f' % loss)
