"""Reading a program's source: one way, for the API, the command and sibling modules.

A file is read as bytes and decoded as Python 3 reads source: UTF-8, unless a coding line
(``# -*- coding: latin-1 -*-``, PEP 263) in its first two lines names another encoding. A UTF-8
byte-order mark is taken off the text and remembered, and line endings are kept as written
(``\\r\\n`` stays ``\\r\\n``), so that :meth:`SourceFile.encode` gives back the file's own bytes
for an unchanged text (and the migrated text in the file's encoding, with its BOM).
"""

import codecs
import io
import tokenize
from collections import namedtuple

from ..errors import UsageError

BOM = codecs.BOM_UTF8


class SourceFile(namedtuple("SourceFile", "path text bom newline encoding")):
    """A program's source as read from disk.

    Attributes:
        path: the file.
        text: its text, without the byte-order mark, line endings as written.
        bom: whether the file starts with a UTF-8 byte-order mark.
        newline: the first line ending (``'\\n'``, ``'\\r\\n'`` or ``'\\r'``), or None for a
            text of one line.
        encoding: the codec its coding line names (``'utf-8'`` without one).
    """

    __slots__ = ()

    def __new__(cls, path, text, bom, newline, encoding="utf-8"):
        return super().__new__(cls, path, text, bom, newline, encoding)

    def encode(self, text):
        """The bytes to write for ``text`` (this file's text, migrated): its encoding, with the file's BOM.

        Raises:
            UsageError: ``text`` has a character the file's encoding cannot hold.

        Example:
            >>> SourceFile("a.py", "x = 1\\r\\n", True, "\\r\\n").encode("x = 2\\r\\n")
            b'\\xef\\xbb\\xbfx = 2\\r\\n'
        """
        try:
            data = text.encode(self.encoding)
        except UnicodeEncodeError as error:
            raise UsageError("%s: the migrated text has %r, which its coding line's %s cannot hold; "
                             "change the coding line to utf-8" % (self.path, error.object[error.start:error.end],
                                                                  self.encoding)) from None
        return (BOM if self.bom else b"") + data


class SourceError(UsageError):
    """A file that is not source text in its encoding: ``"PATH: problem; fix"``.

    Attributes:
        path: the file.
        problem: what is wrong (``'not UTF-8 text'``).
        fix: what to do.
        line: the 1-based line of the first byte that does not decode (1 for a file-wide problem).
    """

    def __init__(self, path, problem, fix, line=1):
        super().__init__("%s: %s; %s" % (path, problem, fix))
        self.path, self.problem, self.fix, self.line = path, problem, fix, line


def _first_newline(text):
    for i, char in enumerate(text):
        if char == "\n":
            return "\n"
        if char == "\r":
            return "\r\n" if text[i + 1:i + 2] == "\n" else "\r"
    return None


def _line_of(data, offset):
    return data.count(b"\n", 0, offset) + 1


def declared_encoding(data):
    """The codec a coding line names (None without one), as Python 3 reads it (PEP 263).

    Raises:
        SyntaxError: an unknown encoding, or a BOM with a coding line other than UTF-8.
    """
    lines = data.split(b"\n", 2)[:2]
    for index, line in enumerate(lines):
        text = line.decode("latin-1")
        if tokenize.cookie_re.match(text):
            return codecs.lookup(tokenize.detect_encoding(io.BytesIO(data).readline)[0]).name
        if index == 0 and not tokenize.blank_re.match(line):
            return None  # a coding line counts on line 2 only after a comment or blank line 1
    return None


def decode_source(path, data):
    """A :class:`SourceFile` from a file's bytes.

    Raises:
        SourceError: the bytes are not text in the file's encoding (``"PATH: not UTF-8 text;
            re-encode it as UTF-8"``), or its coding line names no known encoding.
    """
    bom = data.startswith(BOM)
    body = data[len(BOM) if bom else 0:]
    try:
        declared = declared_encoding(data)
    except SyntaxError as error:
        raise SourceError(path, str(error).split("\n")[0], "write a coding line Python knows (or none, for UTF-8)") \
            from None
    encoding = declared if declared and declared != "utf-8-sig" else "utf-8"
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        where = _line_of(body, error.start)
        if encoding == "utf-8":
            raise SourceError(path, "not UTF-8 text", "re-encode it as UTF-8", where) from None
        raise SourceError(path, "not %s text as its coding line says" % encoding, "fix the coding line", where) from None
    return SourceFile(path, text, bom, _first_newline(text), encoding)


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
