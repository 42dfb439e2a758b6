"""The standalone Keras 2.1.x and 2.2.x-2.3.x sources (``io/sources/keras2_1.py``, ``keras2_2.py``) and
``io/cudnn.py``: recognition, each era-specific rewrite before and after, the era's defaults, CuDNN weights.

The genuine files read here are the repository's own (``legacy_reference/eras/``).
"""

import copy
import os

import numpy as np
import pytest

from compat_attention import errors, load_legacy_weights
from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
from compat_attention.io import cudnn
from compat_attention.io.h5file import read_legacy_file
from compat_attention.io.loader import pick_source
from compat_attention.io.sources import keras2_0, keras2_1, keras2_2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ERAS = os.path.join(ROOT, "legacy_reference", "eras")


def _unchanged(rewrite, *args):
    before = copy.deepcopy(args)
    assert rewrite(*args) is False
    assert args == before


def _legacy(era, name):
    legacy = read_legacy_file(os.path.join(ERAS, era, name))
    legacy.source = pick_source(legacy)
    return legacy


# -- recognition and defaults --------------------------------------------------------------------------

@pytest.mark.parametrize("era,source", [("keras2_1", keras2_1.SOURCE), ("keras2_2", keras2_2.SOURCE),
                                        ("keras2_3", keras2_2.SOURCE)])
def test_each_era_file_goes_to_its_source(era, source):
    assert _legacy(era, "default_lstm.h5").source is source


def test_tf_keras_and_2_0_versions_are_not_theirs_and_another_backend_is_refused():
    legacy = read_legacy_file(os.path.join(ERAS, "keras2_2", "default_lstm.h5"))
    for version in ("2.2.4-tf", "2.1.6-tf", "2.0.8"):
        legacy.keras_version = version
        assert keras2_1.SOURCE.evidence(legacy) is False and keras2_2.SOURCE.evidence(legacy) is False
    legacy.keras_version, legacy.backend = "2.2.4", "theano"
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        keras2_2.SOURCE.evidence(legacy)
    assert "'theano' backend" in str(caught.value) and "\n" not in str(caught.value)


def test_recurrent_defaults_of_each_era():
    hard = {"activation": "tanh", "recurrent_activation": "hard_sigmoid", "reset_after": False,
            "masked_steps": "repeat"}
    assert keras2_1.recurrent_defaults("2.1.6") == hard
    assert keras2_2.recurrent_defaults("2.2.4") == hard
    assert keras2_2.recurrent_defaults("2.3.1") == dict(hard, recurrent_activation="sigmoid")
    assert keras2_0.SOURCE is not keras2_2.SOURCE


def test_their_rewrites_list_the_cudnn_layers_before_the_recurrent_facts():
    for source in (keras2_1.SOURCE, keras2_2.SOURCE):
        names = [fn.__name__ for fn in source.rewrites.rewrites]
        assert names.index("cudnn_gru_as_gru") < names.index("gru_without_reset_after")
        assert names.index("cudnn_lstm_as_lstm") < names.index("legacy_hard_sigmoid")
    assert "time_distributed_inner_sees_no_mask" in [fn.__name__ for fn in keras2_1.SOURCE.rewrites.rewrites]
    assert "time_distributed_inner_sees_no_mask" not in [fn.__name__ for fn in keras2_2.SOURCE.rewrites.rewrites]


# -- Keras 2.2-2.3 rewrites ----------------------------------------------------------------------------

def _td_model(batch):
    return {"class_name": "Model", "config": {"layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [batch, 4, 3, 2]}},
        {"class_name": "TimeDistributed", "config": {"name": "td", "layer": {
            "class_name": "GRU", "config": {"name": "g", "units": 3}}}}]}}


def test_time_distributed_ignores_the_mask_with_a_fixed_batch():
    model = _td_model(5)
    assert keras2_2.time_distributed_ignores_the_mask_with_a_fixed_batch(model) is True
    inner = model["config"]["layers"][1]["config"]["layer"]
    assert inner == {"class_name": "LegacyGRU", "config": {"name": "g", "units": 3, "ignore_mask": True}}
    _unchanged(keras2_2.time_distributed_ignores_the_mask_with_a_fixed_batch, _td_model(None))


def test_relu_layer_computes_keras_2_relu():
    config = {"name": "r", "threshold": -0.5, "negative_slope": 0.1, "max_value": 2.0}
    assert keras2_2.relu_layer_computes_keras_2_relu("ReLU", config) == "LegacyReLU"
    assert config == {"name": "r", "threshold": -0.5, "negative_slope": 0.1, "max_value": 2.0}
    _unchanged(keras2_2.relu_layer_computes_keras_2_relu, "LeakyReLU", {"alpha": 0.3})


def test_upsampling_bilinear_samples_as_tf_1():
    config = {"name": "u", "size": [2, 3], "interpolation": "bilinear"}
    assert keras2_2.upsampling_bilinear_samples_as_tf_1("UpSampling2D", config) == "LegacyUpSampling2D"
    _unchanged(keras2_2.upsampling_bilinear_samples_as_tf_1, "UpSampling2D", {"size": [2, 2], "interpolation": "nearest"})


def test_every_rewrite_of_the_keras2_2_module_is_tested_here():
    marked = sorted(name for name, value in vars(keras2_2).items() if getattr(value, "kind", None))
    tested = sorted(name[len("test_"):] for name in globals() if name.startswith("test_"))
    assert marked and set(marked) <= set(tested), sorted(set(marked) - set(tested))


# -- CuDNN ------------------------------------------------------------------------------------------------

def test_cudnn_lstm_as_lstm():
    config = {"name": "c", "units": 3}
    assert cudnn.cudnn_lstm_as_lstm("CuDNNLSTM", config) == "LSTM"
    assert config == {"name": "c", "units": 3, "activation": "tanh", "recurrent_activation": "sigmoid",
                      "use_bias": True}
    _unchanged(cudnn.cudnn_lstm_as_lstm, "LSTM", {"name": "l", "units": 3})


def test_cudnn_gru_as_gru():
    config = {"name": "c", "units": 3}
    assert cudnn.cudnn_gru_as_gru("CuDNNGRU", config) == "GRU"
    assert config["reset_after"] is True and config["recurrent_activation"] == "sigmoid"
    _unchanged(cudnn.cudnn_gru_as_gru, "GRU", {"name": "g", "units": 3})


def _cudnn_lstm_numpy(x, kernel, recurrent, bias):
    """cuDNN's LSTM from its own layout: per gate W (U, D) and R (U, U) read in C order from the kernel
    and recurrent blocks, gate = W x + R h + both biases."""
    units = recurrent.shape[0]
    w = [b.reshape(units, -1) for b in np.split(kernel, 4, axis=1)]
    r = [b.reshape(units, units) for b in np.split(recurrent, 4, axis=1)]
    bw, br = np.split(bias, 2)
    bw, br = np.split(bw, 4), np.split(br, 4)
    h = np.zeros((x.shape[0], units))
    c = np.zeros_like(h)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(x.shape[1]):
        gate = [x[:, t] @ w[k].T + h @ r[k].T + bw[k] + br[k] for k in range(4)]
        c = sigmoid(gate[1]) * c + sigmoid(gate[0]) * np.tanh(gate[2])
        h = sigmoid(gate[3]) * np.tanh(c)
    return h


def test_a_converted_cudnn_lstm_computes_cudnn_s_numbers():
    rng = np.random.RandomState(0)
    x = rng.randn(3, 4, 2).astype("float32")
    arrays = [rng.randn(2, 12).astype("float32"), rng.randn(3, 12).astype("float32"),
              rng.randn(24).astype("float32")]
    assert cudnn.is_cudnn_layout(arrays) == "LSTM"
    layer = keras.layers.LSTM(3)
    layer.build((None, 4, 2))
    layer.set_weights(cudnn.to_plain("LSTM", arrays))
    got = ops.convert_to_numpy(layer(x))
    assert np.abs(got - _cudnn_lstm_numpy(x.astype(np.float64), *arrays)).max() < 1e-5


def _cudnn_target(**gru):
    return keras.Sequential([keras.Input((7, 5)), keras.layers.LSTM(5, return_sequences=True),
                             keras.layers.GRU(4, **gru)])


@pytest.mark.parametrize("era", ["keras2_1", "keras2_2", "keras2_3"])
def test_load_legacy_weights_converts_cudnn_weights_into_plain_layers(era):
    """save_weights of Sequential([CuDNNLSTM(5, return_sequences=True), CuDNNGRU(4)]) into today's
    defaults (sigmoid gates, GRU reset_after=True): the stack's own outputs."""
    stored = np.load(os.path.join(ERAS, era, "weights_cudnn_io.npz"))
    model = load_legacy_weights(_cudnn_target(), os.path.join(ERAS, era, "weights_cudnn_weights.h5"))
    assert np.abs(ops.convert_to_numpy(model(stored["x0"])) - stored["y0"]).max() <= 1e-5


def test_a_cudnn_gru_into_a_gru_without_reset_after_is_refused_naming_the_setting():
    path = os.path.join(ERAS, "keras2_2", "weights_cudnn_weights.h5")
    with pytest.raises(errors.WeightMismatchError) as caught:
        load_legacy_weights(_cudnn_target(reset_after=False), path)
    message = str(caught.value)
    assert "\n" not in message and "CuDNNGRU" in message and "reset_after=True" in message
