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


def test_weights_none_is_no_hand_edit():
    # before: Bidirectional(weights=None) was reported (Keras 3.1-3.15 accept it); Dense(weights=None)
    # raises "Unrecognized keyword arguments" on Keras 3, so Keras 2.0's no-op default is dropped there
    src = "from keras.layers import Bidirectional, Dense, LSTM\nBidirectional(LSTM(3), weights=None)\nDense(3, weights=None)\n"
    assert code(src) == "from keras.layers import Bidirectional, Dense, LSTM\nBidirectional(LSTM(3), weights=None)\nDense(3)\n"
    assert issues("from keras.layers import Bidirectional\nBidirectional(l, weights=[w])\n") == [("layer_weights_argument", 2)]
