"""rules/callbacks.py: callback and layer arguments Keras 3 rejects."""

from migrate_helpers import code, issues


def test_callback_arguments():
    src = ("from keras.callbacks import ReduceLROnPlateau, TensorBoard\n"
           "ReduceLROnPlateau(monitor='loss', epsilon=1e-4)\nTensorBoard('logs', write_grads=True, batch_size=32)\n")
    assert code(src, "keras3").endswith("ReduceLROnPlateau(monitor='loss', min_delta=1e-4)\nTensorBoard('logs')\n")
    assert code(src, "keras2").endswith("min_delta=1e-4)\nTensorBoard('logs', write_grads=True, batch_size=32)\n")


def test_layer_weights_argument_reported_on_keras3():
    src = "from keras.layers import Dense, Embedding\nDense(3, weights=[w, b])\nEmbedding(10, 3, weights=[m])\n"
    assert issues(src) == [("layer_weights_argument", 2)]
    assert issues(src, "keras2") == []
