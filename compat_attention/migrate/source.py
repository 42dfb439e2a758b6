"""Reading a program's source: one way, for the API, the command and sibling modules.

A file is read as bytes and decoded as UTF-8 (Python 3's source default); a UTF-8 byte-order
mark is taken off the text and remembered, and line endings are kept as written (``\\r\\n``
stays ``\\r\\n``), so that :meth:`SourceFile.encode` gives back the file's own bytes for an
unchanged text.
"""

import codecs
from collections import namedtuple

from ..errors import UsageError

BOM = codecs.BOM_UTF8


class SourceFile(namedtuple("SourceFile", "path text bom newline")):
    """A program's source as read from disk.

    Attributes:
        path: the file.
        text: its text, without the byte-order mark, line endings as written.
        bom: whether the file starts with a UTF-8 byte-order mark.
        newline: the first line ending (``'\\n'``, ``'\\r\\n'`` or ``'\\r'``), or None for a
            text of one line.
    """

    __slots__ = ()

    def encode(self, text):
        """The bytes to write for ``text`` (this file's text, migrated): UTF-8, with the file's BOM.

        Example:
            >>> SourceFile("a.py", "x = 1\\r\\n", True, "\\r\\n").encode("x = 2\\r\\n")
            b'\\xef\\xbb\\xbfx = 2\\r\\n'
        """
        return (BOM if self.bom else b"") + text.encode("utf-8")


def _first_newline(text):
    for i, char in enumerate(text):
        if char == "\n":
            return "\n"
        if char == "\r":
            return "\r\n" if text[i + 1:i + 2] == "\n" else "\r"
    return None


def decode_source(path, data):
    """A :class:`SourceFile` from a file's bytes.

    Raises:
        UsageError: the bytes are not UTF-8 text (``"PATH: not UTF-8 text; re-encode it as UTF-8"``).
    """
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("%s: not UTF-8 text; re-encode it as UTF-8" % path) from None
    return SourceFile(path, text, bom, _first_newline(text))


def read_source(path):
    """Read a Python source file for migration.

    Args:
        path: the file.

    Returns:
        A :class:`SourceFile`.

    Raises:
        UsageError: one line naming the file, the problem and the fix: it cannot be read
            (``"PATH: cannot read (Permission denied); check permissions"``) or is not UTF-8.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> with open(os.path.join(folder, "a.py"), "wb") as handle:
        ...     _ = handle.write(b"\\xef\\xbb\\xbfimport keras\\r\\n")
        >>> source = read_source(os.path.join(folder, "a.py"))
        >>> source.text, source.bom, source.newline
        ('import keras\\r\\n', True, '\\r\\n')
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise UsageError("%s: cannot read (%s); check permissions" % (path, error.strerror or error)) from None
    return decode_source(path, data)
