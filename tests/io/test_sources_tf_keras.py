"""compat_attention.io.sources.tf_keras1 / tf_keras2 and io/tells.py: which era reads a tf.keras file,
and each tf.keras rewrite before and after.

Recognition is checked on the genuine era files (``legacy_reference/eras/tf_keras*``): tf.keras of
TensorFlow 1.15 and TensorFlow 2.0 both wrote ``keras_version`` "2.2.4-tf", and computed a masked
``Bidirectional`` differently, so the file's own tells decide.
"""

import copy
import os

import numpy as np
import pytest

from compat_attention._keras.flavour import MULTI_HEAD_ATTENTION_NEEDS_BUILD_SHAPES
from compat_attention.io.configs import walk
from compat_attention.io.h5file import read_legacy_file
from compat_attention.io.loader import pick_source
from compat_attention.io.sources import tf_keras1, tf_keras2
from compat_attention.io.tells import TF1, TF2, initializer_tells, input_layer_tells, tensorflow_tells
from compat_attention.layers.activations import LegacyReLU
from compat_attention.layers.multi_head_attention import LegacyMultiHeadAttention

ERAS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "legacy_reference", "eras")


def _era_file(era, name):
    return read_legacy_file(os.path.join(ERAS, era, name))


def _layer(class_name, **config):
    return {"class_name": class_name, "config": dict(config)}


def _sequential(*layers, **body):
    return {"class_name": "Sequential", "config": dict(name="seq", layers=list(layers), **body)}


def _unchanged(rewrite, *args):
    before = copy.deepcopy(args)
    assert rewrite(*args) is False
    assert args == before


# -- recognition -----------------------------------------------------------------------------------

@pytest.mark.parametrize("era, name, reading", [
    ("tf_keras1_15", "emb_bilstm_concat.h5", tf_keras1.SOURCE),
    ("tf_keras1_15", "weights_gru_default_weights.h5", tf_keras1.SOURCE),
    ("tf_keras2_0", "emb_bilstm_concat.h5", tf_keras2.EARLY),
    ("tf_keras2_0", "weights_gru_default_weights.h5", tf_keras2.EARLY),
    ("tf_keras2_1", "emb_bilstm_concat.h5", tf_keras2.EARLY),
    ("tf_keras2_4", "emb_bilstm_concat.h5", tf_keras2.MIDDLE),
    ("tf_keras2_14", "emb_bilstm_concat.h5", tf_keras2.SOURCE),
])
def test_each_genuine_file_is_read_as_its_own_era(era, name, reading):
    assert pick_source(_era_file(era, name)) is reading


def test_the_two_2_2_4_tf_producers_show_their_own_tells():
    assert _era_file("tf_keras1_15", "emb_bilstm_concat.h5").keras_version == "2.2.4-tf"
    assert _era_file("tf_keras2_0", "emb_bilstm_concat.h5").keras_version == "2.2.4-tf"
    assert tensorflow_tells(_era_file("tf_keras1_15", "emb_bilstm_concat.h5")) == {TF1}
    assert tensorflow_tells(_era_file("tf_keras2_0", "emb_bilstm_concat.h5")) == {TF2}
    # Weights only: a default GRU's bias, (3U,) on TensorFlow 1.x, (2, 3U) on TensorFlow 2.
    assert tensorflow_tells(_era_file("tf_keras1_15", "weights_gru_default_weights.h5")) == {TF1}
    assert tensorflow_tells(_era_file("tf_keras2_0", "weights_gru_default_weights.h5")) == {TF2}


def test_a_2_2_4_tf_file_that_tells_neither_is_read_as_undecided():
    legacy = _era_file("tf_keras2_0", "emb_bilstm_concat.h5")
    for _, _, config, _ in walk(legacy.model_config):
        for key, value in list(config.items()):
            if key.endswith("_initializer"):
                del config[key]
    assert tensorflow_tells(legacy) == set()
    assert pick_source(legacy) is tf_keras2.UNDECIDED


def test_initializer_and_input_layer_tells():
    tf1 = _sequential(_layer("Dense", kernel_initializer=_layer("GlorotUniform", seed=None, dtype="float32")))
    tf2 = _sequential(_layer("Dense", kernel_initializer=_layer("GlorotUniform", seed=None)))
    custom = _sequential(_layer("Dense", kernel_initializer=_layer("MyInit", scale=2)))
    assert (initializer_tells(tf1), initializer_tells(tf2), initializer_tells(custom)) == ({TF1}, {TF2}, set())
    model = {"class_name": "Model", "config": {"layers": [_layer("InputLayer", name="in", ragged=False)]}}
    assert input_layer_tells(model) == {TF1}
    del model["config"]["layers"][0]["config"]["ragged"]
    assert input_layer_tells(model) == set()


def test_recurrent_defaults_of_each_era():
    assert tf_keras1.recurrent_defaults("2.2.4-tf") == {"activation": "tanh", "recurrent_activation": "hard_sigmoid",
                                                        "reset_after": False}
    assert tf_keras2.recurrent_defaults("2.14.0") == {"activation": "tanh", "recurrent_activation": "sigmoid",
                                                      "reset_after": True}


# -- the masked Bidirectional of each era -----------------------------------------------------------

def _bidirectional(inner_class, **inner):
    return _layer("Bidirectional", name="bi", merge_mode="concat", layer=_layer(inner_class, name="f", **inner))


def test_tf_keras1_leaves_a_masked_bidirectional_to_give_zeros_as_modern_keras_does():
    names = [fn.__name__ for fn in tf_keras1.SOURCE.rewrites.rewrites]
    assert "bidirectional_masked_steps_repeat_output" not in names
    assert "masked_steps_repeat_output" not in names
    assert "drop_initializer_dtype" in names


def test_bidirectional_cudnn_path_repeats_masked_output():
    rewrite = tf_keras2.bidirectional_cudnn_path_repeats_masked_output
    config = _bidirectional("LSTM", units=3, return_sequences=True)["config"]
    assert rewrite("Bidirectional", config) is True
    assert config["layer"]["class_name"] == "LegacyLSTM"
    gru = _bidirectional("GRU", units=3, return_sequences=True, reset_after=True)["config"]
    gru["backward_layer"] = _layer("GRU", name="b", units=3, return_sequences=True, go_backwards=True)
    assert rewrite("Bidirectional", gru) is True
    assert (gru["layer"]["class_name"], gru["backward_layer"]["class_name"]) == ("LegacyGRU", "LegacyGRU")
    # Off the cuDNN path (zeros there, as modern Keras), or not returning sequences: left alone.
    for inner in (dict(units=3, return_sequences=True, recurrent_activation="hard_sigmoid"),
                  dict(units=3, return_sequences=True, recurrent_dropout=0.1),
                  dict(units=3, return_sequences=True, unroll=True),
                  dict(units=3, return_sequences=False)):
        _unchanged(rewrite, "Bidirectional", _bidirectional("LSTM", **inner)["config"])
    _unchanged(rewrite, "Bidirectional", _bidirectional("GRU", units=3, return_sequences=True,
                                                        reset_after=False)["config"])
    _unchanged(rewrite, "Bidirectional", _bidirectional("SimpleRNN", units=3, return_sequences=True)["config"])
    _unchanged(rewrite, "TimeDistributed", _bidirectional("LSTM", units=3, return_sequences=True)["config"])


# -- tf.keras 2's own rewrites ----------------------------------------------------------------------

def test_sequential_input_layer_entry():
    model = _sequential(_layer("InputLayer", name="in", batch_input_shape=[None, 4], dtype="int32"),
                        _layer("Dense", name="d", units=2))
    assert tf_keras2.sequential_input_layer_entry(model) is True
    assert model == _sequential(_layer("Dense", name="d", units=2),
                                input={"batch_shape": [None, 4], "dtype": "int32"})
    _unchanged(tf_keras2.sequential_input_layer_entry, model)


def test_convolution_drops_groups_of_one():
    config = {"filters": 2, "groups": 1}
    assert tf_keras2.convolution_drops_groups_of_one("Conv2DTranspose", config) is True
    assert config == {"filters": 2}
    _unchanged(tf_keras2.convolution_drops_groups_of_one, "Conv2D", {"groups": 1})
    _unchanged(tf_keras2.convolution_drops_groups_of_one, "SeparableConv2D", {"groups": 2})


def test_dtype_policy_by_name():
    config = {"dtype": {"class_name": "Policy", "config": {"name": "mixed_float16"}}}
    assert tf_keras2.dtype_policy_by_name("Dense", config) is True
    assert config == {"dtype": "mixed_float16"}
    _unchanged(tf_keras2.dtype_policy_by_name, "Dense", config)


def test_multi_head_attention_build_shapes():
    rewrite = tf_keras2.multi_head_attention_build_shapes
    written = {"num_heads": 2, "query_shape": [None, 3, 4], "key_shape": None, "value_shape": [None, 3, 4]}
    if MULTI_HEAD_ATTENTION_NEEDS_BUILD_SHAPES:  # tf.keras 2.10-2.15: kept, completed where a 2.4-2.9 file lacks them
        _unchanged(rewrite, "MultiHeadAttention", written)
        config = {"num_heads": 2}
        assert rewrite("LegacyMultiHeadAttention", config) is True
        assert config == {"num_heads": 2, "query_shape": None, "key_shape": None, "value_shape": None}
    else:  # Keras 3 refuses them; tf.keras 2.4-2.9 never wrote them
        assert rewrite("MultiHeadAttention", written) is True
        assert written == {"num_heads": 2}
        _unchanged(rewrite, "MultiHeadAttention", written)
    _unchanged(rewrite, "Dense", {"query_shape": 1})


def test_multi_head_attention_ignores_masks():
    model = {"class_name": "Model", "config": {"layers": [_layer("MultiHeadAttention", name="mha", num_heads=2)]}}
    assert tf_keras2.multi_head_attention_ignores_masks(model) is True
    assert model["config"]["layers"][0]["class_name"] == LegacyMultiHeadAttention.__name__
    _unchanged(tf_keras2.multi_head_attention_ignores_masks, model)


def test_tf_keras1_relu_is_keras_2s_with_a_negative_threshold():
    assert tf_keras1.SOURCE.custom_objects["ReLU"] is LegacyReLU
    x = np.array([[-2.0, -1.0, -0.5, -0.25, 0.0, 0.5, 1.5, 3.0]], "float32")
    # backend.relu: x * (x > t), clipped to [0, max_value], minus slope * relu(t - x).
    clipped = LegacyReLU(max_value=2.0, negative_slope=0.25, threshold=-0.5)
    np.testing.assert_array_equal(np.asarray(clipped(x)), [[-0.375, -0.125, 0, 0, 0, 0.5, 1.5, 2.0]])
    unclipped = LegacyReLU(negative_slope=0.25, threshold=-0.5)
    np.testing.assert_array_equal(np.asarray(unclipped(x)), [[-0.375, -0.125, 0, -0.25, 0, 0.5, 1.5, 3.0]])
    assert LegacyReLU.from_config(clipped.get_config()).threshold == -0.5


def test_locally_connected_of_another_implementation_is_refused_truly():
    from compat_attention import errors, load_legacy_model

    path = os.path.join(ERAS, "tf_keras1_15", "locally_connected_implementation.h5")
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        load_legacy_model(path)
    message = str(caught.value)
    assert message.startswith(path + ": layer ") and "\n" not in message
    assert "is a LocallyConnected1D with implementation=2, whose kernel layout this loader does not convert" in message
