"""compat_attention.io.sources.keras2_0: the Keras 2.0.x source, its facts in order, its era's recurrent defaults."""

from compat_attention.decoder.layer import AttentionDecoder
from compat_attention.io import rewrites
from compat_attention.io.sources.keras2_0 import SOURCE, recurrent_defaults
from compat_attention.layers.recurrent import LegacyLSTM


def test_its_rewrites_are_the_facts_of_keras_2_0_x_in_order():
    assert [fn.__name__ for fn in SOURCE.rewrites.rewrites] == [
        "sequential_bare_list", "sequential_input_from_first_layer", "drop_inner_batch_input_shape",
        "drop_recurrent_implementation", "drop_embedding_input_length", "initializer_class_names",
        "legacy_hard_sigmoid", "gru_without_reset_after", "masked_steps_repeat_output",
        "bidirectional_masked_steps_repeat_output", "time_distributed_inner_sees_no_mask",
        "spatial_dropout_drops_trainable", "highway_maxout_keras2_names"]
    assert all(getattr(rewrites, fn.__name__) is fn for fn in SOURCE.rewrites.rewrites)


def test_recognised_by_version_alone_with_its_classes():
    assert SOURCE.keras_versions == ("2.",) and SOURCE.evidence is None and SOURCE.checks == ()
    assert SOURCE.custom_objects["AttentionDecoder"] is AttentionDecoder
    assert SOURCE.custom_objects["LegacyLSTM"] is LegacyLSTM
    assert sorted(SOURCE.custom_objects) == ["AttentionDecoder", "Highway", "LegacyGRU", "LegacyLSTM",
                                             "LegacySimpleRNN", "LocallyConnected1D", "LocallyConnected2D",
                                             "MaxoutDense", "Merge", "ThresholdedReLU"]


def test_recurrent_defaults_of_the_era():
    assert recurrent_defaults("2.0.8") == {"activation": "tanh", "recurrent_activation": "hard_sigmoid",
                                           "reset_after": False, "masked_steps": "repeat"}
    assert recurrent_defaults("2.2.4-tf")["recurrent_activation"] == "hard_sigmoid"
    assert recurrent_defaults("not a version")["recurrent_activation"] == "hard_sigmoid"
    # A later Keras 2 file read by this source (no source of its own yet): Keras 2.3 made 'sigmoid' the default.
    assert recurrent_defaults("2.14.0") == {"activation": "tanh", "recurrent_activation": "sigmoid",
                                            "reset_after": False, "masked_steps": "repeat"}
