"""api.py: targets, one file, sibling modules, and an import of the migrate tool that needs no Keras."""

import os
import subprocess
import sys

import pytest

from compat_attention.errors import UsageError
from compat_attention.migrate import migrate_file, migrate_source, resolve_target, sibling_resolver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRAMEWORKS = "('keras', 'tensorflow', 'tf_keras', 'jax', 'torch')"


def test_targets():
    assert resolve_target("keras2") == "keras2"
    assert resolve_target("auto") in ("keras2", "keras3")
    with pytest.raises(ValueError):
        migrate_source("x = 1\n", target="keras4")
    with pytest.raises(UsageError, match="unknown target 'keras4': use auto, keras2 or keras3"):
        resolve_target("keras4")


def _python(code):
    """Run ``code`` in a fresh interpreter from the repository root; returns its stdout."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_rules_do_not_import_keras():
    """``import compat_attention.migrate`` and a whole migration import no Keras, no TensorFlow, no backend."""
    out = _python(
        "import sys\n"
        "import compat_attention.migrate as m\n"
        "assert m.resolve_target('auto') in ('keras2', 'keras3')  # read from package metadata\n"
        "r = m.migrate_source('from keras import backend as K\\nK.mean(1)\\n', target='keras3')\n"
        "assert r.code.startswith('from compat_attention.legacy import backend as K'), r.code\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in %s))\n" % FRAMEWORKS)
    assert out.strip() == "[]"


def test_the_package_imported_after_migrate_registers_its_classes_on_first_use():
    """``import compat_attention`` registers every class with Keras; after a Keras-free start, the first public name does."""
    registered = "keras.utils.get_registered_object('compat_attention>AxisMean') is not None"
    out = _python(
        "import sys\n"
        "import compat_attention.migrate\n"
        "import compat_attention\n"
        "print('keras' in sys.modules)\n"
        "from compat_attention._keras.flavour import keras\n"
        "print(%s)\n"
        "decoder = compat_attention.AttentionDecoder\n"
        "print(%s)\n" % (registered, registered))
    assert out.split() == ["False", "False", "True"]
    plain = _python("import compat_attention\nfrom compat_attention._keras.flavour import keras\nprint(%s)\n" % registered)
    assert plain.strip() == "True"


def test_migrate_file_reads_through_the_one_reader_and_finds_siblings(tmp_path):
    (tmp_path / "attention_decoder.py").write_text("class AttentionDecoder(Recurrent):\n    pass\n")
    (tmp_path / "prog.py").write_bytes(b"\xef\xbb\xbffrom attention_decoder import AttentionDecoder\r\n")
    result = migrate_file(str(tmp_path / "prog.py"), target="keras3")
    assert result.source == "from attention_decoder import AttentionDecoder\r\n"
    assert result.code == "from compat_attention import AttentionDecoder\r\n"
    assert sibling_resolver(str(tmp_path / "prog.py"))("attention_decoder").startswith("class AttentionDecoder")
    assert sibling_resolver(str(tmp_path / "prog.py"))("missing") is None
    (tmp_path / "latin1.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(UsageError, match="latin1.py: not UTF-8 text; re-encode it as UTF-8"):
        migrate_file(str(tmp_path / "latin1.py"), target="keras3")
    assert sibling_resolver(str(tmp_path / "prog.py"))("latin1") is None
