"""Train one small model with and without tf.distribute.MirroredStrategy; print JSON.

Run in its own process by tests/decoder/test_deployment.py: the two logical CPU devices
must be configured before TensorFlow starts, which a test process cannot promise.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repository root

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

from compat_attention import AttentionDecoder  # noqa: E402
from compat_attention._keras.flavour import keras  # noqa: E402

T, V, BATCH, EPOCHS = 5, 8, 16, 3


def build(weights=None):
    model = keras.Sequential([
        keras.layers.Input((T, V)),
        keras.layers.LSTM(12, return_sequences=True),
        AttentionDecoder(12, V, output_length=3),
    ])
    if weights is not None:
        model.set_weights(weights)
    model.compile(keras.optimizers.SGD(0.5), "categorical_crossentropy")
    return model


rng = np.random.RandomState(0)
ints = rng.randint(0, V, (64, T))
x = np.eye(V, dtype="float32")[ints]
y = np.eye(V, dtype="float32")[ints[:, :3]]
initial = [rng.normal(0, 0.3, w.shape).astype("float32") for w in build().get_weights()]

single = build(initial)
single_losses = single.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0).history["loss"]

strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    mirrored = build(initial)
mirrored_losses = mirrored.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0).history["loss"]

weight_diff = max(float(np.abs(a - b).max()) for a, b in zip(single.get_weights(), mirrored.get_weights()))
print(json.dumps({
    "replicas": strategy.num_replicas_in_sync,
    "single": [float(v) for v in single_losses],
    "mirrored": [float(v) for v in mirrored_losses],
    "max_weight_diff": weight_diff,
    "moved": max(float(np.abs(a - b).max()) for a, b in zip(initial, single.get_weights())),
}))
