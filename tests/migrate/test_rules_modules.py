"""Rules for moved modules, keras.backend and the copied legacy attention module."""

import pytest

from compat_attention.migrate.rules.backend import legacy_names

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


def test_backend_alias_forms_on_keras3():
    assert code("from keras import backend as K\nK.mean(1)\n") == \
        "from compat_attention.legacy import backend as K\nK.mean(1)\n"
    assert code("import keras.backend as K\nK.sum(1)\n") == \
        "from compat_attention.legacy import backend as K\nK.sum(1)\n"
    assert code("from keras import backend, layers\nbackend.sum(1)\n") == \
        "from keras import layers\nfrom compat_attention.legacy import backend\nbackend.sum(1)\n"
    assert code("from keras.backend import mean, equal\n") == \
        "from compat_attention.legacy.backend import mean, equal\n"
    assert code("import keras\nkeras.backend.mean(1)\n") == \
        "import keras\nfrom compat_attention.legacy import backend as legacy_backend\nlegacy_backend.mean(1)\n"


def test_backend_untouched_on_keras2_but_tf1_names_reported():
    src = "from keras import backend as K\nK.mean(1)\nK.set_session(None)\n"
    result = migrate(src, "keras2")
    assert result.code == src
    assert [(i.rule, i.line, i.what) for i in result.issues] == [("keras_backend", 3, "K.set_session")]


def test_backend_names_missing_from_legacy_are_reported_with_line():
    result = migrate("from keras import backend as K\n\nx = K.tf.Print(1)\ny = K.mean(2)\n")
    assert [(i.line, i.what) for i in result.issues] == [(3, "K.tf")]
    line = result.issues[0].format()
    assert line.startswith("prog.py:3: K.tf (keras_backend): ") and "import tensorflow as tf" in line
    # still reported once the import points at compat_attention (so --check on migrated code keeps failing)
    assert [(i.line, i.what) for i in migrate(result.code).issues] == [(3, "K.tf")]


def test_legacy_backend_list_is_read_from_the_module():
    import compat_attention.legacy.backend as legacy
    assert legacy_names() == frozenset(legacy.__all__)


LEGACY_MODULE = '''\
from keras import backend as K
from keras.layers.recurrent import Recurrent, _time_distributed_dense
from keras.engine import InputSpec

TIME_STEPS = 4


def _time_distributed_dense(x, w, b=None):
    return x


class AttentionDecoder(Recurrent):
    def __init__(self, units, output_dim, **kwargs):
        super(AttentionDecoder, self).__init__(**kwargs)


def attention_3d_block(inputs):
    return inputs


def attention_3d_block_steps(inputs):
    return TIME_STEPS


class Helper(object):
    """kept"""
'''


def test_copied_legacy_module_is_replaced_and_the_rest_kept():
    out = code(LEGACY_MODULE)
    assert out == dedent('''\
        from compat_attention.legacy import backend as K
        from keras.layers import InputSpec
        from compat_attention import _time_distributed_dense, AttentionDecoder, attention_3d_block

        TIME_STEPS = 4


        def attention_3d_block_steps(inputs):
            return TIME_STEPS


        class Helper(object):
            """kept"""
        ''')


def test_attention_block_reading_a_module_setting_is_kept():
    src = LEGACY_MODULE.replace("def attention_3d_block(inputs):\n    return inputs",
                                "def attention_3d_block(inputs):\n    return inputs * TIME_STEPS")
    out = code(src)
    assert "def attention_3d_block(inputs):" in out and "import _time_distributed_dense, AttentionDecoder\n" in out


def test_kept_recurrent_subclass_is_reported():
    src = LEGACY_MODULE + "\n\nclass MyGRU(Recurrent):\n    pass\n"
    result = migrate(src)
    assert [(i.rule, i.what) for i in result.issues] == [("legacy_attention_module", "class MyGRU subclasses Recurrent")]
    assert result.issues[0].line == src.count("\n") - 1


def test_program_imports_follow_the_sibling_module():
    modules = {"custom_recurrents": LEGACY_MODULE + "\ndef helper():\n    pass\n"}
    assert code("from custom_recurrents import AttentionDecoder, helper\n", modules=modules) == \
        "from custom_recurrents import helper\nfrom compat_attention import AttentionDecoder\n"
    assert code("from attention_decoder import AttentionDecoder\n") == "from compat_attention import AttentionDecoder\n"
    own = {"mylayers": "from keras.layers import Layer\nclass AttentionDecoder(Layer):\n    pass\n"}
    assert code("from mylayers import AttentionDecoder\n", modules=own) == "from mylayers import AttentionDecoder\n"
    # an installed package of that name is not ours to redirect
    assert code("from json import AttentionDecoder\n") == "from json import AttentionDecoder\n"


def test_attribute_paths_to_removed_modules():
    src = "import keras\nt = keras.preprocessing.text.Tokenizer()\ny = keras.utils.np_utils.to_categorical(v)\n"
    assert code(src, "keras3") == ("import keras\nfrom compat_attention.legacy import text as legacy_text, "
                                   "utils as legacy_utils\nt = legacy_text.Tokenizer()\n"
                                   "y = legacy_utils.to_categorical(v)\n")
    assert code(src, "keras2") == ("import keras\nt = keras.preprocessing.text.Tokenizer()\n"
                                   "y = keras.utils.to_categorical(v)\n")
