"""``resources.transposed_conv_same_padding_exact``: where the running Keras computes a transposed
convolution with padding='same' and a stride > 1 shifted by one pixel (Keras 3.5.0-3.14.0 on torch,
``flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT`` False), a file holding one is refused in one typed
line, whatever era wrote it (the check reads the config as the source's rewrites left it: a Keras 1
``Deconvolution2D(subsample=(2, 2), border_mode='same')`` was loaded with numbers 1.38 off on Keras 3.5
+ PyTorch while the check read only Keras 2's names); elsewhere it loads. The capability is patched,
so every environment runs both sides.
"""

import os

import pytest

from compat_attention import errors, load_legacy_model
from compat_attention._keras import flavour
from compat_attention.io import resources
from compat_attention.io.structure import Subject

REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "legacy_reference")
ZOO = os.path.join(REFERENCE, "zoo")


def _model(class_name="Conv2DTranspose", padding="same", strides=(2, 2), wrapper=None):
    layer = {"class_name": class_name, "config": {"name": "up", "filters": 2, "kernel_size": [3, 3],
                                                  "padding": padding, "strides": list(strides)}}
    if wrapper:
        layer = {"class_name": wrapper, "config": {"name": "wrapped", "layer": layer}}
    return {"class_name": "Sequential", "config": [layer]}


def _check(model_config):
    resources.transposed_conv_same_padding_exact(Subject("m.h5", model_config))


def test_the_check_runs_on_the_rewritten_config():
    assert resources.COMPUTED == (resources.transposed_conv_same_padding_exact,
                                  resources.transposed_conv_output_padding_taken)
    assert resources.transposed_conv_same_padding_exact not in resources.RESOURCES


@pytest.mark.parametrize("model_config", [
    _model(), _model("Conv3DTranspose", strides=(1, 2, 1)), _model("Conv1DTranspose", strides=(2,)),
    _model(wrapper="TimeDistributed"), _model("LegacyConv2DTranspose")], ids=["2d", "3d", "1d", "wrapped", "legacy"])
def test_refused_where_this_keras_shifts_it(monkeypatch, model_config):
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", False)
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        _check(model_config)
    message = str(caught.value)
    assert isinstance(caught.value, errors.LegacyFileError) and "\n" not in message
    assert message.startswith("m.h5: ") and "'up'" in message and "Transpose" in message
    assert "shifted by one pixel" in message and "keras>=3.15.1" in message and "JAX" in message


@pytest.mark.parametrize("model_config", [_model(padding="valid"), _model(strides=(1, 1)), _model("Conv2D")],
                         ids=["valid", "stride-1", "not-transposed"])
def test_accepted_where_nothing_shifts(monkeypatch, model_config):
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", False)
    _check(model_config)


def test_accepted_where_this_keras_computes_it_exactly(monkeypatch):
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", True)
    _check(_model())


def test_load_refuses_the_zoo_file_before_building(monkeypatch):
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", False)
    path = os.path.join(ZOO, "conv2d_stack.h5")
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        load_legacy_model(path)
    assert str(caught.value).startswith(path) and "Conv2DTranspose 'conv2d_transpose_1'" in str(caught.value)


@pytest.mark.parametrize("era_file,layer", [
    ("eras/keras1_2/conv2d_stack_tf.h5", "Conv2DTranspose 'deconvolution2d_1'"),
    ("eras/keras2_3/conv2d_stack.h5", "Conv2DTranspose 'conv2d_transpose_1'")], ids=["keras1_2", "keras2_3"])
def test_load_refuses_every_eras_file(monkeypatch, era_file, layer):
    path = os.path.join(REFERENCE, era_file)
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", False)
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        load_legacy_model(path)
    assert str(caught.value).startswith(path) and layer in str(caught.value)
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_SAME_PADDING_EXACT", True)
    assert load_legacy_model(path) is not None


def test_output_padding_with_a_zero_is_refused_where_this_keras_refuses_it(monkeypatch):
    config = _model(padding="valid")
    config["config"][0]["config"]["output_padding"] = [1, 0]
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING", False)
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        resources.transposed_conv_output_padding_taken(Subject("m.h5", config))
    message = str(caught.value)
    assert message.startswith("m.h5: ") and "'up'" in message and "output_padding [1, 0]" in message
    assert "keras>=3.15.1" in message and "\n" not in message
    config["config"][0]["config"]["output_padding"] = [1, 1]
    resources.transposed_conv_output_padding_taken(Subject("m.h5", config))  # no 0: made everywhere
    monkeypatch.setattr(flavour, "TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING", True)
    config["config"][0]["config"]["output_padding"] = [1, 0]
    resources.transposed_conv_output_padding_taken(Subject("m.h5", config))


def test_the_capability_is_what_the_running_keras_does():
    from compat_attention._keras.flavour import keras

    try:
        keras.layers.Conv2DTranspose(2, 3, strides=2, output_padding=(1, 0))
        made = True
    except ValueError:
        made = False
    assert made is flavour.TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING
