"""``reshape`` and ``transpose`` with one spelling on every flavour and backend (the legacy layers use them)."""

from .flavour import KERAS_3, keras, tf

if KERAS_3:
    reshape = keras.ops.reshape
    transpose = keras.ops.transpose
else:
    reshape = tf.reshape
    transpose = tf.transpose
