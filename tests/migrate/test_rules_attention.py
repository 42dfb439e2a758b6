"""rules/attention.py: the copied legacy attention module, replaced by imports from compat_attention."""

from migrate_helpers import code, dedent, migrate


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


def test_a_modified_copy_is_detected_by_its_whole_signature_and_kept():
    from migrate_helpers import migrate

    copy = ("from keras.layers.recurrent import Recurrent\n"
            "class AttentionDecoder(Recurrent):\n"
            "    def __init__(self, units, output_dim, activation='relu', timesteps_out=10, **kwargs):\n"
            "        super(AttentionDecoder, self).__init__(**kwargs)\n")
    result = migrate(copy)
    assert "class AttentionDecoder(Recurrent):" in result.code and "timesteps_out=10" in result.code
    whats = [(i.line, i.what) for i in result.issues]
    assert (2, "class AttentionDecoder (a modified copy)") in whats
    line = [i.format() for i in result.issues if "modified copy" in i.what][0]
    assert "activation='relu' (legacy: 'tanh'), timesteps_out= added" in line
    # the legacy signature itself (a part of it, defaults unchanged) is still replaced by ours
    same = copy.replace("activation='relu', timesteps_out=10", "activation='tanh', return_probabilities=False")
    assert "from compat_attention import AttentionDecoder" in migrate(same).code
