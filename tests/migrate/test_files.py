"""source.py: one way to read a program's source, keeping what writing it back needs."""

import os

import pytest

from compat_attention.errors import UsageError
from compat_attention.migrate.source import SourceFile, decode_source, read_source


@pytest.mark.parametrize("data,text,bom,newline", [
    (b"import keras\n", "import keras\n", False, "\n"),
    (b"import keras\r\nx = 1\n", "import keras\r\nx = 1\n", False, "\r\n"),
    (b"\xef\xbb\xbfimport keras\rx = 1\r", "import keras\rx = 1\r", True, "\r"),
    (b"x = 1", "x = 1", False, None),
    ("s = 'café'\n".encode("utf-8"), "s = 'café'\n", False, "\n"),
])
def test_text_bom_and_line_endings(tmp_path, data, text, bom, newline):
    path = tmp_path / "prog.py"
    path.write_bytes(data)
    source = read_source(str(path))
    assert source == SourceFile(str(path), text, bom, newline)
    assert source.encode(source.text) == data  # written back unchanged, byte for byte


def test_latin1_and_unreadable_files_are_one_line_usage_errors(tmp_path):
    with pytest.raises(UsageError) as error:
        decode_source("old.py", "s = 'caf\xe9'\n".encode("latin-1"))
    assert str(error.value) == "old.py: not UTF-8 text; re-encode it as UTF-8"
    with pytest.raises(UsageError) as error:
        read_source(str(tmp_path / "missing.py"))
    assert str(error.value) == "%s: cannot read (No such file or directory); check permissions" % (
        tmp_path / "missing.py")
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = tmp_path / "locked.py"
        locked.write_text("x = 1\n")
        locked.chmod(0)
        with pytest.raises(UsageError, match="locked.py: cannot read \\(Permission denied\\); check permissions"):
            read_source(str(locked))
