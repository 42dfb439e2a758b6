"""One corpus of bad model files, for every loader that reads .h5 model files.

Each entry makes a broken file (or a path where no usable file is) in a temporary folder
and says, per loader, which typed error that loader raises and words its one-line message
holds. A loader that is not named in an entry is not asked about that file.
"""

import json
import os
import shutil

import h5py
import numpy as np

from compat_attention import errors
from legacy_reference import oracle
from support import DATA, legacy_writer

LEGACY = "load_legacy_model"
PACKAGE = "load_attention_package_model"
LOADERS = (LEGACY, PACKAGE)

ECHO = oracle.golden_path("echo_seq.h5")
PACKAGE_DATA = os.path.join(DATA, "attention_pkg")
LUONG = os.path.join(PACKAGE_DATA, "luong_functional.h5")
BAHDANAU = os.path.join(PACKAGE_DATA, "bahdanau_sequential.h5")
#: A Lambda of the legacy corpus creates this file in the temporary folder if it ever runs.
MARKER = "compat_attention_lambda_ran"


def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def with_config(src, path, edit, keras_version=None):
    """A copy of ``src`` whose model config went through ``edit`` (and, given, another keras_version)."""
    shutil.copy(src, path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        edit(config)
        f.attrs["model_config"] = np.bytes_(json.dumps(config))
        if keras_version:
            f.attrs["keras_version"] = np.bytes_(keras_version)
    return path


def _package_attention(config):
    return [layer for layer in config["config"]["layers"] if layer["class_name"] == "Attention"]


# -- the makers: each takes the temporary folder (str) and returns the path to load --------

def missing(tmp):
    return os.path.join(tmp, "nowhere.h5")


def empty(tmp):
    return _write(os.path.join(tmp, "empty.h5"), b"")


def directory(tmp):
    path = os.path.join(tmp, "a_folder.h5")
    os.mkdir(path)
    return path


def not_hdf5(tmp):
    return _write(os.path.join(tmp, "model.h5"), b"this is a text file that someone renamed to .h5\n")


def truncated(tmp):
    with open(ECHO, "rb") as f:
        return _write(os.path.join(tmp, "truncated.h5"), f.read()[:os.path.getsize(ECHO) // 2])


def truncated_package_file(tmp):
    with open(LUONG, "rb") as f:
        return _write(os.path.join(tmp, "cut.h5"), f.read()[:30000])


def hdf5_not_keras(tmp):
    path = os.path.join(tmp, "data.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("measurements", data=np.arange(10))
    return path


def keras0(tmp):
    """A Keras before 1 (Keras 1.2.x files are read since issue 24: see tests/io_eras)."""
    path = os.path.join(tmp, "keras0.h5")
    shutil.copy(ECHO, path)
    with h5py.File(path, "a") as f:
        f.attrs["keras_version"] = np.bytes_("0.3.3")
    return path


def keras_3_file(tmp):
    return with_config(LUONG, os.path.join(tmp, "k3.h5"), lambda config: None, keras_version="3.3.3")


def unknown_layer(tmp):
    def edit(config):
        config["config"][0]["class_name"] = "FancyLSTM"
    return with_config(ECHO, os.path.join(tmp, "unknown.h5"), edit)


def weight_shape_mismatch(tmp):
    def edit(config):
        config["config"][1]["config"]["units"] = 149
    return with_config(ECHO, os.path.join(tmp, "shapes.h5"), edit)


def weight_count_mismatch(tmp):
    path = os.path.join(tmp, "count.h5")
    shutil.copy(ECHO, path)
    with h5py.File(path, "a") as f:
        group = f["model_weights/AttentionDecoder"]
        group.attrs["weight_names"] = list(group.attrs["weight_names"])[:-1]
    return path


def legacy_weights_only(tmp):
    return oracle.golden_path("echo_seq_weights.h5")


def package_weights_only(tmp):
    return os.path.join(PACKAGE_DATA, "luong_functional_weights.h5")


def legacy_attention_decoder(tmp):
    return oracle.golden_path("echo_seq_full.h5")


def lambda_layer(tmp):
    """A legacy-layout model whose Lambda, if it ever ran, would create the marker file."""
    path = os.path.join(tmp, "lambda.h5")
    marker = os.path.join(tmp, MARKER)
    config = legacy_writer.functional_config([
        ("input_1", legacy_writer.input_config("input_1", (None, 3)), None),
        ("lambda_1", {"class_name": "Lambda", "config": {
            "name": "lambda_1", "trainable": True, "function_type": "lambda", "output_shape": None,
            "arguments": {}, "function": ["open(%r, 'w')" % marker, None, None]}}, "input_1"),
    ], "input_1", "lambda_1")
    legacy_writer.write(path, config, [("input_1", []), ("lambda_1", [])])
    return path


def package_lambda_layer(tmp):
    def edit(config):
        layers = config["config"]["layers"]
        layers.insert(3, {"class_name": "Lambda", "name": "evil", "inbound_nodes": [[["attention", 0, 0, {}]]],
                          "config": {"name": "evil", "function": ["not bytecode", None, None],
                                     "function_type": "lambda", "module": "builtins", "output_shape": None,
                                     "arguments": {}}})
        layers[4]["inbound_nodes"] = [[["evil", 0, 0, {}]]]
    return with_config(LUONG, os.path.join(tmp, "l.h5"), edit)


def keras_builtin_attention(tmp):
    def edit(config):
        for layer in _package_attention(config):
            layer["config"] = {"name": "attention", "trainable": True, "dtype": "float32", "use_scale": False}
    return with_config(LUONG, os.path.join(tmp, "b.h5"), edit)


def unknown_score(tmp):
    def edit(config):
        for layer in _package_attention(config):
            layer["config"]["score"] = "general"
    return with_config(LUONG, os.path.join(tmp, "s.h5"), edit)


def package_weights_do_not_fit(tmp):
    def edit(config):
        for layer in _package_attention(config):
            layer["config"]["units"] = 16
    return with_config(BAHDANAU, os.path.join(tmp, "u.h5"), edit)


def _both(error, words):
    return {LEGACY: (error, words), PACKAGE: (error, words)}


#: maker -> {loader: (error class, words of its message)}. The problems of the file itself
#: (none, empty, not HDF5, no model, another Keras) get the same error from every loader; the
#: rest are about what one loader reads in the model.
CORPUS = {
    missing: _both(errors.NotAFileError, "no such file"),
    empty: _both(errors.NotAFileError, "is empty"),
    directory: _both(errors.NotAFileError, "is a directory"),
    not_hdf5: _both(errors.NotHDF5Error, "not an HDF5"),
    truncated: _both(errors.NotHDF5Error, "truncated or corrupted"),
    truncated_package_file: _both(errors.NotHDF5Error, "truncated or corrupted"),
    hdf5_not_keras: _both(errors.NotAKerasFileError, "holds no Keras model"),
    keras0: _both(errors.UnsupportedVersionError, "written by Keras 0.3.3"),
    keras_3_file: _both(errors.UnsupportedVersionError, "written by Keras 3.3.3"),
    legacy_weights_only: {LEGACY: (errors.NotAKerasFileError, "load_legacy_weights"),
                          PACKAGE: (errors.NotAKerasFileError, "weights only")},
    package_weights_only: {LEGACY: (errors.NotAKerasFileError, "load_legacy_weights"),
                           PACKAGE: (errors.NotAKerasFileError, "weights only")},
    # the Keras 2.0.x AttentionDecoder reader
    unknown_layer: {LEGACY: (errors.UnknownLayerError, "'FancyLSTM'")},
    weight_shape_mismatch: {LEGACY: (errors.WeightMismatchError, "expects 21 weights of shapes")},
    weight_count_mismatch: {LEGACY: (errors.WeightMismatchError, "the file has 20")},
    lambda_layer: {LEGACY: (errors.UnsafeLambdaError, "is a Lambda")},
    # the attention package reader
    legacy_attention_decoder: {PACKAGE: (errors.LegacyFileError, "load_legacy_model")},
    package_lambda_layer: {PACKAGE: (errors.UnsafeLambdaError, "Lambda")},
    keras_builtin_attention: {PACKAGE: (errors.UnknownLayerError, "no Attention layer of the attention package")},
    unknown_score: {PACKAGE: (errors.UnknownLayerError, "score='general'")},
    package_weights_do_not_fit: {PACKAGE: (errors.WeightMismatchError, "expects")},
}


def cases(*loaders):
    """``pytest.param(loader, maker, error, words)`` for each file each of ``loaders`` is asked about."""
    import pytest

    return [pytest.param(loader, maker, *expected[loader], id="%s-%s" % (loader, maker.__name__))
            for loader in loaders for maker, expected in CORPUS.items() if loader in expected]
