"""Jupyter notebooks: the code cells migrated as one program, everything else kept as it was.

Read and written with Jupyter's own ``nbformat`` (``reads`` and ``writes`` in the notebook's
own nbformat version, no conversion): outputs, metadata, cell ids and execution counts come
back as they were read. A notebook whose code needs no change comes back byte for byte (it is
not written at all). One that changes is written as ``nbformat.writes`` writes every notebook,
and as Jupyter saves one: one space of indentation, keys sorted, each source a list of lines;
on top of that this module keeps the file's trailing newline (``nbformat.writes`` ends without
one, ``nbformat.write`` and Jupyter add one), its ``\\r\\n`` line endings, and ``\\uXXXX``
escapes in a file of ASCII only. So in a notebook saved by Jupyter only the changed cells'
source lines differ; a file written otherwise (two spaces of indentation, keys in another
order) comes back as Jupyter would save it. nbformat also gives an id to a cell of an nbformat
4.5 notebook that has none (or a duplicate one); the id given here is derived from the cell,
so the same notebook always migrates to the same text.

The code cells are migrated as one program, in order, so that a name imported in one cell is
known in the cells below (``from keras import backend as K`` in cell 2, ``K.mean`` in cell 6):
the cells are joined with a marker statement between two cells and their IPython syntax
masked (:mod:`.ipython`), the pipeline's rules run over that program one after the other, and
each cell gets its own part back. An import a rule adds goes into the first code cell that holds
imports (the marker after that cell is a ``class`` statement, below which the engine places no
import). Markdown and raw cells, cells under a cell magic that is not Python (``%%bash``) and
code cells that do not parse (reported) are left as they are.

Reports say ``FILE:CELL:LINE``: CELL is the 1-based position of the cell among all the cells
of the notebook (markdown and raw cells counted, as a reader counts them from the top; the
``In [n]`` execution counts are not used, they change at every run), LINE the 1-based line
within the cell.
"""

import bisect
import contextlib
import hashlib
import json
import logging
import re
import warnings
from collections import namedtuple

import libcst as cst

from ..errors import NotebookError, first_line
from .engine import TARGETS, migrate_module_text
from .ipython import Masker, split_lines
from .pipeline import RULES
from .report import Issue

NOTEBOOK_SUFFIX = ".ipynb"
#: The rule name of what this module itself reports.
RULE = "notebook"
_WHY_UNREAD = "only Jupyter notebooks of nbformat 4 holding Python are migrated; the file is left as it is"
_OLD_PIN = re.compile(r"\b(keras\s*==\s*(1|2\.[0-3])\b|tensorflow(-gpu)?\s*==\s*1\.)")


class CellChange(namedtuple("CellChange", "cell source code")):
    """A code cell the migration changed.

    Attributes:
        cell: its 1-based index among all the cells.
        source: its source before.
        code: its source after.
    """

    __slots__ = ()


class NotebookResult(namedtuple("NotebookResult", "path source code applied issues cells")):
    """The result of migrating one notebook (the fields of ``MigrationResult``, and ``cells``).

    Attributes:
        path: the file name used in reports.
        source: the notebook's text (JSON) before.
        code: its text after; ``source`` itself when no cell changed or it could not be read.
        applied: names of the rules that changed something, in pipeline order.
        issues: :class:`Issue` list in cell and line order (``cell`` set, except for a
            problem of the whole file).
        cells: a :class:`CellChange` per changed code cell, in cell order.
    """

    __slots__ = ()

    @property
    def changed(self):
        """Whether the migrated text differs from the input."""
        return self.code != self.source


def _nbformat(path):
    try:
        import nbformat
    except ImportError:
        raise NotebookError(path, "reading notebooks needs the nbformat package, which is not installed",
                            "pip install nbformat") from None
    return nbformat


class _Mute(logging.Filter):
    def filter(self, record):
        return False


@contextlib.contextmanager
def _quiet(nbformat):
    """nbformat reports a notebook that breaks its schema through warnings and its logger: the
    notebook is migrated all the same, and this tool's report says what matters."""
    logger = nbformat.get_logger()
    logger = getattr(logger, "logger", logger)  # a LoggerAdapter inside a Jupyter application
    mute = _Mute()
    logger.addFilter(mute)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.removeFilter(mute)


def _language(metadata):
    if not isinstance(metadata, dict):
        return None
    kernel, info = metadata.get("kernelspec"), metadata.get("language_info")
    for value in ((kernel or {}).get("language") if isinstance(kernel, dict) else None,
                  (info or {}).get("name") if isinstance(info, dict) else None):
        if isinstance(value, str) and value:
            return value.lower()
    return None


def _checked(raw, path):
    """The parsed JSON, checked to be a Python notebook of nbformat 4."""
    if not isinstance(raw, dict) or "nbformat" not in raw:
        raise NotebookError(path, "not a Jupyter notebook (its JSON has no nbformat version)",
                            "pass notebooks saved by Jupyter, or give this file another suffix")
    if raw["nbformat"] != 4 or isinstance(raw["nbformat"], bool):
        raise NotebookError(path, "a notebook of nbformat %r (only nbformat 4, Jupyter 4 and later, is migrated)"
                            % (raw["nbformat"],), "open and save it in Jupyter, or run `jupyter nbconvert "
                            "--to notebook --inplace FILE`, then migrate again")
    cells = raw.get("cells")
    if not isinstance(cells, list) or not all(
            isinstance(c, dict) and isinstance(c.get("cell_type"), str) and isinstance(c.get("source", ""), (str, list))
            for c in cells):
        raise NotebookError(path, "a notebook without a readable list of cells",
                            "open it in Jupyter to repair it, or restore it from version control")
    language = _language(raw.get("metadata"))
    if language is not None and not language.startswith("python"):
        raise NotebookError(path, "a notebook in %s, not Python" % language,
                            "nothing to migrate here: the tool rewrites Python code")
    return raw


def _stable_ids(nb, raw):
    """nbformat gives a random id to a cell of a 4.5 notebook that has none (or a duplicate one):
    give it one derived from the cell instead, so that the same input gives the same output."""
    for index, (cell, raw_cell) in enumerate(zip(nb.cells, raw["cells"])):
        if "id" in cell and cell["id"] != raw_cell.get("id"):
            cell["id"] = hashlib.sha1(("%d\0%s" % (index, cell.get("source", ""))).encode("utf-8")).hexdigest()[:8]


def read_notebook(text, path="<notebook>"):
    """Read a notebook for migration, with nbformat, in its own nbformat version.

    Args:
        text: the ``.ipynb`` file's text.
        path: the file name used in messages.

    Returns:
        nbformat's ``NotebookNode`` (sources as strings).

    Raises:
        NotebookError: one line naming the file, the problem and the fix: not JSON (with the
            line of the error), not a notebook, nbformat 3 or older, another language, or
            nbformat is not installed.
    """
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise NotebookError(path, "not valid JSON (%s)" % first_line(error), "a .ipynb file is a notebook's JSON: "
                            "restore it from Jupyter or version control", getattr(error, "lineno", 1)) from None
    raw = _checked(raw, path)
    nbformat = _nbformat(path)
    with _quiet(nbformat):
        try:
            nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        except Exception as error:  # noqa: BLE001 - nbformat raises many types on malformed input
            raise NotebookError(path, "nbformat cannot read it (%s: %s)" % (type(error).__name__, first_line(error)),
                                "open it in Jupyter to repair it, or restore it from version control") from None
    _stable_ids(nb, raw)
    return nb


def _write(nb, original):
    """The notebook's new text: ``nbformat.writes``, with the original's ending, newlines and escapes."""
    nbformat = _nbformat("<notebook>")
    with _quiet(nbformat):
        text = nbformat.writes(nb, version=nbformat.NO_CONVERT, ensure_ascii=original.isascii())
    if original.endswith("\n") and not text.endswith("\n"):
        text += "\n"
    first = original.find("\n")
    if first > 0 and original[first - 1] == "\r":
        text = text.replace("\n", "\r\n")
    return text


def _unused(name, texts):
    """``name``, lengthened until none of ``texts`` holds it."""
    while any(name in text for text in texts):
        name += "_"
    return name


def _imports(module):
    return any(isinstance(stmt, cst.SimpleStatementLine) and any(isinstance(s, (cst.Import, cst.ImportFrom))
                                                                 for s in stmt.body) for stmt in module.body)


_Part = namedtuple("_Part", "index text added_newline imports")


class CodeCells:
    """The code cells of one notebook as one Python program.

    Args:
        nb: the notebook (``read_notebook``).
        path: the file name used in reports.

    Attributes:
        program: the program: the cells' masked sources, in order, a marker line between two.
        issues: what the cells tell before any rule runs (a cell that does not parse, a cell
            magic holding Keras code, an old Keras pinned by ``!pip install``).
    """

    def __init__(self, nb, path):
        sources = [cell.get("source", "") for cell in nb.cells]
        self.path = path
        self.masker = Masker(_unused("__compat_attention_ipython", sources))
        self.marker = _unused("__compat_attention_cell", sources)
        self._line = re.compile(r"^(?:class )?%s(\d+)(?: = 0|: pass)$" % re.escape(self.marker))
        self.parts, self.issues = [], []
        for index, cell in enumerate(nb.cells):
            if cell.get("cell_type") == "code":
                self._add(index, cell.get("source", ""))
        self.program = self._join()

    def _issue(self, index, line, what, why, fix, rule=RULE):
        self.issues.append(Issue(self.path, line, rule, what, why, fix, index + 1))

    def _add(self, index, source):
        for number, line in enumerate(split_lines(source), 1):
            if line.lstrip().startswith(("!", "%pip", "%conda")) and _OLD_PIN.search(line):
                self._issue(index, number, line.strip(), "it installs the Keras/TensorFlow this notebook was "
                            "written for, which the migrated code does not run on",
                            "drop the version pin (the migrated code runs on tf.keras 2.8-2.15 or Keras 3)")
        masked = self.masker.mask(source)
        if masked is None:
            if "keras" in source:
                self._issue(index, 1, "cell magic %s" % source.lstrip().split(None, 1)[0],
                            "the code under a cell magic other than %%time/%%timeit/%%capture/%%prun is not "
                            "Python to IPython, so it is left as written", "migrate that code by hand (or move it "
                            "into a Python cell and migrate again)")
            return
        added = not masked.text.endswith("\n")
        text = masked.text + "\n" if added else masked.text
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            for issue in migrate_module_text(text, TARGETS[0], self.path, rules=[]).issues:
                self.issues.append(issue._replace(cell=index + 1, what=issue.what.replace("this file", "this cell")))
            return
        self.parts.append(_Part(index, text, added, _imports(module)))

    def _join(self):
        if not self.parts:
            return ""
        barrier = next((k for k, part in enumerate(self.parts) if part.imports), None)
        chunks = [self.parts[0].text]
        for k, part in enumerate(self.parts[1:], 1):
            chunks.append(("class %s%d: pass\n" if k - 1 == barrier else "%s%d = 0\n") % (self.marker, part.index))
            chunks.append(part.text)
        return "".join(chunks)

    def _starts(self, code):
        """``[(first line of the cell in code, cell index)]`` in program order."""
        starts = [(1, self.parts[0].index)]
        for number, line in enumerate(split_lines(code), 1):
            found = self._line.match(line.rstrip("\r\n"))
            if found:
                starts.append((number + 1, int(found.group(1))))
        return starts

    def place(self, issue, code):
        """An issue of program version ``code`` with its cell and its line within the cell."""
        starts = self._starts(code)
        line = max(issue.line, 1)
        at = bisect.bisect_right([start for start, _ in starts], line) - 1
        start, index = starts[max(at, 0)]
        return issue._replace(cell=index + 1, line=line - start + 1)

    def split(self, code):
        """``{cell index: new source}`` from a migrated program (only cells that changed).

        Raises:
            ValueError: the markers are not all there, in order (a rule moved code across cells).
        """
        pieces, order = {self.parts[0].index: []}, [self.parts[0].index]
        for line in split_lines(code):
            found = self._line.match(line.rstrip("\r\n"))
            if found:
                order.append(int(found.group(1)))
                pieces[order[-1]] = []
            else:
                pieces[order[-1]].append(line)
        if order != [part.index for part in self.parts]:
            raise ValueError("the cell markers moved")
        sources = {}
        for part in self.parts:
            text = "".join(pieces[part.index])
            if text == part.text:
                continue
            if part.added_newline and text.endswith("\n"):
                text = text[:-2] if text.endswith("\r\n") else text[:-1]
            sources[part.index] = self.masker.restore(text)
        return sources


def _run_rules(cells, target, resolve_module, project):
    """The pipeline's rules over the cells' program, each issue placed in its cell.

    An issue's line is one of the version of the program its rule ran over, and a rule before
    it may have added or removed lines (a copied class gone, an import added): when there are
    issues, the rules run again one at a time, to place each in the version it was found in.
    """
    whole = migrate_module_text(cells.program, target, cells.path, resolve_module, project=project)
    if not whole.issues:
        return whole.code, whole.applied, []
    code, applied, issues = cells.program, [], []
    for rule in RULES:
        if target not in rule.targets or not rule.triggered_by(code):
            continue
        result = migrate_module_text(code, target, cells.path, resolve_module, rules=[rule], project=project)
        issues.extend(cells.place(issue, code) for issue in result.issues)  # lines of the version it ran on
        applied.extend(result.applied)
        code = result.code
    return code, applied, issues


def notebook_program(text):
    """The code cells of a notebook as one Python program (IPython syntax masked), or None.

    What ``project.scan_project`` reads in a notebook, and what runs a notebook's code as a
    script (each masked IPython line is an assignment, each cell marker too).

    Args:
        text: the ``.ipynb`` file's text.

    Returns:
        The program's source, or None when the text is not a notebook this module reads.
    """
    try:
        return CodeCells(read_notebook(text), "<notebook>").program
    except NotebookError:
        return None


def migrate_notebook_text(text, target, path, resolve_module=None, project=None):
    """Migrate one notebook's text (see the module docstring); nothing is written.

    Args:
        text: the ``.ipynb`` file's text (JSON).
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name used in reports.
        resolve_module: callable ``module name -> source text or None`` for the modules beside
            the notebook (``from attention_decoder import AttentionDecoder``).
        project: the project's facts (``project.scan_project``), or None.

    Returns:
        A :class:`NotebookResult`. A file that is not a notebook this tool reads gives one
        issue of rule ``'notebook'`` (line 1, or the line of the JSON error) and no change:
        never an exception.

    Raises:
        ValueError: an unknown target.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%matplotlib inline\\n"
        ...     "from keras.optimizers import SGD"), nbformat.v4.new_code_cell("opt = SGD(lr=0.1)")])
        >>> result = migrate_notebook_text(nbformat.writes(nb), "keras3", "tutorial.ipynb")
        >>> [(change.cell, change.code) for change in result.cells], result.issues
        ([(2, 'opt = SGD(learning_rate=0.1)')], [])
    """
    if target not in TARGETS:
        raise ValueError("target must be one of %s, got %r" % (TARGETS, target))
    try:
        nb = read_notebook(text, path)
    except NotebookError as error:
        return NotebookResult(path, text, text, [], [Issue(path, error.line, RULE, error.problem, _WHY_UNREAD,
                                                           error.fix)], ())
    cells = CodeCells(nb, path)
    issues, applied, sources = list(cells.issues), [], {}
    if cells.parts:
        code, applied, found = _run_rules(cells, target, resolve_module, project)
        issues.extend(found)
        try:
            sources = cells.split(code)
        except ValueError as error:
            issues.append(Issue(path, 1, RULE, "the migrated cells could not be put back (%s)" % error,
                                "the notebook is left as it is", "export it as a script (`jupyter nbconvert --to "
                                "script`), migrate that, and copy the changes back; please report the notebook"))
            sources, applied = {}, []
    changes = tuple(CellChange(index + 1, nb.cells[index].source, new)
                    for index, new in sorted(sources.items()) if new != nb.cells[index].source)
    issues.sort(key=lambda i: (i.cell or 0, i.line, i.rule, i.what))
    if not changes:
        return NotebookResult(path, text, text, [], issues, ())
    for change in changes:
        nb.cells[change.cell - 1].source = change.code
    return NotebookResult(path, text, _write(nb, text), applied, issues, changes)


def migrate_file_text(text, target, path, resolve_module=None, project=None):
    """Migrate a Python file's or a notebook's text, chosen by the file name's suffix.

    What the command runs for each file it collects: ``.ipynb`` goes to
    :func:`migrate_notebook_text`, anything else to ``engine.migrate_module_text``.

    Args:
        text: the file's text.
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name (its suffix decides), used in reports.
        resolve_module: callable ``module name -> source text or None``, or None.
        project: the project's facts (``project.scan_project``), or None.

    Returns:
        A :class:`NotebookResult` or a ``MigrationResult`` (both have ``path``, ``source``,
        ``code``, ``applied``, ``issues`` and ``changed``).

    Example:
        >>> migrate_file_text("from keras.optimizers import SGD\\nSGD(lr=0.1)\\n", "keras3", "a.py").code
        'from keras.optimizers import SGD\\nSGD(learning_rate=0.1)\\n'
    """
    migrate = migrate_notebook_text if str(path).endswith(NOTEBOOK_SUFFIX) else migrate_module_text
    return migrate(text, target, path, resolve_module, project=project)


__all__ = ["CellChange", "CodeCells", "NOTEBOOK_SUFFIX", "NotebookResult", "migrate_file_text", "migrate_notebook_text",
           "notebook_program", "read_notebook"]
