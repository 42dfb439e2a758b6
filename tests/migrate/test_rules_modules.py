"""rules/modules.py: Keras modules that moved or disappeared."""

import pytest

from migrate_helpers import code, dedent, issues, migrate


@pytest.mark.parametrize("old", ["keras.layers.recurrent", "keras.layers.core", "keras.layers.wrappers",
                                 "keras.layers.embeddings", "keras.layers.convolutional", "keras.layers.pooling",
                                 "keras.layers.normalization", "keras.layers.advanced_activations",
                                 "keras.layers.merge", "keras.engine.topology"])
def test_layer_modules_move_to_keras_layers(old):
    assert code("from %s import Thing\n" % old, "keras2") == "from keras.layers import Thing\n"


def test_engine_names_go_where_they_live_now():
    assert code("from keras.engine import Model, InputSpec, Layer\n") == dedent("""\
        from keras.models import Model
        from keras.layers import InputSpec, Layer
        """)


def test_np_utils_depends_on_target():
    src = "from keras.utils.np_utils import to_categorical\nfrom keras.utils import np_utils\n"
    assert code(src, "keras3") == ("from compat_attention.legacy.utils import to_categorical\n"
                                   "from compat_attention.legacy import utils as np_utils\n")
    assert code(src, "keras2") == "from keras.utils import to_categorical\nfrom keras import utils as np_utils\n"


def test_preprocessing_text_and_sequence_on_keras3_only():
    src = ("from keras.preprocessing.text import Tokenizer\n"
           "from keras.preprocessing.sequence import pad_sequences\n"
           "from keras.preprocessing import sequence\n")
    assert code(src, "keras3") == ("from compat_attention.legacy.text import Tokenizer\n"
                                   "from compat_attention.legacy.sequence import pad_sequences\n"
                                   "from compat_attention.legacy import sequence\n")
    assert migrate(src, "keras2").code == src


def test_keras1_initializations_module_keeps_its_name():
    assert code("from keras import initializations\n") == "from keras import initializers as initializations\n"


def test_unused_recurrent_import_is_dropped_used_one_is_reported():
    assert code("from keras.layers.recurrent import Recurrent, LSTM\nLSTM(3)\n") == \
        "from keras.layers import LSTM\nLSTM(3)\n"
    src = "from keras.layers.recurrent import Recurrent\nclass Mine(Recurrent):\n    pass\n"
    assert issues(src) == [("legacy_attention_module", 2)]


def test_attribute_paths_to_removed_modules():
    src = "import keras\nt = keras.preprocessing.text.Tokenizer()\ny = keras.utils.np_utils.to_categorical(v)\n"
    assert code(src, "keras3") == ("import keras\nfrom compat_attention.legacy import text as legacy_text, "
                                   "utils as legacy_utils\nt = legacy_text.Tokenizer()\n"
                                   "y = legacy_utils.to_categorical(v)\n")
    assert code(src, "keras2") == ("import keras\nt = keras.preprocessing.text.Tokenizer()\n"
                                   "y = keras.utils.to_categorical(v)\n")
