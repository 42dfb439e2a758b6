"""Write small files in the Keras 2.0.8 .h5 layout, for cases the golden set lacks.

Layout as recorded in the golden manifest: root attrs keras_version, backend,
model_config (JSON); group model_weights with attr layer_names, one group per layer
with attr weight_names and one dataset per weight.
"""

import json

import h5py
import numpy as np

RECURRENT_BASE = {"trainable": True, "return_sequences": True, "return_state": False, "go_backwards": False,
                  "stateful": False, "unroll": False, "implementation": 0}


def gru_config(name, units):
    config = dict(RECURRENT_BASE, name=name, units=units, activation="tanh", recurrent_activation="hard_sigmoid",
                  use_bias=True, dropout=0.0, recurrent_dropout=0.0,
                  kernel_initializer={"class_name": "VarianceScaling", "config": {
                      "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
                  recurrent_initializer={"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
                  bias_initializer={"class_name": "Zeros", "config": {}})
    return {"class_name": "GRU", "config": config}


def decoder_config(name, units, output_dim):
    return {"class_name": "AttentionDecoder",
            "config": dict(RECURRENT_BASE, name=name, units=units, output_dim=output_dim, return_probabilities=False)}


def dense_config(name, units, activation):
    return {"class_name": "Dense", "config": {
        "name": name, "trainable": True, "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": {"class_name": "VarianceScaling", "config": {
            "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}}}}


def functional_config(layers, input_name, output_name):
    """layers: list of (name, class/config dict, inbound layer name or None)."""
    entries = []
    for name, spec, inbound in layers:
        entries.append({"name": name, "class_name": spec["class_name"], "config": spec["config"],
                        "inbound_nodes": [[[inbound, 0, 0, {}]]] if inbound else []})
    return {"class_name": "Model", "config": {"name": "model_1", "layers": entries,
                                              "input_layers": [[input_name, 0, 0]],
                                              "output_layers": [[output_name, 0, 0]]}}


def input_config(name, batch_shape):
    return {"class_name": "InputLayer", "config": {"batch_input_shape": list(batch_shape), "dtype": "float32",
                                                   "sparse": False, "name": name}}


def write(path, model_config, weights, keras_version="2.0.8"):
    """weights: list of (layer name, [(weight name, array), ...]) in model order."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = np.bytes_(keras_version)
        f.attrs["backend"] = np.bytes_("tensorflow")
        f.attrs["model_config"] = np.bytes_(json.dumps(model_config))
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [np.bytes_(n) for n, _ in weights]
        for layer_name, arrays in weights:
            layer_group = group.create_group(layer_name)
            names = ["%s/%s:0" % (layer_name, w) for w, _ in arrays]
            layer_group.attrs["weight_names"] = [np.bytes_(n) for n in names]
            for name, (_, array) in zip(names, arrays):
                layer_group.create_dataset(name, data=array)
