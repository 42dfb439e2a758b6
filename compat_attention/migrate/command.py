"""The ``compat-attention migrate`` subcommand: ``add_parser(subparsers)`` and ``run(args)``.

The run: :mod:`.walk` lists the files (each once, each with its kind), :mod:`.runner` migrates
them (in parallel, each under the size and time limits), and this module prints the diffs or
writes the files (:mod:`.writing`: ``.bak`` first, every write in one step), in the walk's order.
A file that cannot be read, decoded, parsed, migrated within the limits or written gets a report
line (``FILE[:LINE]: what (rule): why; fix``) and the run goes on with the others.

Exit codes: 0 nothing to do (or written), 1 ``--check`` found changes, 2 something could not be
migrated or written safely (each reported). A path that does not exist, ``--out`` without
``--write`` or an ``--out``/``--report`` that cannot be made raises
:class:`~compat_attention.errors.UsageError` before any file is touched, which the command line's
one refusal path (``cli/main.py``) prints as ``compat-attention migrate: error: ...``, exit code 1.
"""

import argparse
import difflib
import os
import sys

from ..errors import UsageError
from . import files, limits, runner, walk, writing
from .api import resolve_target
from .engine import TARGETS
from .report import RunReport, changed_lines


def _count(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError("%r is not a whole number >= 0" % text)
    return value


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise argparse.ArgumentTypeError("%r is not a number of seconds > 0" % text)
    return value


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
                    "FILE:LINE: what (rule): why; fix (FILE:CELL:LINE in a notebook). Files it cannot read, "
                    "parse or write are reported and skipped; the others are migrated.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Python files, notebooks or folders (searched "
                        "for *.py and *.ipynb)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff (the default)")
    mode.add_argument("--write", action="store_true", help="rewrite files in place after a .bak copy "
                      "(or into --out DIR); every write is atomic, a rerun finishes an interrupted run")
    mode.add_argument("--check", action="store_true", help="exit 1 when something would change, 2 when "
                      "something cannot be migrated")
    parser.add_argument("--out", metavar="DIR", help="with --write: write migrated copies under DIR "
                        "(same relative layout; never overwrites an existing file)")
    parser.add_argument("--target", choices=("auto",) + TARGETS, default="auto",
                        help="the Keras to migrate for (auto: the installed one, from package metadata)")
    parser.add_argument("--modern-defaults", action="store_true",
                        help="keep today's defaults (by default the migrated code states Keras 2.0.8's values "
                             "where a default changed since, each listed as a note)")
    parser.add_argument("--report", metavar="FILE", help="also write a report of every change and problem "
                        "(with its rule and legacy fact, and totals): JSON when FILE ends in .json, else Markdown")
    parser.add_argument("--jobs", "-j", type=_count, default=0, metavar="N",
                        help="files migrated in parallel (default 0: one per CPU)")
    parser.add_argument("--max-bytes", type=_count, default=limits.DEFAULT_MAX_BYTES, metavar="N",
                        help="refuse files larger than N bytes (default %d; 0: no limit)" % limits.DEFAULT_MAX_BYTES)
    parser.add_argument("--max-seconds", type=_seconds, default=limits.DEFAULT_MAX_SECONDS, metavar="S",
                        help="give up a file whose migration takes longer (default %g)" % limits.DEFAULT_MAX_SECONDS)
    parser.set_defaults(func=run)
    return parser


def _shown(path):
    """The path as a diff header shows it: relative to the current folder when inside it."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else os.path.abspath(path).lstrip("/")


def _prepare_out(out):
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise UsageError("%s: cannot make the output folder (%s); choose a writable place" % (
            out, error.strerror or error)) from None
    if not os.path.isdir(out):
        raise UsageError("%s: not a folder; choose a folder for --out" % out)


def _check_report_path(path):
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path) or not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError("%s: cannot write the report there; choose a file in a writable folder" % path)


def _write_report(path, report):
    text = report.to_json() if path.endswith(".json") else report.to_markdown()
    data = text.encode("utf-8")
    try:
        if os.path.lexists(path) and not os.path.islink(path):
            files.replace(path, data, 0o644)
        else:
            files.create(path, data, 0o644)
    except (OSError, files.WriteError) as error:
        raise UsageError("%s: cannot write the report (%s); choose a writable place" % (
            path, getattr(error, "problem", None) or error)) from None


class _Run:
    """One run's state: the mode, the report, and what is printed."""

    def __init__(self, args, target, limits_, project=None):
        self.args, self.target, self.limits, self.project = args, target, limits_, project
        self.modern = getattr(args, "modern_defaults", False)
        self.mode = "write" if args.write else "check" if args.check else "diff"
        facts = {rule.name: rule.fact for rule in _rules()}
        self.report = RunReport(target, self.mode, facts)
        self.issues, self.changed = [], 0

    def remigrate(self, entry):
        return lambda data: runner.migrate_data(entry, data, self.target, self.limits, self.project, self.modern)[1]

    def handle(self, outcome):
        """Print, write and record one file's outcome."""
        entry, result = outcome.entry, outcome.result
        issues = list(outcome.issues)
        applied = result.applied if result is not None else []
        status = "skipped" if result is None else "unchanged"
        if outcome.changed:
            self.changed += 1
            status = "would migrate"
        if self.args.write and outcome.snapshot is not None:
            status, issue = self.write(outcome)
            issues += [issue] if issue is not None else []
        elif outcome.changed and self.args.check:
            print("would migrate %s (%s)" % (entry.path, ", ".join(applied)))
        elif outcome.changed:
            sys.stdout.writelines(difflib.unified_diff(
                result.source.splitlines(True), result.code.splitlines(True),
                "a/" + _shown(entry.path), "b/" + _shown(entry.path)))
        if result is not None and result.issues and status == "unchanged":
            status = "not migrated" if result.code == result.source else status
        lines = changed_lines(result.source, result.code) if outcome.changed and self.args.report else ()
        notes = list(result.notes) if result is not None else []
        for note in notes:
            print(note.format())
        self.report.add(entry.path, status, entry.kind, applied if outcome.changed else (), issues, lines, notes)
        self.issues += issues

    def write(self, outcome):
        entry, result = outcome.entry, outcome.result
        out = self.args.out
        if out is not None:
            status, issue = writing.write_copy(outcome, out)
            dest = os.path.join(out, entry.rel)
        elif outcome.changed:
            status, issue = writing.write_in_place(outcome, self.remigrate(entry))
            dest = entry.path
        else:
            issue = writing.half_written(outcome, self.remigrate(entry)) if result is not None else None
            return ("unchanged" if result is not None else "skipped") if issue is None else writing.NOT_WRITTEN, issue
        if status == writing.MIGRATED:
            print("migrated %s -> %s (%s)" % (entry.path, dest, ", ".join(result.applied)))
        return status, issue


def _rules():
    from .pipeline import RULES

    return RULES


def run(args):
    """Run ``migrate`` for parsed arguments.

    Args:
        args: an argparse namespace with ``paths``, ``write``, ``check``, ``out``, ``target``,
            ``report``, ``jobs``, ``max_bytes``, ``max_seconds``.

    Returns:
        The exit code: 0, 1 (``--check`` found changes) or 2 (something reported).

    Raises:
        UsageError: a path that does not exist, ``--out`` without ``--write``, or an ``--out``
            folder or ``--report`` file that cannot be made (nothing is written then).
    """
    out = getattr(args, "out", None)
    if out is not None and not args.write:
        raise UsageError("--out %s: only used with --write; add --write" % out)
    target = resolve_target(args.target)
    report_path = getattr(args, "report", None)
    if report_path:
        _check_report_path(report_path)
    entries = walk.collect(args.paths, out=out)
    if out is not None:
        _prepare_out(out)
    limits_ = limits.Limits(getattr(args, "max_bytes", limits.DEFAULT_MAX_BYTES) or None,
                            getattr(args, "max_seconds", limits.DEFAULT_MAX_SECONDS))
    jobs = getattr(args, "jobs", 0) or runner.default_jobs()
    project = runner.scan(entries, limits_, jobs)  # what the other files save
    state = _Run(args, target, limits_, project)
    for outcome in runner.run(entries, target, limits_, jobs, project, state.modern):
        state.handle(outcome)
    for issue in state.issues:
        print(issue.format())
    if report_path:
        _write_report(report_path, state.report)
    if state.issues:
        print("%d problem(s) not migrated (target %s)." % (len(state.issues), target), file=sys.stderr)
        return 2
    if args.check and state.changed:
        return 1
    return 0
