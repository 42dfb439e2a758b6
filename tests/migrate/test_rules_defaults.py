"""rules/defaults.py: Keras 2.0.8's layer defaults stated where today's differ (``--modern-defaults`` opts out)."""

import pytest

from migrate_helpers import code, issues, notes

LAYERS = "from keras.layers import LSTM, GRU, ConvLSTM2D, Bidirectional, Flatten, Dense\n"
PIN = "from compat_attention import LEGACY_HARD_SIGMOID\n"


def body(source, target="keras3"):
    """The migrated code after the import lines (2017 pins on)."""
    out = code(LAYERS + source, target, modern=False)
    return "".join(line for line in out.splitlines(True) if not line.startswith(("from ", "import ")))


def test_lstm_and_gru_state_2017_gates_on_keras3():
    assert code(LAYERS + "LSTM(8)\n", modern=False) == LAYERS + PIN + "LSTM(8, recurrent_activation=LEGACY_HARD_SIGMOID)\n"
    assert body("GRU(4, return_sequences=True)\n") == \
        "GRU(4, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID, reset_after=False)\n"
    assert body("Bidirectional(LSTM(3))\n") == "Bidirectional(LSTM(3, recurrent_activation=LEGACY_HARD_SIGMOID))\n"
    assert body("ConvLSTM2D(2, (3, 3))\n") == "ConvLSTM2D(2, (3, 3), recurrent_activation=LEGACY_HARD_SIGMOID)\n"


def test_tf_keras_2_keeps_the_name_hard_sigmoid():
    # tf.keras 2's 'hard_sigmoid' is still 2017's (slope 0.2): the name is stated, nothing imported
    assert code(LAYERS + "GRU(4)\n", "keras2", modern=False) == \
        LAYERS + "GRU(4, recurrent_activation='hard_sigmoid', reset_after=False)\n"


def test_keras3_hard_sigmoid_written_out_is_2017s():
    assert body("LSTM(8, recurrent_activation='hard_sigmoid')\n") == \
        "LSTM(8, recurrent_activation=LEGACY_HARD_SIGMOID)\n"
    assert body("Dense(3, activation='hard_sigmoid')\n") == "Dense(3, activation=LEGACY_HARD_SIGMOID)\n"
    src = "from keras import activations\nf = activations.hard_sigmoid\n"
    assert code(src, modern=False) == "from keras import activations\n" + PIN + "f = LEGACY_HARD_SIGMOID\n"
    assert code(src, "keras2", modern=False) == src


def test_a_value_the_call_passes_is_never_changed():
    for call in ("LSTM(8, recurrent_activation='sigmoid')\n", "LSTM(8, 'tanh', 'sigmoid')\n",
                 "LSTM(8, inner_activation='sigmoid')\n"):
        assert "LEGACY_HARD_SIGMOID" not in body(call), call
    assert body("GRU(4, recurrent_activation='sigmoid', reset_after=True)\n") == \
        "GRU(4, recurrent_activation='sigmoid', reset_after=True)\n"
    assert body("LSTM(8, **options)\n") == "LSTM(8, **options)\n"  # the value may be in **options
    assert notes(LAYERS + "LSTM(8, **options)\n") == []


def test_tensorflow_keras_and_cudnn_layers_keep_todays_defaults():
    tf = "from tensorflow.keras.layers import LSTM, GRU\nLSTM(8)\nGRU(4)\n"
    assert code(tf, modern=False) == tf and notes(tf) == []
    # CuDNNGRU computed with today's defaults; renamed GRU, it states them (a second run pins nothing)
    cudnn = "from keras.layers import CuDNNGRU\nCuDNNGRU(4)\n"
    assert code(cudnn, modern=False) == \
        "from keras.layers import GRU\nGRU(4, recurrent_activation='sigmoid', reset_after=True)\n"
    assert code(cudnn, modern=True) == "from keras.layers import GRU\nGRU(4)\n"


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_flatten_stays_channels_last_on_every_target(target):
    assert body("Flatten()(x)\n", target) == "Flatten(data_format='channels_last')(x)\n"
    assert body("Flatten('channels_first')(x)\n", target) == "Flatten('channels_first')(x)\n"


def test_target_specific_pins():
    src = "from keras.layers import BatchNormalization, Conv1D, AveragePooling2D\n"
    calls = "BatchNormalization()\nConv1D(4, 3)\nAveragePooling2D()\n"
    assert code(src + calls, "keras2", modern=False) == src + "BatchNormalization(fused=False)\nConv1D(4, 3)\nAveragePooling2D()\n"
    assert code(src + calls, "keras3", modern=False) == src + (
        "BatchNormalization()\nConv1D(4, 3, data_format='channels_last')\nAveragePooling2D(pool_size=(2, 2))\n")


def test_each_pin_is_a_note_with_its_line_never_an_issue():
    src = LAYERS + "x = 1\nLSTM(8)\nGRU(4)\n"
    assert notes(src) == [("legacy_layer_defaults", 3, "LSTM(...) recurrent_activation"),
                          ("legacy_layer_defaults", 4, "GRU(...) recurrent_activation"),
                          ("legacy_layer_defaults", 4, "GRU(...) reset_after")]
    assert issues(src, modern=False) == []
    from migrate_helpers import migrate

    line = migrate(src, modern=False).notes[0].format()
    assert line.startswith("prog.py:3: note: LSTM(...) recurrent_activation (legacy_layer_defaults): Keras 2.0.8's")
    assert line.endswith("stated recurrent_activation=LEGACY_HARD_SIGMOID (--modern-defaults keeps today's)")


def test_modern_defaults_states_nothing():
    src = LAYERS + "LSTM(8)\nGRU(4)\nFlatten()\n"
    assert code(src, modern=True) == src and notes(src, modern=True) == []
