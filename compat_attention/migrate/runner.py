"""Migrating the files of a run: one migrate function per kind of file, the files in parallel.

Each :class:`~compat_attention.migrate.walk.Entry` is read, checked against the size limit,
migrated by the function of its kind (:data:`MIGRATORS`) under the time limit, and comes back as
an :class:`Outcome` (its bytes as read, the migrated bytes, the result, the problems). Nothing is
written here: the caller writes, in the run's order. A file's outcome depends only on its own
bytes and the target; no exception escapes (a problem becomes the file's report line).

With ``jobs > 1`` the files are migrated in worker processes (forked where the platform has
``fork``); the outcomes come back in the run's order whatever order the workers finish in.
A worker that dies (a crash in native code) costs a report line for the file it was working on.
"""

import os
from collections import namedtuple

from . import engine, limits as limits_module, walk
from .api import sibling_resolver
from .files import FileTooLarge, read_snapshot
from .project import scan_project
from .rules.checkpoints import NOTHING_SAVED
from .report import Issue, MigrationResult
from .source import BOM, SourceError, decode_source


class Outcome(namedtuple("Outcome", "entry snapshot result data issues")):
    """What migrating one file gave.

    Attributes:
        entry: the :class:`~compat_attention.migrate.walk.Entry`.
        snapshot: the :class:`~compat_attention.migrate.files.Snapshot` of the file as read
            (None when it could not be read).
        result: the :class:`MigrationResult` (None when the file was not migrated).
        data: the migrated bytes (None when not migrated).
        issues: every report line of the file (the result's issues included), in line order.
    """

    __slots__ = ()

    @property
    def changed(self):
        """Whether migrating changed the file's bytes."""
        return self.data is not None and self.snapshot is not None and self.data != self.snapshot.data


def _file_issue(path, rule, what, why, fix, line=0):
    return Issue(path, line, rule, what, why, fix)


def migrate_python(entry, data, target, project=None, modern_defaults=False):
    """Migrate a Python file's bytes; returns ``(MigrationResult, new bytes)``."""
    if b"\0" in data:
        raise _Refused(_file_issue(entry.path, "source", "binary data (NUL bytes), not Python source",
                                   "left as it is", "nothing to do unless it is a program saved oddly"))
    try:
        source = decode_source(entry.path, data)
    except SourceError as error:
        raise _Refused(_file_issue(entry.path, "source", error.problem, "left as it is", error.fix,
                                   error.line)) from None
    result = engine.migrate_module_text(source.text, target, entry.path, sibling_resolver(entry.real),
                                        project=project, modern_defaults=modern_defaults)
    return result, source.encode(result.code) if result.changed else data


def notebook_migrator():
    """The notebook support's ``migrate_notebook_text(text, target, path, resolve_module, project)``, or None
    while it is not installed.

    The one place where notebooks are wired in: ``compat_attention/migrate/notebooks.py``.
    """
    try:
        from .notebooks import migrate_notebook_text
    except ImportError:
        return None
    return migrate_notebook_text


def migrate_notebook(entry, data, target, project=None, modern_defaults=False):
    """Migrate a notebook's bytes (JSON text, UTF-8); returns ``(MigrationResult, new bytes)``."""
    migrate_text = notebook_migrator()
    if migrate_text is None:
        raise _Refused(_file_issue(entry.path, "notebook", "notebook support not installed", "left as it is",
                                   "export the notebook to a .py file (jupyter nbconvert --to script) and "
                                   "migrate that"))
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(_file_issue(entry.path, "source", "not UTF-8 text", "left as it is",
                                   "a notebook is UTF-8 JSON: open and save it in Jupyter")) from None
    done = migrate_text(text, target, entry.path, sibling_resolver(entry.real), project=project,
                        modern_defaults=modern_defaults)
    result = MigrationResult(entry.path, text, done.code, list(done.applied), list(done.issues), list(done.notes))
    return result, (BOM if bom else b"") + result.code.encode("utf-8") if result.changed else data


#: The migrate function of each kind of file: ``fn(entry, bytes, target, project, modern_defaults) ->
#: (MigrationResult, bytes)``.
MIGRATORS = {walk.PYTHON: migrate_python, walk.NOTEBOOK: migrate_notebook}


class _Refused(Exception):
    """A file the run leaves alone, with its report line."""

    def __init__(self, issue):
        super().__init__(issue.format())
        self.issue = issue


def migrate_data(entry, data, target, limits, project=None, modern_defaults=False):
    """Migrate ``data`` as the content of ``entry`` under the time limit; never raises.

    ``project``: what the run's other files save (``project.scan_project``), or None;
    ``modern_defaults``: keep today's defaults (``--modern-defaults``).

    Returns:
        ``(MigrationResult or None, new bytes or None, issues)``.
    """
    try:
        with limits_module.time_limit(limits.max_seconds):
            result, new = MIGRATORS[entry.kind](entry, data, target, project, modern_defaults)
    except _Refused as refused:
        return None, None, [refused.issue]
    except limits_module.TimeLimitExceeded:
        return None, None, [_file_issue(entry.path, "limits", "its migration took longer than %g s" % limits.max_seconds,
                                        "left as it is", "migrate it alone with a larger --max-seconds")]
    except MemoryError:
        return None, None, [_file_issue(entry.path, "limits", "its migration ran out of memory", "left as it is",
                                        "split the file, or migrate it alone on a larger machine")]
    except Exception as error:  # noqa: BLE001 - one file's surprise must cost one report line, never the run
        return None, None, [_file_issue(entry.path, "limits", "the migration failed (%s: %s)" % (
            type(error).__name__, str(error).split("\n")[0][:200]), "left as it is",
            "migrate this file by hand, and please report it")]
    return result, new, list(result.issues)


def process(entry, target, limits, project=None, modern_defaults=False):
    """Read, check and migrate one file; never raises. Returns an :class:`Outcome`."""
    if entry.kind == walk.SKIPPED:
        return Outcome(entry, None, None, None, [entry.issue])
    try:
        snapshot = read_snapshot(entry.real, limits.max_bytes)
    except FileTooLarge as large:
        return Outcome(entry, None, None, None, [_file_issue(
            entry.path, "limits", "%d bytes, over the size limit of %d" % (large.args[0], limits.max_bytes),
            "left as it is", "migrate it alone with a larger --max-bytes (LibCST needs about 200 bytes of memory "
            "per byte of source)")])
    except OSError as error:
        return Outcome(entry, None, None, None, [_file_issue(
            entry.path, "source", "cannot be read (%s)" % (error.strerror or error), "left as it is",
            "check its permissions")])
    result, data, issues = migrate_data(entry, snapshot.data, target, limits, project, modern_defaults)
    return Outcome(entry, snapshot, result, data, issues)


def project_sources(entries, limits):
    """``(path, text)`` of the run's programs and notebooks, for ``project.scan_project``.

    A file that cannot be read, is over the size limit or is not text is left out (it gets its
    report line when it is migrated).
    """
    for entry in entries:
        if entry.kind == walk.SKIPPED:
            continue
        try:
            data = read_snapshot(entry.real, limits.max_bytes).data
            yield entry.path, decode_source(entry.path, data).text
        except (OSError, FileTooLarge, SourceError):
            continue


def scan(entries, limits, jobs=1):
    """What the run's programs save (``project.scan_project``), read and scanned over ``jobs`` processes.

    Every file must be scanned before any is migrated, so a scan in one process while the
    others wait would be the run's serial part.
    """
    entries = [e for e in entries if e.kind != walk.SKIPPED]
    if jobs <= 1 or len(entries) <= 1:
        return scan_project(project_sources(entries, limits))
    from concurrent.futures import ProcessPoolExecutor

    from concurrent.futures.process import BrokenProcessPool

    parts = [entries[i::jobs] for i in range(min(jobs, len(entries)))]
    try:
        with ProcessPoolExecutor(max_workers=len(parts), mp_context=_context()) as pool:
            found = list(pool.map(_scan_part, parts, [limits] * len(parts)))
    except BrokenProcessPool:  # a file crashed a worker (native code): each file in a worker of its own
        found = [_scan_isolated(entry, limits) for entry in entries]
    facts = found[0]
    for part in found[1:]:
        facts = facts.union(part)
    return facts


def _scan_part(entries, limits):
    return scan_project(project_sources(entries, limits))


def _scan_isolated(entry, limits):
    """What one file saves, scanned in a fresh worker; a file that crashes it saves nothing seen."""
    return _alone(_scan_part, ([entry], limits), lambda: NOTHING_SAVED)


def default_jobs():
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def _died(entry):
    return Outcome(entry, None, None, None, [_file_issue(
        entry.path, "limits", "the worker process migrating it died (a crash in native code, or killed)",
        "left as it is", "migrate this file by hand, and please report it")])


def _alone(function, args, died):
    """``function(*args)`` in a fresh worker of its own: a crash costs this call only (``died()`` instead)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=_context()) as pool:
        try:
            return pool.submit(function, *args).result()
        except BrokenProcessPool:
            return died()


def _isolated(entry, target, limits, project, modern_defaults=False):
    """``process`` in a fresh worker of its own: a crash costs this file only."""
    return _alone(process, (entry, target, limits, project, modern_defaults), lambda: _died(entry))


def run(entries, target, limits=None, jobs=1, project=None, modern_defaults=False):
    """Migrate ``entries``; yields one :class:`Outcome` per entry, in their order.

    Args:
        entries: :class:`~compat_attention.migrate.walk.Entry` records.
        target: ``'keras2'`` or ``'keras3'``.
        limits: a :class:`~compat_attention.migrate.limits.Limits` (default limits when None).
        jobs: worker processes (1: in this process).
        project: what the run's files save (``project.scan_project``), or None.
        modern_defaults: keep today's defaults (``--modern-defaults``).
    """
    limits = limits or limits_module.Limits()
    work = [i for i, e in enumerate(entries) if e.kind != walk.SKIPPED]
    if jobs <= 1 or len(work) <= 1:
        for entry in entries:
            yield process(entry, target, limits, project, modern_defaults)
        return
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=_context())
    try:
        futures = {}
        for i in sorted(work, key=lambda i: -entries[i].size):  # the largest first: the workers end together
            futures[i] = pool.submit(process, entries[i], target, limits, project, modern_defaults)
        for i, entry in enumerate(entries):
            if i not in futures:
                yield process(entry, target, limits, project, modern_defaults)
                continue
            try:
                yield futures[i].result()
            except BrokenProcessPool:
                yield _isolated(entry, target, limits, project, modern_defaults)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
