"""Check the clean-room ``keras2_0_attention.AttentionDecoder`` against the original layer's golden data.

Each golden ``.h5`` is loaded on the Keras 2.0.8 stack with ``keras.models.load_model`` and our
class as ``AttentionDecoder`` (which also exercises ``from_config`` and the weight order), and its
stored inputs are predicted; the outputs are compared with what the original layer returned.
The ``_probs`` cases without a file of their own reuse the weights with ``return_probabilities``
switched on in the model config. Prints one line per case and a JSON summary; exits 1 above 1e-5.

Usage (Python 3.6 + Keras 2.0.8, from ``legacy_reference/``)::

    /work/venvs/keras2_0_diff/bin/python generate/check_keras2_0_attention.py
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(os.path.dirname(HERE), "golden")
TOLERANCE = 1e-5

#: case -> (the .h5 holding its weights, whether to switch on return_probabilities, extra (x, y) keys)
CASES = {
    "echo_seq": ("echo_seq.h5", False, ()),
    "echo_seq_full": ("echo_seq_full.h5", False, ()),
    "echo_seq_weights_only": ("echo_seq_weights.h5", False, ()),
    "echo_seq_probs": ("echo_seq.h5", True, ()),
    "nmt_bilstm": ("nmt_bilstm.h5", False, ()),
    "nmt_bilstm_probs": ("nmt_bilstm_probs.h5", False, ()),
    "masked": ("masked.h5", False, (("x_allpad", "y_allpad"),)),
}
#: Where a case's inputs and outputs are stored, when not in ``<case>_io.npz``.
IO_FILE = {"echo_seq_full": "echo_seq_io.npz", "echo_seq_weights_only": "echo_seq_io.npz"}


def _model(h5_name, probabilities, attention_class):
    import keras

    custom = {"AttentionDecoder": attention_class}
    if h5_name == "echo_seq_weights.h5":  # weights only: build the tutorial model, then load
        model = keras.models.Sequential([keras.layers.LSTM(150, input_shape=(5, 50), return_sequences=True),
                                         attention_class(150, 50)])
        model.load_weights(os.path.join(GOLDEN, h5_name))
        return model
    model = keras.models.load_model(os.path.join(GOLDEN, h5_name), custom_objects=custom, compile=False)
    if not probabilities:
        return model
    config = json.loads(model.to_json())
    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    for layer in layers:
        if layer["class_name"] == "AttentionDecoder":
            layer["config"]["return_probabilities"] = True
    switched = keras.models.model_from_json(json.dumps(config), custom_objects=custom)
    switched.set_weights(model.get_weights())
    return switched


def check():
    """Max abs diff per case between our layer's predictions and the golden ones."""
    import keras
    import tensorflow as tf

    sys.path.insert(0, HERE)
    from keras2_0_attention import AttentionDecoder

    results = {}
    for case, (h5_name, probabilities, extras) in sorted(CASES.items()):
        keras.backend.clear_session()
        keras.backend.set_session(tf.Session(config=tf.ConfigProto(
            intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)))
        model = _model(h5_name, probabilities, AttentionDecoder)
        io = np.load(os.path.join(GOLDEN, IO_FILE.get(case, case + "_io.npz")))
        diffs = []
        for x_key, y_key in (("x", "y"),) + extras:
            predicted = model.predict(io[x_key], batch_size=len(io[x_key]))
            if predicted.shape != io[y_key].shape:
                raise AssertionError("%s: shape %s, golden %s" % (case, predicted.shape, io[y_key].shape))
            diffs.append(float(np.abs(predicted.astype(np.float64) - io[y_key]).max()))
        results[case] = max(diffs)
        print("%-22s max abs diff vs golden %.3e (%d samples)" % (case, results[case], len(io["x"])))
    return results


if __name__ == "__main__":
    found = check()
    print(json.dumps({"max_abs_diff_vs_golden": found, "worst": max(found.values())}, sort_keys=True))
    sys.exit(0 if max(found.values()) <= TOLERANCE else 1)
