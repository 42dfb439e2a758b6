"""The ``compat-attention migrate`` subcommand: ``add_parser(subparsers)`` and ``run(args)``.

Exit codes: 0 nothing to do (or written), 1 ``--check`` found changes, 2 something could not be
migrated safely (each reported as ``FILE:LINE: ...``). A bad path or an output that cannot be
written raises :class:`~compat_attention.errors.UsageError` (``"PATH: problem; fix"``), which the
command line's one refusal path (``cli/main.py``) prints as ``compat-attention migrate: error:
...`` with exit code 1.
"""

import difflib
import os
import shutil
import sys

from ..errors import UsageError
from .api import resolve_target, sibling_resolver
from .engine import TARGETS
from .notebooks import NOTEBOOK_SUFFIX, migrate_file_text
from .project import scan_project
from .source import read_source

#: The files migrated: Python programs, and Jupyter notebooks (``notebooks.py``).
MIGRATED_SUFFIXES = (".py", NOTEBOOK_SUFFIX)
SKIP_DIRS = {".git", ".hg", ".tox", ".venv", "venv", "__pycache__", "node_modules", "build", "dist"}


def add_parser(subparsers):
    """Add the ``migrate`` subcommand to an argparse subparsers object.

    Args:
        subparsers: what ``ArgumentParser.add_subparsers()`` returned.

    Returns:
        The new subparser (its ``func`` default is :func:`run`).
    """
    parser = subparsers.add_parser(
        "migrate", help="rewrite Keras 2.0 programs for modern Keras (LibCST; comments kept)",
        description="Rewrite Keras 2.0.x programs (and copied legacy attention modules) for tf.keras 2 or "
                    "Keras 3, and the code cells of Jupyter notebooks (outputs, metadata and magics kept). "
                    "Prints a unified diff by default; reports what it cannot migrate as "
                    "FILE:LINE: what (rule): why; fix (FILE:CELL:LINE in a notebook).")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Python files, notebooks or folders (searched for *.py and *.ipynb)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff (the default)")
    mode.add_argument("--write", action="store_true", help="rewrite files in place after a .bak copy "
                      "(or into --out DIR)")
    mode.add_argument("--check", action="store_true", help="exit 1 when something would change, 2 when "
                      "something cannot be migrated")
    parser.add_argument("--out", metavar="DIR", help="with --write: write migrated copies under DIR "
                        "(same relative layout; never overwrites an existing file)")
    parser.add_argument("--target", choices=("auto",) + TARGETS, default="auto",
                        help="the Keras to migrate for (auto: the installed one)")
    parser.set_defaults(func=run)
    return parser


def collect(paths):
    """``[(file, relative name)]`` for the given files and the ``*.py``/``*.ipynb`` files under folders.

    Raises:
        UsageError: a path that does not exist or is not a Python file, a notebook or a folder.
    """
    found = []
    for path in paths:
        if os.path.isdir(path):
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(MIGRATED_SUFFIXES):
                        full = os.path.join(folder, name)
                        found.append((full, os.path.relpath(full, path)))
        elif os.path.isfile(path):
            if not path.endswith(MIGRATED_SUFFIXES):
                raise UsageError("%s: not a Python file or notebook; pass .py/.ipynb files or folders" % path)
            found.append((path, os.path.basename(path)))
        else:
            raise UsageError("%s: no such file or folder; check the path" % path)
    return found


def _write(path, data):
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise UsageError("%s: cannot write (%s); choose a writable place" % (path, error.strerror or error))


def _shown(path):
    """The path as a diff header shows it: relative to the current folder when inside it."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else os.path.abspath(path).lstrip("/")


def _plan_outputs(results, out):
    """Check every output first, so that an error leaves nothing half-written."""
    targets = []
    for _, result, rel in results:
        if out is None:
            if os.path.exists(result.path + ".bak"):
                raise UsageError("%s.bak: exists already; move it away (it may hold your original)" % result.path)
            targets.append(result.path)
        else:
            dest = os.path.join(out, rel)
            if os.path.exists(dest):
                raise UsageError("%s: exists already; --out never overwrites, choose an empty folder" % dest)
            targets.append(dest)
    return targets


def run(args):
    """Run ``migrate`` for parsed arguments.

    Args:
        args: an argparse namespace with ``paths``, ``write``, ``check``, ``out``, ``target``.

    Returns:
        The exit code: 0, 1 (``--check`` found changes) or 2 (unmigratable code reported).

    Raises:
        UsageError: a bad path, ``--out`` without ``--write``, or an output that cannot be written
            (nothing is written then).
    """
    out = getattr(args, "out", None)
    if out is not None and not args.write:
        raise UsageError("--out %s: only used with --write; add --write" % out)
    target = resolve_target(args.target)
    results, files = [], [(path, rel, read_source(path)) for path, rel in collect(args.paths)]
    project = scan_project((path, source.text) for path, _, source in files)  # what the other files save
    for path, rel, source in files:
        results.append((source, migrate_file_text(source.text, target, path, sibling_resolver(path),
                                                  project=project), rel))
    issues = [issue for _, result, _ in results for issue in result.issues]
    changed = [entry for entry in results if entry[1].changed]
    if args.write:
        written = results if out is not None else changed  # the output folder gets the whole program
        for (source, result, _), dest in zip(written, _plan_outputs(written, out)):
            try:
                if out is None:
                    shutil.copy2(result.path, result.path + ".bak")
                else:
                    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
            except OSError as error:
                raise UsageError("%s: cannot write (%s); choose a writable place" % (
                    error.filename or dest, error.strerror or error))
            _write(dest, source.encode(result.code))
            if result.changed:
                print("migrated %s -> %s (%s)" % (result.path, dest, ", ".join(result.applied)))
    elif not args.check:
        for _, result, _ in changed:
            sys.stdout.writelines(difflib.unified_diff(
                result.source.splitlines(True), result.code.splitlines(True),
                "a/" + _shown(result.path), "b/" + _shown(result.path)))
    else:
        for _, result, _ in changed:
            print("would migrate %s (%s)" % (result.path, ", ".join(result.applied)))
    for issue in issues:
        print(issue.format())
    if issues:
        print("%d problem(s) not migrated (target %s)." % (len(issues), target), file=sys.stderr)
        return 2
    if args.check and changed:
        return 1
    return 0
