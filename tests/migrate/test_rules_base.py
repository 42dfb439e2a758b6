"""rules/base.py: what a name refers to (LibCST's scope analysis), and the call helpers."""

import libcst as cst
import pytest

from compat_attention.migrate.engine import Tree
from compat_attention.migrate.rules.base import NOT_LITERAL, literal, to_keywords
from migrate_helpers import migrate


def _callees(text):
    """``{call's source: what its callee resolves to}`` for every call of ``text``."""
    tree = Tree(cst.parse_module(text), text)
    found = {}

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node):
            found[cst.Module([]).code_for_node(node)] = tree.names().resolve(node.func)

    tree.module.visit(Calls())
    return found


def test_imports_in_reach_resolve_and_definitions_hide_them():
    text = ("from keras.layers import Dense, LSTM\n"
            "from keras import backend as K\n"
            "LSTM = LSTM if True else None\n"
            "def build():\n"
            "    from keras.layers import GRU\n"
            "    return GRU(1), LSTM(2), K.mean(3)\n"
            "def other():\n"
            "    return GRU(4)\n"
            "class Dense:\n"
            "    pass\n"
            "Dense(5)\n")
    assert _callees(text) == {"GRU(1)": "keras.layers.GRU", "LSTM(2)": "keras.layers.LSTM",
                              "K.mean(3)": "keras.backend.mean", "GRU(4)": None, "Dense(5)": None}


def test_star_imports_and_the_import_written_last():
    text = ("from keras.layers import *\n"
            "try:\n    from keras.layers import CuDNNLSTM as Fast\nexcept ImportError:\n"
            "    from keras.layers import LSTM as Fast\n"
            "Conv1D(2)\nFast(3)\n")
    assert _callees(text) == {"Conv1D(2)": "keras.layers.Conv1D", "Fast(3)": "keras.layers.LSTM"}


def test_literals_and_keywords():
    assert [literal(cst.parse_expression(t)) for t in ("-3", "0x10", "1_000", "'a' 'b'", "None", "2.5")] == \
        [-3, 16, 1000, "ab", None, 2.5]
    assert literal(cst.parse_expression("x")) is NOT_LITERAL and literal(cst.parse_expression("-True")) is NOT_LITERAL
    call = cst.parse_expression("f(a, b, c)")
    assert cst.Module([]).code_for_node(to_keywords(call, ["x", "y", "z"], keep=1)) == "f(a, y=b, z=c)"
    assert to_keywords(call, ["x", "y"]) is None


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_a_def_hides_the_import_for_the_rules_too(target):
    src = "from keras.layers import Dense\ndef Dense(**kw):\n    pass\nDense(output_dim=3)\n"
    assert migrate(src, target).code == src
