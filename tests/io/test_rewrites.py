"""compat_attention.io.rewrites: every named rewrite, before and after, and ``RewriteSet``.

For each rewrite: a small config in, the exact config out and True returned; and a config it must
leave alone, returned False and unchanged. The rewrites are plain functions: each test calls one.
"""

import copy

import pytest

from compat_attention.io import rewrites
from compat_attention.io.rewrites import RewriteSet
from compat_attention.layers.activations import LEGACY_HARD_SIGMOID


def _layer(class_name, **config):
    return {"class_name": class_name, "config": dict(config)}


def _sequential(*layers):
    return {"class_name": "Sequential", "config": {"name": "seq", "layers": list(layers)}}


def _unchanged(rewrite, *args):
    before = copy.deepcopy(args)
    assert rewrite(*args) is False
    assert args == before


# -- model rewrites ----------------------------------------------------------------------------

def test_sequential_bare_list():
    model = {"class_name": "Sequential", "config": [_layer("Dense", name="d", units=2)]}
    assert rewrites.sequential_bare_list(model) is True
    assert model == {"class_name": "Sequential", "config": {"name": "sequential",
                                                            "layers": [_layer("Dense", name="d", units=2)]}}
    _unchanged(rewrites.sequential_bare_list, _sequential(_layer("Dense", name="d", units=2)))


def test_sequential_input_from_first_layer():
    model = _sequential(_layer("LSTM", name="l", units=3, batch_input_shape=[None, 5, 4], dtype="float16"),
                        _layer("Dense", name="d", units=2))
    assert rewrites.sequential_input_from_first_layer(model) is True
    assert model == {"class_name": "Sequential", "config": {
        "name": "seq", "layers": [_layer("LSTM", name="l", units=3), _layer("Dense", name="d", units=2)],
        "input": {"batch_shape": [None, 5, 4], "dtype": "float16"}}}
    no_dtype = _sequential(_layer("Dense", name="d", units=2, batch_input_shape=[None, 3]))
    assert rewrites.sequential_input_from_first_layer(no_dtype) is True
    assert no_dtype["config"]["input"] == {"batch_shape": [None, 3], "dtype": "float32"}
    # An Input heads it already (tf.keras 2), a functional model, a first layer without a shape: left alone.
    _unchanged(rewrites.sequential_input_from_first_layer,
               _sequential(_layer("InputLayer", name="in", batch_input_shape=[None, 3]), _layer("Dense", units=2)))
    _unchanged(rewrites.sequential_input_from_first_layer,
               {"class_name": "Model", "config": {"layers": [_layer("Dense", batch_input_shape=[None, 3])]}})
    _unchanged(rewrites.sequential_input_from_first_layer, _sequential(_layer("Dense", name="d", units=2)))


def test_drop_inner_batch_input_shape():
    model = {"class_name": "Model", "config": {"layers": [
        _layer("InputLayer", name="in", batch_input_shape=[None, 3]),
        _layer("Dense", name="d", units=2, batch_input_shape=[None, 3])]}}
    assert rewrites.drop_inner_batch_input_shape(model) is True
    assert model["config"]["layers"] == [_layer("InputLayer", name="in", batch_input_shape=[None, 3]),
                                         _layer("Dense", name="d", units=2)]
    _unchanged(rewrites.drop_inner_batch_input_shape, model)


# -- layer rewrites ----------------------------------------------------------------------------

def test_drop_embedding_input_length():
    config = {"name": "e", "input_dim": 10, "output_dim": 4, "input_length": 7}
    assert rewrites.drop_embedding_input_length("Embedding", config) is True
    assert config == {"name": "e", "input_dim": 10, "output_dim": 4}
    _unchanged(rewrites.drop_embedding_input_length, "Embedding", {"name": "e", "input_dim": 10, "output_dim": 4})
    _unchanged(rewrites.drop_embedding_input_length, "Dense", {"name": "d", "input_length": 7})


def test_initializer_class_names(monkeypatch):
    # The running Keras's spelling comes from _keras.internals; here one name is spelled otherwise.
    spelled = {"Orthogonal": "OrthogonalInitializer", "GlorotUniform": "GlorotUniform"}
    monkeypatch.setattr(rewrites, "initializer_class_name", spelled.get)
    config = {"name": "l", "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0}},
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {}}}
    assert rewrites.initializer_class_names("LSTM", config) is True
    assert config == {"name": "l", "recurrent_initializer": {"class_name": "OrthogonalInitializer",
                                                             "config": {"gain": 1.0}},
                      "kernel_initializer": {"class_name": "GlorotUniform", "config": {}}}
    _unchanged(rewrites.initializer_class_names, "LSTM", {"kernel_initializer": {"class_name": "GlorotUniform"},
                                                          "bias_initializer": "zeros"})
    _unchanged(rewrites.initializer_class_names, "LSTM", {"kernel_initializer": {"class_name": "Unknown"}})


def test_legacy_hard_sigmoid():
    config = {"name": "l", "activation": "tanh", "recurrent_activation": "hard_sigmoid"}
    changed = rewrites.legacy_hard_sigmoid("LSTM", config)
    assert config == {"name": "l", "activation": "tanh", "recurrent_activation": LEGACY_HARD_SIGMOID}
    # Where the running Keras's own hard_sigmoid still has slope 0.2 (Keras 2), the name is kept: no change.
    assert changed is (LEGACY_HARD_SIGMOID != "hard_sigmoid")
    _unchanged(rewrites.legacy_hard_sigmoid, "LSTM", {"activation": "tanh", "recurrent_activation": "sigmoid"})


def test_drop_recurrent_implementation():
    config = {"name": "l", "units": 3, "implementation": 2}
    assert rewrites.drop_recurrent_implementation("LSTM", config) is True
    assert config == {"name": "l", "units": 3}
    _unchanged(rewrites.drop_recurrent_implementation, "LSTM", {"name": "l", "units": 3})


def test_gru_without_reset_after():
    config = {"name": "g", "units": 3}
    assert rewrites.gru_without_reset_after("GRU", config) is True
    assert config == {"name": "g", "units": 3, "reset_after": False}
    _unchanged(rewrites.gru_without_reset_after, "GRU", {"name": "g", "units": 3, "reset_after": True})
    _unchanged(rewrites.gru_without_reset_after, "LSTM", {"name": "l", "units": 3})


def test_masked_steps_repeat_output():
    config = {"name": "s", "units": 3}
    assert rewrites.masked_steps_repeat_output("SimpleRNN", config) is True
    assert config == {"name": "s", "units": 3, "zero_output_for_mask": False}
    _unchanged(rewrites.masked_steps_repeat_output, "LSTM", {"units": 3, "zero_output_for_mask": False})
    _unchanged(rewrites.masked_steps_repeat_output, "Dense", {"units": 3})


@pytest.mark.parametrize("inner,legacy", [("LSTM", "LegacyLSTM"), ("GRU", "LegacyGRU"), ("SimpleRNN", "LegacySimpleRNN")])
def test_bidirectional_masked_steps_repeat_output(inner, legacy):
    config = {"name": "bi", "merge_mode": "concat", "layer": _layer(inner, name="r", units=3)}
    assert rewrites.bidirectional_masked_steps_repeat_output("Bidirectional", config) is True
    assert config == {"name": "bi", "merge_mode": "concat", "layer": _layer(legacy, name="r", units=3)}
    _unchanged(rewrites.bidirectional_masked_steps_repeat_output, "Bidirectional",
               {"name": "bi", "layer": _layer("Dense", units=3)})
    _unchanged(rewrites.bidirectional_masked_steps_repeat_output, "TimeDistributed",
               {"name": "td", "layer": _layer(inner, units=3)})


def test_time_distributed_inner_sees_no_mask():
    config = {"name": "td", "layer": _layer("GRU", name="g", units=3)}
    assert rewrites.time_distributed_inner_sees_no_mask("TimeDistributed", config) is True
    assert config == {"name": "td", "layer": _layer("LegacyGRU", name="g", units=3, ignore_mask=True)}
    _unchanged(rewrites.time_distributed_inner_sees_no_mask, "TimeDistributed",
               {"name": "td", "layer": _layer("Dense", units=3)})
    _unchanged(rewrites.time_distributed_inner_sees_no_mask, "Bidirectional",
               {"name": "bi", "layer": _layer("GRU", units=3)})


def test_spatial_dropout_drops_trainable():
    config = {"name": "sd", "rate": 0.5, "trainable": True}
    assert rewrites.spatial_dropout_drops_trainable("SpatialDropout2D", config) is True
    assert config == {"name": "sd", "rate": 0.5}
    _unchanged(rewrites.spatial_dropout_drops_trainable, "SpatialDropout1D", {"name": "sd", "rate": 0.5})
    _unchanged(rewrites.spatial_dropout_drops_trainable, "Dropout", {"rate": 0.5, "trainable": True})


def test_drop_time_major():
    config = {"name": "l", "units": 3, "time_major": False}
    assert rewrites.drop_time_major("LSTM", config) is True
    assert config == {"name": "l", "units": 3}
    _unchanged(rewrites.drop_time_major, "LSTM", {"name": "l", "units": 3})
    _unchanged(rewrites.drop_time_major, "LSTM", {"name": "l", "time_major": True})  # kept: Keras refuses it


# -- training rewrites ---------------------------------------------------------------------------

def test_optimizer_custom_prefix():
    config = {"optimizer_config": {"class_name": "Custom>Adam", "config": {"learning_rate": 0.01}}, "loss": "mse"}
    assert rewrites.optimizer_custom_prefix(config) is True
    assert config == {"optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.01}}, "loss": "mse"}
    _unchanged(rewrites.optimizer_custom_prefix, {"optimizer_config": {"class_name": "Adam"}})
    _unchanged(rewrites.optimizer_custom_prefix, {"loss": "mse"})


def test_nadam_decay_is_its_schedule_decay():
    config = {"optimizer_config": {"class_name": "Nadam", "config": {"learning_rate": 0.01, "decay": 0.004}}}
    assert rewrites.nadam_decay_is_its_schedule_decay(config) is True
    assert config["optimizer_config"]["config"] == {"learning_rate": 0.01, "schedule_decay": 0.004}
    _unchanged(rewrites.nadam_decay_is_its_schedule_decay, {"optimizer_config": {"class_name": "Adam", "config": {
        "decay": 0.1}}})  # Adam's decay is its learning rate's
    _unchanged(rewrites.nadam_decay_is_its_schedule_decay, {"optimizer_config": {"class_name": "Nadam", "config": {
        "decay": 0.1, "schedule_decay": 0.004}}})  # Keras 1-2.3's own keys
    _unchanged(rewrites.nadam_decay_is_its_schedule_decay, {"optimizer_config": {"class_name": "Nadam", "config": {
        "learning_rate": 0.01}}})  # tf.keras 2.11+
    _unchanged(rewrites.nadam_decay_is_its_schedule_decay, {"loss": "mse"})


def test_metrics_by_name():
    wrapper = {"class_name": "MeanMetricWrapper", "config": {"name": "accuracy", "dtype": "float32",
                                                               "fn": "categorical_accuracy"}}
    auc = {"class_name": "AUC", "config": {"name": "auc"}}
    config = {"metrics": [[wrapper, auc]], "loss": "mse"}
    assert rewrites.metrics_by_name(config) is True
    assert config == {"metrics": ["accuracy", auc], "loss": "mse"}
    _unchanged(rewrites.metrics_by_name, {"metrics": ["accuracy"]})
    _unchanged(rewrites.metrics_by_name, {"metrics": [["accuracy"], ["mae"]]})  # two outputs: a list each
    two = {"metrics": [[wrapper], ["mae"]]}
    assert rewrites.metrics_by_name(two) is True and two == {"metrics": [["accuracy"], ["mae"]]}
    _unchanged(rewrites.metrics_by_name, {"metrics": None})


def test_rnn_cells_keep_layer_facts():
    cell = _layer("LSTMCell", name="c", units=2, recurrent_activation="hard_sigmoid", implementation=1)
    config = {"name": "rnn", "cell": _layer("StackedRNNCells", cells=[cell])}
    assert rewrites.rnn_cells_keep_layer_facts("RNN", config) is True
    inner = config["cell"]["config"]["cells"][0]["config"]
    assert inner == {"name": "c", "units": 2, "recurrent_activation": LEGACY_HARD_SIGMOID}
    _unchanged(rewrites.rnn_cells_keep_layer_facts, "RNN", {"name": "rnn", "cell": _layer("SimpleRNNCell", units=2)})
    _unchanged(rewrites.rnn_cells_keep_layer_facts, "LSTM", {"name": "l", "implementation": 1})


@pytest.mark.parametrize("class_name", ["Conv1D", "MaxPooling1D", "AveragePooling1D"])
def test_channels_first_1d_transposed(class_name):
    config = {"name": "c", "data_format": "channels_first"}
    assert rewrites.channels_first_1d_transposed(class_name, config) == "Legacy" + class_name
    assert config == {"name": "c", "data_format": "channels_first"}  # the class changes, the config stays
    _unchanged(rewrites.channels_first_1d_transposed, class_name, {"name": "c", "data_format": "channels_last"})
    _unchanged(rewrites.channels_first_1d_transposed, "Conv2D", {"name": "c", "data_format": "channels_first"})


def test_conv_transpose_dilation_in_the_kernel():
    config = {"name": "t", "filters": 2, "dilation_rate": [2, 1]}
    assert rewrites.conv_transpose_dilation_in_the_kernel("Conv2DTranspose", config) == "LegacyConv2DTranspose"
    assert config == {"name": "t", "filters": 2, "dilation_rate": [2, 1]}
    _unchanged(rewrites.conv_transpose_dilation_in_the_kernel, "Conv2DTranspose", {"dilation_rate": [1, 1]})
    _unchanged(rewrites.conv_transpose_dilation_in_the_kernel, "Conv2D", {"dilation_rate": [2, 2]})


def test_every_rewrite_of_the_module_is_tested_here():
    marked = sorted(name for name, value in vars(rewrites).items() if getattr(value, "kind", None) in rewrites.KINDS)
    tested = sorted(name[len("test_"):] for name in globals() if name.startswith("test_"))
    assert marked and set(marked) <= set(tested), sorted(set(marked) - set(tested))


# -- RewriteSet ------------------------------------------------------------------------------------

def test_plan_rewrites_a_copy_wrapped_layers_first_and_names_what_it_applied():
    model = {"class_name": "Sequential", "config": [
        {"class_name": "Bidirectional", "config": {"name": "bi", "layer": _layer("GRU", name="g", units=3)}}]}
    before = copy.deepcopy(model)
    rewrite_set = RewriteSet("test", [rewrites.sequential_bare_list, rewrites.gru_without_reset_after,
                                      rewrites.bidirectional_masked_steps_repeat_output])
    config, applied = rewrite_set.plan(model)
    assert model == before  # the input is left untouched
    # The wrapped GRU got reset_after=False before the wrapper renamed its class (a LegacyGRU would not).
    assert config["config"]["layers"][0]["config"]["layer"] == _layer("LegacyGRU", name="g", units=3, reset_after=False)
    assert applied == [("sequential_bare_list", None), ("gru_without_reset_after", "g"),
                       ("bidirectional_masked_steps_repeat_output", "bi")]
    assert rewrite_set.describe("gru_without_reset_after") == rewrites.gru_without_reset_after.fact
    with pytest.raises(KeyError):
        rewrite_set.find("drop_time_major")


def test_plan_renames_a_class_a_layer_rewrite_returns_and_later_rewrites_see_it():
    model = _sequential(_layer("Bidirectional", name="bi", layer=_layer("CuDNNGRU", name="g", units=3)))
    from compat_attention.io import cudnn

    config, applied = RewriteSet("test", [cudnn.cudnn_gru_as_gru, rewrites.gru_without_reset_after]).plan(model)
    inner = config["config"]["layers"][0]["config"]["layer"]
    assert inner["class_name"] == "GRU" and inner["config"]["reset_after"] is True  # not set back to False
    assert applied == [("cudnn_gru_as_gru", "g")]


def test_plan_training_applies_the_training_rewrites_to_a_copy():
    rewrite_set = RewriteSet("test", [rewrites.drop_time_major, rewrites.optimizer_custom_prefix])
    stored = {"optimizer_config": {"class_name": "Custom>RMSprop"}}
    assert rewrite_set.plan_training(stored) == {"optimizer_config": {"class_name": "RMSprop"}}
    assert stored == {"optimizer_config": {"class_name": "Custom>RMSprop"}}
    assert rewrite_set.plan_training(None) is None


def test_a_function_not_marked_as_a_rewrite_is_refused():
    with pytest.raises(TypeError, match="not marked as a rewrite"):
        RewriteSet("test", [lambda model_config: False])


# -- tf.keras 1 and 2 (TensorFlow 1.x and 2.x) ------------------------------------------------------

def test_drop_initializer_dtype():
    config = {"name": "d", "kernel_initializer": _layer("GlorotUniform", seed=None, dtype="float32"),
              "bias_initializer": _layer("Zeros", dtype="float32"), "dtype": "float32"}
    assert rewrites.drop_initializer_dtype("Dense", config) is True
    assert config == {"name": "d", "kernel_initializer": _layer("GlorotUniform", seed=None),
                      "bias_initializer": _layer("Zeros"), "dtype": "float32"}
    _unchanged(rewrites.drop_initializer_dtype, "Dense", config)


def test_sequential_build_input_shape():
    model = _sequential(_layer("Dense", name="d", units=2))
    model["config"]["build_input_shape"] = [None, 5]
    assert rewrites.sequential_build_input_shape(model) is True
    assert model == {"class_name": "Sequential", "config": {"name": "seq", "layers": [_layer("Dense", name="d", units=2)],
                                                            "input": {"batch_shape": [None, 5], "dtype": "float32"}}}
    _unchanged(rewrites.sequential_build_input_shape, _sequential(_layer("Dense", name="d", units=2)))
    _unchanged(rewrites.sequential_build_input_shape, {"class_name": "Model", "config": {"layers": []}})


def test_attention_causal_as_call_argument():
    model = {"class_name": "Model", "config": {"layers": [
        {"class_name": "Attention", "config": {"name": "att", "causal": True, "use_scale": False},
         "inbound_nodes": [[["q", 0, 0, {}], ["v", 0, 0, {}]]]},
        {"class_name": "AdditiveAttention", "config": {"name": "add", "causal": False},
         "inbound_nodes": [[["q", 0, 0, {}], ["v", 0, 0, {}]]]}]}}
    assert rewrites.attention_causal_as_call_argument(model) is True
    att, add = model["config"]["layers"]
    assert att["config"] == {"name": "att", "use_scale": False} and add["config"] == {"name": "add"}
    assert att["inbound_nodes"] == [[["q", 0, 0, {"use_causal_mask": True}], ["v", 0, 0, {}]]]
    assert add["inbound_nodes"] == [[["q", 0, 0, {}], ["v", 0, 0, {}]]]
    _unchanged(rewrites.attention_causal_as_call_argument, model)


def test_batch_normalization_axis_as_integer():
    config = {"axis": [1]}
    assert rewrites.batch_normalization_axis_as_integer("BatchNormalization", config) is True
    assert config == {"axis": 1}
    _unchanged(rewrites.batch_normalization_axis_as_integer, "BatchNormalization", {"axis": -1})
    _unchanged(rewrites.batch_normalization_axis_as_integer, "BatchNormalization", {"axis": [1, 2]})
    _unchanged(rewrites.batch_normalization_axis_as_integer, "LayerNormalization", {"axis": [1]})


def test_separable_conv_drops_unused_kernel_keys():
    config = {"filters": 2, "kernel_initializer": _layer("GlorotUniform"), "kernel_regularizer": None,
              "kernel_constraint": None, "depthwise_initializer": _layer("GlorotUniform")}
    assert rewrites.separable_conv_drops_unused_kernel_keys("SeparableConv1D", config) is True
    assert config == {"filters": 2, "depthwise_initializer": _layer("GlorotUniform")}
    _unchanged(rewrites.separable_conv_drops_unused_kernel_keys, "Conv1D", {"kernel_initializer": None})


def test_spatial_dropout_drops_noise_shape():
    config = {"rate": 0.1, "noise_shape": None}
    assert rewrites.spatial_dropout_drops_noise_shape("SpatialDropout1D", config) is True
    assert config == {"rate": 0.1}
    _unchanged(rewrites.spatial_dropout_drops_noise_shape, "Dropout", {"rate": 0.1, "noise_shape": None})
    _unchanged(rewrites.spatial_dropout_drops_noise_shape, "SpatialDropout2D", {"noise_shape": [1, 2]})
    _unchanged(rewrites.spatial_dropout_drops_noise_shape, "SpatialDropout2D", {"name": "sd", "rate": 0.5})


# -- Keras 1 and Keras 2.0.x ------------------------------------------------------------------------

def test_highway_maxout_keras2_names():
    config = {"name": "h", "output_dim": 4, "init": "glorot_uniform", "W_regularizer": None, "b_constraint": None,
              "bias": True, "input_dim": 3, "activation": "relu"}
    assert rewrites.highway_maxout_keras2_names("MaxoutDense", config) is True
    assert config == {"name": "h", "units": 4, "kernel_initializer": "glorot_uniform", "kernel_regularizer": None,
                      "bias_constraint": None, "use_bias": True, "activation": "relu"}
    _unchanged(rewrites.highway_maxout_keras2_names, "MaxoutDense", config)
    _unchanged(rewrites.highway_maxout_keras2_names, "Highway", {"units": 4})
    _unchanged(rewrites.highway_maxout_keras2_names, "Dense", {"output_dim": 4, "input_dim": 3})
