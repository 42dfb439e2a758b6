"""compat_attention.io.sources.keras1_2: Keras 1.2 files the genuine era folders do not hold.

Keras 1.2.2 writes nothing that says Theano; the loader tells it by the weight names (TensorFlow's end in
``:0``, Theano's do not). A Theano file whose layers Keras 1 computed with Theano's own padding must be
refused, never loaded with TensorFlow's numbers: here a genuine TensorFlow-backend file is given Theano's
weight names (the only difference a Theano file of the same model has besides the kernels' values).
"""

import json
import os
import shutil

import h5py
import pytest

from compat_attention import errors, load_legacy_model
from compat_attention._keras import flavour

ERA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "legacy_reference", "eras", "keras1_2")


def _as_theano(name, tmp_path, edit=None):
    """A copy of era file ``name`` with every weight name's ``:0`` dropped, as Keras 1 on Theano named them,
    and its model config passed through ``edit`` (``fn(layer entries)``) where given."""
    path = str(tmp_path / name)
    shutil.copy(os.path.join(ERA, name), path)
    with h5py.File(path, "r+") as handle:
        if edit is not None:
            config = json.loads(_text(handle.attrs["model_config"]))
            edit(config["config"])
            handle.attrs["model_config"] = json.dumps(config).encode()
        group = handle["model_weights"]
        for layer in group.attrs["layer_names"]:
            layer = group[layer.decode() if isinstance(layer, bytes) else layer]
            names = [n.decode() if isinstance(n, bytes) else n for n in layer.attrs["weight_names"]]
            for old in names:
                layer.move(old, old[:-2])
            layer.attrs["weight_names"] = [n[:-2].encode() for n in names]
    return path


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _pools_valid(layers):
    """The file's 'same' pooling made 'valid' (Theano padded 'same' pooling otherwise: refused first)."""
    for layer in layers:
        if "Pooling" in layer["class_name"] and layer["config"].get("border_mode") == "same":
            layer["config"]["border_mode"] = "valid"


def _refusal(path):
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        load_legacy_model(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path)
    return message


def test_a_theano_same_pooling_is_refused_in_one_line(tmp_path):
    message = _refusal(_as_theano("conv2d_stack_th.h5", tmp_path))
    assert "'averagepooling2d_1' (AveragePooling2D) pools with border_mode='same'" in message
    assert "written on Theano" in message


def test_a_theano_deconvolution2d_is_refused_in_one_line(tmp_path):
    message = _refusal(_as_theano("conv2d_stack_th.h5", tmp_path, edit=_pools_valid))
    assert "Deconvolution2D) on Theano" in message and "does not reproduce" in message


def test_a_theano_dilated_convolution_padded_otherwise_is_refused(tmp_path):
    def atrous_same(layers):
        _pools_valid(layers)
        layers[:] = [layer for layer in layers if layer["class_name"] != "Deconvolution2D"]
        atrous = next(layer for layer in layers if layer["class_name"] == "AtrousConvolution2D")
        atrous["config"]["border_mode"] = "same"  # its 2x2 kernel: Theano's 'half' puts the extra zeros first

    message = _refusal(_as_theano("conv2d_stack_th.h5", tmp_path, edit=atrous_same))
    assert "AtrousConvolution2D) on Theano" in message


def test_the_same_file_with_tensorflow_names_loads(tmp_path, monkeypatch):
    # What is checked is the reading of the names; where this Keras computes the file's strided 'same'
    # Conv2DTranspose shifted (Keras 3.5-3.14 on PyTorch), that layer alone would refuse the file.
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", True)
    path = str(tmp_path / "conv2d_stack_th.h5")
    shutil.copy(os.path.join(ERA, "conv2d_stack_th.h5"), path)
    assert load_legacy_model(path).count_params() > 0
