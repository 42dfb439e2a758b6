# The model that train.py trains and predict.py / explore.ipynb reload (Keras 2.0 style): the
# layers are named, and the scripts load the checkpoint by name.
import numpy as np
from keras.models import Sequential
from keras.layers import LSTM, Dense
from keras.layers.wrappers import TimeDistributed
from keras.optimizers import RMSprop

STEPS, FEATURES = 5, 6


def build_model():
    model = Sequential()
    model.add(LSTM(12, input_shape=(STEPS, FEATURES), return_sequences=True, name='encoder'))
    model.add(TimeDistributed(Dense(FEATURES, activation='softmax'), name='readout'))
    model.compile(loss='categorical_crossentropy', optimizer=RMSprop(lr=0.01))
    return model


def sample_data(seed, n=32):
    """One-hot sequences; the target is the sequence reversed."""
    rng = np.random.RandomState(seed)
    x = np.eye(FEATURES)[rng.randint(0, FEATURES, size=(n, STEPS))]
    return x, x[:, ::-1]
