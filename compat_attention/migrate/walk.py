"""Which files a run migrates: the paths given, folders searched, each file once, no link followed out.

:func:`collect` turns the command line's paths into :class:`Entry` records, in a fixed order
(the paths as given; in a folder its files by name, then its subfolders by name). Each file gets
its kind in one place, :func:`kind_of`: ``python`` (``*.py``), ``notebook`` (``*.ipynb``), or
``skipped`` with the reason (a macOS ``._*`` AppleDouble file, a link out of the tree, a link loop,
a dangling link). Rules of the walk:

* a folder's tree is what lies under its real path; a link to a file or folder outside it is not
  followed (reported), a link inside it is not needed (the file is reached by its own path);
* a file given by name belongs to the folder it lies in: a link out of that folder is refused;
* the same file reached twice (``migrate tree tree/a.py``, a link, a hard link) is migrated once,
  under the first name by which it was reached without a link;
* folders such as ``.git``, ``__pycache__``, ``build`` and the ``--out`` folder are not entered.
"""

import errno
import os
import stat
from collections import namedtuple

from ..errors import UsageError
from .report import Issue

SKIP_DIRS = {".git", ".hg", ".tox", ".venv", "venv", "__pycache__", "node_modules", "build", "dist"}
SUFFIXES = {".py": "python", ".ipynb": "notebook"}
PYTHON, NOTEBOOK, SKIPPED = "python", "notebook", "skipped"


class Entry(namedtuple("Entry", "path real rel kind issue size")):
    """One file of the run.

    Attributes:
        path: the file as reports name it (as given, or as found in a folder).
        real: its real path (links resolved): what is read and written.
        rel: its name below the folder it was found in (its base name when given by name): where
            ``--out`` puts it.
        kind: ``'python'``, ``'notebook'`` or ``'skipped'``.
        issue: for ``'skipped'``, the :class:`Issue` that says why; else None.
        size: its size in bytes (0 when unknown).
    """

    __slots__ = ()


def kind_of(name):
    """The kind of a file, from its name: ``(kind, why)``; ``why`` is None but for ``'skipped'``.

    Example:
        >>> kind_of("train.py"), kind_of("._train.py")[0], kind_of("notes.txt")[0]
        (('python', None), 'skipped', 'skipped')
    """
    base = os.path.basename(name)
    if base.startswith("._"):
        return SKIPPED, ("a macOS AppleDouble file (Finder metadata, not Python)",
                         "nothing to do (delete the ._* files if you like)")
    for suffix, kind in SUFFIXES.items():
        if base.endswith(suffix):
            return kind, None
    return SKIPPED, ("not a Python file or notebook", "pass .py/.ipynb files or folders")


def _skip(path, what, fix, rule="tree"):
    return Issue(path, 0, rule, what, "left as it is", fix)


def _inside(real, root):
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


class _Walk:
    def __init__(self, out):
        self.out = os.path.realpath(out) if out is not None else None
        self.entries, self.seen = [], {}

    def add(self, path, real, rel, linked):
        """Record file ``real`` reached as ``path``; the first name reached without a link wins."""
        kind, why = kind_of(path)
        try:
            info = os.stat(real)
        except OSError as error:
            self.entries.append(Entry(path, real, rel, SKIPPED, _skip(path, "cannot be read (%s)" % (
                error.strerror or error), "check the file"), 0))
            return
        if kind == SKIPPED:
            self.entries.append(Entry(path, real, rel, kind, _skip(path, why[0], why[1]), info.st_size))
            return
        key = (info.st_dev, info.st_ino)
        entry = Entry(path, real, rel, kind, None, info.st_size)
        if key not in self.seen:
            self.seen[key] = (len(self.entries), linked)
            self.entries.append(entry)
        elif self.seen[key][1] and not linked:  # a link came first: the file's own name replaces it
            index = self.seen[key][0]
            self.entries[index] = entry
            self.seen[key] = (index, False)

    def link(self, path, rel, root):
        """A link met in a folder: followed only to a file inside the tree (its own name is walked too)."""
        try:
            info = os.stat(path)
        except OSError as error:
            if error.errno == errno.ELOOP:
                self.entries.append(Entry(path, path, rel, SKIPPED, _skip(
                    path, "a link loop", "remove or fix the link"), 0))
            elif kind_of(path)[0] != SKIPPED:
                self.entries.append(Entry(path, path, rel, SKIPPED, _skip(
                    path, "a dangling link (%s)" % (error.strerror or error), "remove or fix the link"), 0))
            return
        real = os.path.realpath(path)
        if not _inside(real, root):
            if stat.S_ISDIR(info.st_mode) or kind_of(path)[0] != SKIPPED:
                self.entries.append(Entry(path, real, rel, SKIPPED, _skip(
                    path, "a link to %s outside the tree; not followed" % real,
                    "migrate %s itself if you mean to" % real), 0))
            return
        if stat.S_ISREG(info.st_mode) and kind_of(path)[0] != SKIPPED:
            self.add(path, real, rel, linked=True)

    def folder(self, top, root, rel_base):
        """The files of a folder (by name), then its subfolders (by name); links as :meth:`link` says."""
        try:
            with os.scandir(top) as scan:
                items = sorted(scan, key=lambda e: e.name)
        except OSError as error:
            self.entries.append(Entry(top, top, rel_base, SKIPPED, _skip(
                top, "folder cannot be read (%s)" % (error.strerror or error), "check its permissions"), 0))
            return
        folders = []
        for item in items:
            rel = os.path.join(rel_base, item.name) if rel_base else item.name
            try:
                if item.is_symlink():
                    self.link(item.path, rel, root)
                elif item.is_dir(follow_symlinks=False):
                    folders.append((item, rel))
                elif item.is_file(follow_symlinks=False) and kind_of(item.name)[0] != SKIPPED:
                    self.add(item.path, os.path.join(root, rel), rel, linked=False)
                elif item.name.startswith("._") and item.name.endswith(tuple(SUFFIXES)):
                    self.add(item.path, os.path.join(root, rel), rel, linked=False)
            except OSError as error:
                self.entries.append(Entry(item.path, item.path, rel, SKIPPED, _skip(
                    item.path, "cannot be read (%s)" % (error.strerror or error), "check its permissions"), 0))
        for item, rel in folders:
            if item.name in SKIP_DIRS or item.name.startswith("."):
                continue
            if self.out is not None and os.path.join(root, rel) == self.out:
                continue
            self.folder(item.path, root, rel)


def collect(paths, out=None):
    """The run's files, each once, in a fixed order.

    Args:
        paths: files and folders, as given on the command line.
        out: the ``--out`` folder (not entered when it lies in a folder searched), or None.

    Returns:
        A list of :class:`Entry`; the skipped ones carry their report line.

    Raises:
        UsageError: a path that does not exist (nothing has been read or written then).
    """
    walk = _Walk(out)
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError("%s: no such file or folder; check the path" % path)
        if os.path.isdir(path):
            root = os.path.realpath(path)
            walk.folder(root if os.path.islink(path) else path, root, "")
            continue
        folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
        name = os.path.basename(path)
        if os.path.islink(path):
            walk.link(path, name, folder)
            continue
        if os.path.isfile(path) and kind_of(path)[0] == SKIPPED and not name.startswith("._"):
            raise UsageError("%s: not a Python file; pass .py files or folders" % path)
        walk.add(path, os.path.join(folder, name), name, linked=False)
    return walk.entries
