"""IPython's own syntax in notebook cells: masked to plain statements before parsing, restored after.

A notebook's code cells hold lines that IPython runs and Python does not parse: line magics
(``%matplotlib inline``), shell escapes (``!pip install h5py``, ``files = !ls``), help
(``model.fit?``, ``??Dense``) and cell magics (``%%time`` on a cell's first line). Each such line
becomes ``<its indentation>PREFIX<n> = 0`` (one line for one line, so line numbers within the cell
hold), and :meth:`Masker.restore` puts the line back exactly as written. A line that continues a
bracket, a string or a backslash of the code above is code, not a magic (``(a\\n % b)``).

Two kinds of magic hold Python that IPython runs, so it is migrated: the body of a cell under
one of :data:`PYTHON_CELL_MAGICS` (``%%time``: only the magic line is masked), and the statement
after one of :data:`PYTHON_LINE_MAGICS` (``%time model.fit(x, y)``: the line becomes
``model.fit(x, y)  # PREFIX<n>`` and gets its ``%time`` back after). A cell under any other
cell magic (``%%bash``, ``%%writefile``, ``%%html``, ...) is not Python: it is left untouched.
"""

import io
import re
import tokenize
from collections import namedtuple

#: Cell magics whose body is Python code IPython runs.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
#: Line magics whose argument is a Python statement IPython runs.
PYTHON_LINE_MAGICS = frozenset({"time", "timeit", "prun"})

_HELP = re.compile(r"^\s*(\?{1,2}\s*[\w.*]+|[\w.*]+\s*\?{1,2}|\?+)\s*$")
_ASSIGNED_ESCAPE = re.compile(r"^\s*[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
_LINE_MAGIC = re.compile(r"^(\s*%(\w+)\s+)(\S.*)$")
_CELL_MAGIC = re.compile(r"%%(\w*)")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text):
    """``text``'s lines with their endings, split where Python ends a line (``\\n``, ``\\r\\n``,
    ``\\r``; not at a form feed or ``\\u2028`` as ``str.splitlines`` does).

    Example:
        >>> split_lines("a\\x0cb\\r\\nc")
        ['a\\x0cb\\r\\n', 'c']
    """
    return _LINE.findall(text)


class MaskedCell(namedtuple("MaskedCell", "text magic")):
    """A cell's source with its IPython lines masked.

    Attributes:
        text: the source, each IPython line replaced by a statement, line for line.
        magic: the cell magic on its first line (``'time'``), or None.
    """

    __slots__ = ()


def continues(code):
    """Whether Python source ``code`` ends inside a bracket, a string, or after a backslash.

    Example:
        >>> continues("x = (1,\\n"), continues("x = 1\\n")
        (True, False)
    """
    try:
        for _ in tokenize.generate_tokens(io.StringIO(code).readline):
            pass
    except tokenize.TokenError:
        return True
    except SyntaxError:  # an indentation error: not an open bracket
        return False
    return False


def _ipython_line(content):
    """Whether a line (not continuing code above) is IPython syntax."""
    stripped = content.lstrip()
    return bool(stripped) and (stripped[0] in "%!" or bool(_HELP.match(content))
                               or bool(_ASSIGNED_ESCAPE.match(content)))


def _python_statement(text):
    """Whether ``text`` is one complete line of Python (the argument of ``%time``)."""
    try:
        compile(text, "<magic>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return not continues(text + "\n") and "\n" not in text


class Masker:
    """Masks the IPython lines of the cells of one notebook and restores them.

    Args:
        prefix: the placeholders' name prefix; a name none of the notebook's cells holds.

    Example:
        >>> masker = Masker("_m")
        >>> cell = masker.mask("%matplotlib inline\\nfor i in x:\\n    !echo $i\\n%time f(1)")
        >>> cell.text
        '_m0 = 0\\nfor i in x:\\n    _m1 = 0\\nf(1)  # _m2'
        >>> masker.restore(cell.text) == "%matplotlib inline\\nfor i in x:\\n    !echo $i\\n%time f(1)"
        True
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self.lines = {}  # placeholder number -> the original line, without its line ending
        self._restore = re.compile(r"^[ \t]*%s(\d+) = 0$|^([ \t]*)(.*)  # %s(\d+)$" % (prefix, prefix))

    def _placeholder(self, indent, original):
        number = len(self.lines)
        self.lines[number] = original
        return "%s%s%d = 0" % (indent, self.prefix, number)

    def _exposed(self, original, statement):
        """``%time f(x)`` -> ``f(x)  # PREFIX<n>``: the statement is migrated, the magic put back."""
        number = len(self.lines)
        self.lines[number] = original
        indent = original[:len(original) - len(original.lstrip())]
        return "%s%s  # %s%d" % (indent, statement, self.prefix, number)

    def mask(self, source):
        """Mask one cell's IPython lines.

        Args:
            source: the cell's source.

        Returns:
            A :class:`MaskedCell`, or None for a cell under a cell magic whose body is not
            Python (leave that cell untouched).
        """
        lines = split_lines(source)
        magic = None
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is not None and lines[first].startswith("%%"):
            magic = _CELL_MAGIC.match(lines[first]).group(1)
            if magic not in PYTHON_CELL_MAGICS:
                return None
        out, continuation = [], None
        for i, line in enumerate(lines):
            body = line.rstrip("\r\n")
            ending = line[len(body):]
            if continuation is not None:  # the backslash-continued rest of a magic line
                out.append(self._placeholder(continuation, body) + ending)
                continuation = continuation if body.endswith("\\") else None
                continue
            if (i == first and magic) or (_ipython_line(body) and not continues("".join(out))):
                indent = body[:len(body) - len(body.lstrip())]
                line_magic = _LINE_MAGIC.match(body)
                if (line_magic and line_magic.group(2) in PYTHON_LINE_MAGICS
                        and _python_statement(line_magic.group(3))):
                    out.append(self._exposed(body, line_magic.group(3)) + ending)
                    continue
                out.append(self._placeholder(indent, body) + ending)
                continuation = indent if body.endswith("\\") else None
                continue
            out.append(line)
        return MaskedCell("".join(out), magic)

    def restore(self, text):
        """``text`` (a masked cell, migrated) with every IPython line back as written.

        Raises:
            ValueError: an exposed statement no longer fits on its line (a rule split it).
        """
        out = []
        for line in split_lines(text):
            body = line.rstrip("\r\n")
            found = self._restore.match(body)
            if found is None:
                out.append(line)
            elif found.group(1) is not None:
                out.append(self.lines[int(found.group(1))] + line[len(body):])
            else:
                if not _python_statement(found.group(3)):
                    raise ValueError("a statement under a line magic was split over several lines")
                head = _LINE_MAGIC.match(self.lines[int(found.group(4))]).group(1)
                out.append(head + found.group(3) + line[len(body):])
        return "".join(out)


__all__ = ["Masker", "MaskedCell", "PYTHON_CELL_MAGICS", "PYTHON_LINE_MAGICS", "continues", "split_lines"]
