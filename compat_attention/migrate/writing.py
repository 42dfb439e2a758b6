"""``--write``: the protocol that makes every moment of a run safe to kill, and every rerun finish the job.

In place, for a file ``F`` whose migration changed it (:func:`write_in_place`):

1. ``F`` must be a writable regular file in a writable folder, and still be the bytes the run
   read (else: a report line, ``F`` untouched);
2. the backup: when ``F.bak`` does not exist, it is created with ``F``'s bytes, complete, in one
   step (never over an existing name). When it exists, it decides:

   * ``F.bak`` holds ``F``'s bytes: an earlier run stopped between the backup and the rename;
     go on (the backup is already there);
   * ``F.bak`` holds the first part of ``F``'s bytes (empty included): a copy an older run was
     killed in; it is completed (``F`` holds all of it) and the run goes on;
   * ``F`` holds the migration of ``F.bak``: done already (nothing to write);
   * anything else: ``F.bak`` is someone's file; ``F`` is refused with a report line.

3. ``F`` is checked once more against the bytes read (an edit made meanwhile is never
   overwritten: a report line, and a backup made by this very step is taken back), then replaced
   in one step (complete temporary file renamed over it, permission bits and owner kept).

So after a kill at any moment every file is untouched or fully migrated, with its ``.bak``
holding the original or not yet there, and the next run finishes exactly as one run would have.

Into ``--out DIR`` (:func:`write_copy`): the copy goes to ``DIR/<relative name>``, made folder by
folder (no part may be a link), created in one step (never over an existing name, a dangling
link included). A copy that exists with exactly the bytes it would get is done already; any
other existing name is refused with a report line.
"""

import os
import stat

from . import files
from .report import Issue

MIGRATED, COPIED, DONE, NOT_WRITTEN = "migrated", "copied", "done already", "not written"


def _refused(path, what, fix, line=0):
    return NOT_WRITTEN, Issue(path, line, "write", what, "the file was left as it is", fix)


def _read(path):
    with open(path, "rb") as handle:
        return handle.read()


def _writable(entry):
    """None when ``entry.real`` and its folder can be written; else the refusal."""
    path, folder = entry.real, os.path.dirname(entry.real)
    try:
        info = os.stat(path)
    except OSError as error:
        return _refused(entry.path, "cannot be read any more (%s)" % (error.strerror or error), "check the file")
    if not stat.S_ISREG(info.st_mode):
        return _refused(entry.path, "not a regular file", "migrate a copy (--write --out DIR)")
    if not info.st_mode & 0o222 or not os.access(path, os.W_OK):
        return _refused(entry.path, "read-only file", "make it writable (chmod u+w) to migrate it in place, "
                        "or migrate a copy (--write --out DIR)")
    if not os.access(folder, os.W_OK | os.X_OK) or not os.stat(folder).st_mode & 0o222:
        return _refused(entry.path, "read-only folder %s" % folder, "make the folder writable, or migrate a copy "
                        "(--write --out DIR)")
    return None


def write_in_place(outcome, remigrate):
    """Write one changed file in place after its ``.bak`` (see the module's protocol).

    Args:
        outcome: the file's :class:`~compat_attention.migrate.runner.Outcome` (changed).
        remigrate: callable ``bytes -> migrated bytes or None``: the migration of another content
            of this file (for an existing ``.bak``).

    Returns:
        ``(status, issue or None)``: status ``'migrated'``, ``'done already'`` or ``'not written'``.
    """
    entry, snapshot = outcome.entry, outcome.snapshot
    path, bak = entry.real, entry.real + ".bak"
    files.remove_stale_temporaries(path)
    refusal = _writable(entry)
    if refusal is not None:
        return refusal
    if not snapshot.unchanged():
        return _changed(entry)
    made_backup = False
    if os.path.lexists(bak):
        if os.path.islink(bak) or not os.path.isfile(bak):
            return _refused(entry.path, "%s exists and is not a plain file" % os.path.basename(bak),
                            "move it away, then run migrate again")
        try:
            kept = _read(bak)
        except OSError as error:
            return _refused(entry.path, "%s cannot be read (%s)" % (os.path.basename(bak), error.strerror or error),
                            "check its permissions")
        if len(kept) < len(snapshot.data) and snapshot.data.startswith(kept):
            try:  # an earlier tool killed while copying: complete the backup (the file holds all of it)
                files.replace(bak, snapshot.data, snapshot.mode)
            except files.WriteError as error:
                return _refused(entry.path, "its backup %s %s" % (os.path.basename(bak), error.problem), error.fix)
        elif kept != snapshot.data:
            if remigrate(kept) == snapshot.data:
                return DONE, None
            return _refused(entry.path, "%s exists already and holds neither this file nor its migration"
                            % os.path.basename(bak), "move it away (it may hold your original), then run "
                            "migrate again")
    else:
        info = os.stat(path)
        try:
            files.create(bak, snapshot.data, snapshot.mode, times=(info.st_atime_ns, info.st_mtime_ns))
        except FileExistsError:
            return _refused(entry.path, "%s appeared while migrating" % os.path.basename(bak), "run migrate again")
        except files.WriteError as error:
            return _refused(entry.path, "its backup %s %s" % (os.path.basename(bak), error.problem), error.fix)
        made_backup = True
    if not snapshot.unchanged():
        if made_backup:  # the backup of a version the user has just replaced: take it back
            _remove_if(bak, snapshot.data)
        return _changed(entry)
    try:
        files.replace(path, outcome.data, snapshot.mode, like=os.stat(path))
    except files.WriteError as error:
        return _refused(entry.path, error.problem, error.fix)
    return MIGRATED, None


def half_written(outcome, remigrate):
    """The report line for a file an older tool cut short (its ``.bak`` holds more), else None.

    An older ``migrate --write`` killed while writing ``F`` left ``F`` empty or cut, its original
    in ``F.bak``; such an ``F`` migrates to itself, so without this check a rerun took it as done.
    ``F`` counts as cut when it is a strict beginning of ``F.bak`` or of ``F.bak``'s migration.

    Args:
        outcome: the file's :class:`~compat_attention.migrate.runner.Outcome` (not changed by migrating).
        remigrate: callable ``bytes -> migrated bytes or None``.
    """
    bak = outcome.entry.real + ".bak"
    if outcome.snapshot is None or not os.path.isfile(bak) or os.path.islink(bak):
        return None
    try:
        kept = _read(bak)
    except OSError:
        return None
    data = outcome.snapshot.data
    if kept == data or len(data) >= len(kept) * 2:
        return None
    migrated = remigrate(kept) or b""
    if any(len(data) < len(whole) and whole.startswith(data) for whole in (kept, migrated)):
        return Issue(outcome.entry.path, 0, "write", "looks cut short by an interrupted earlier run (%d bytes; %s "
                     "holds %d)" % (len(data), os.path.basename(bak), len(kept)), "the file was left as it is",
                     "restore it from %s (mv %s %s), then run migrate again" % (
                         os.path.basename(bak), os.path.basename(bak), os.path.basename(outcome.entry.path)))
    return None


def _changed(entry):
    return _refused(entry.path, "changed on disk while it was being migrated", "run migrate again on the new text")


def _remove_if(path, data):
    try:
        if _read(path) == data:
            os.unlink(path)
    except OSError:
        pass


def write_copy(outcome, out):
    """Write a file's migrated (or, when not migrated, unchanged) bytes to ``out``/its relative name.

    Args:
        outcome: the file's :class:`~compat_attention.migrate.runner.Outcome` (its bytes were read).
        out: the ``--out`` folder (exists).

    Returns:
        ``(status, issue or None)``: ``'migrated'`` or ``'copied'``, ``'done already'``, ``'not written'``.
    """
    entry, snapshot = outcome.entry, outcome.snapshot
    data = outcome.data if outcome.data is not None else snapshot.data
    status = MIGRATED if data != snapshot.data else COPIED
    relative_folder, name = os.path.split(entry.rel)
    try:
        folder = files.make_folders(out, relative_folder)
    except files.WriteError as error:
        return _refused(entry.path, "%s: %s" % (error.path, error.problem), error.fix)
    dest = os.path.join(folder, name)
    if os.path.lexists(dest):
        return _existing(entry, dest, data)
    try:
        files.create(dest, data, snapshot.mode)
    except FileExistsError:
        return _existing(entry, dest, data)
    except files.WriteError as error:
        return _refused(entry.path, "%s: %s" % (error.path, error.problem), error.fix)
    return status, None


def _existing(entry, dest, data):
    if os.path.islink(dest):
        return _refused(entry.path, "%s is a link" % dest, "--out never writes through links, choose an empty folder")
    try:
        if os.path.isfile(dest) and _read(dest) == data:
            return DONE, None
    except OSError:
        pass
    return _refused(entry.path, "%s exists already" % dest, "--out never overwrites, choose an empty folder")
