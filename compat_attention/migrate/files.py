"""Writing migrated files so that no moment of a run can lose or half-write one.

Every write goes to a new temporary file in the destination's own folder (created with
``O_EXCL``, never through a link), is written in full (short writes continued), flushed to disk
(``fsync``), given the original's permission bits, and only then put in place in one step:

* :func:`replace` renames it over an existing file (``rename`` is atomic: a reader, or a run
  killed at any moment, sees the old file or the new one, never a part);
* :func:`create` hard-links it to a name that must not exist yet (``link`` fails on any existing
  name, a dangling link included, so it never overwrites and never writes through a link), and
  falls back to an ``O_EXCL`` check plus ``rename`` on file systems without hard links.

A failed write (a full disk, a read-only folder) removes its temporary file and raises
:class:`WriteError` with one line naming the file, the problem and the fix; the destination is
as it was. A run killed by SIGKILL can leave a temporary file (``NAME.migrate-tmp-PID-N``):
:func:`remove_stale_temporaries` deletes those of processes that are gone.
"""

import errno
import itertools
import os
import re
import stat

from ..errors import UsageError

TEMP_MARK = ".migrate-tmp-"
_counter = itertools.count()


class WriteError(UsageError):
    """A file that could not be written; the destination was left as it was: ``"PATH: problem; fix"``.

    Attributes:
        path: the file (or folder).
        problem: what went wrong (``'cannot write (No space left on device)'``).
        fix: what to do.
    """

    def __init__(self, path, problem, fix):
        super().__init__("%s: %s; %s" % (path, problem, fix))
        self.path, self.problem, self.fix = path, problem, fix


class Snapshot:
    """What a file was when the run read it: its identity, size, change time and bytes.

    Attributes:
        path: the file.
        data: its bytes.
        mode: its permission bits (``st_mode & 0o7777``).
    """

    __slots__ = ("path", "data", "mode", "_key")

    def __init__(self, path, data, info):
        self.path, self.data, self.mode = path, data, stat.S_IMODE(info.st_mode)
        self._key = _key(info)

    def unchanged(self):
        """Whether the file on disk is still the one read (same inode, size, times and bytes)."""
        try:
            info = os.stat(self.path)
            if _key(info) != self._key:
                return False
            with open(self.path, "rb") as handle:
                return handle.read(len(self.data) + 1) == self.data
        except OSError:
            return False


def _key(info):
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_snapshot(path, max_bytes=None):
    """Read a file's bytes with what :meth:`Snapshot.unchanged` compares later.

    Args:
        path: the file (links are followed; the walker decided whether that is allowed).
        max_bytes: refuse a larger file before reading it (None: no limit).

    Returns:
        A :class:`Snapshot`.

    Raises:
        OSError: the file cannot be read.
        FileTooLarge: it is larger than ``max_bytes``.
    """
    with open(path, "rb") as handle:
        info = os.fstat(handle.fileno())
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(info.st_size)
        data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise FileTooLarge(len(data))
    return Snapshot(path, data, info)


class FileTooLarge(Exception):
    """A file larger than the size limit (``args[0]``: its size in bytes)."""


def _problem(error):
    return error.strerror or str(error)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # pragma: no cover - os.write raises rather than returning 0 on a full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _temporary(path, data, mode):
    """Write ``data`` to a new temporary file beside ``path``; returns its name (complete and synced)."""
    folder, name = os.path.split(os.path.abspath(path))
    for _ in range(100):
        temp = os.path.join(folder, "%s%s%d-%d" % (name, TEMP_MARK, os.getpid(), next(_counter)))
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - a hundred stale names of this very process
        raise OSError(errno.EEXIST, "no free temporary name", path)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fail(path, error, what):
    fix = {errno.ENOSPC: "free some disk space and run migrate again",
           errno.EDQUOT: "free some disk space and run migrate again",
           errno.EROFS: "the file system is read-only; migrate a copy (--write --out DIR)",
           errno.EACCES: "make the folder writable, or migrate a copy (--write --out DIR)",
           errno.EPERM: "make the folder writable, or migrate a copy (--write --out DIR)"}.get(
        error.errno, "check the folder, then run migrate again")
    return WriteError(path, "cannot %s (%s)" % (what, _problem(error)), fix)


def replace(path, data, mode, like=None):
    """Replace file ``path`` by ``data`` in one step (temporary file + fsync + rename).

    Args:
        path: an existing regular file (not a link: the caller resolved it).
        data: the new bytes.
        mode: the permission bits to give the new file.
        like: an ``os.stat_result`` whose owner the new file gets, where allowed.

    Raises:
        WriteError: nothing was changed.
    """
    try:
        temp = _temporary(path, data, mode)
    except OSError as error:
        raise _fail(path, error, "write") from None
    try:
        if like is not None and (like.st_uid, like.st_gid) != _owner(temp):
            try:
                os.chown(temp, like.st_uid, like.st_gid)
            except OSError:
                pass
        os.replace(temp, path)
    except OSError as error:
        _remove(temp)
        raise _fail(path, error, "write") from None
    _sync_folder(os.path.dirname(os.path.abspath(path)))


def _owner(path):
    info = os.stat(path)
    return info.st_uid, info.st_gid


def create(path, data, mode, times=None):
    """Create file ``path`` with ``data``, in one step; never overwrites and never follows a link.

    Args:
        path: a name that must not exist (not even as a dangling link).
        data: the bytes.
        mode: the permission bits.
        times: ``(atime_ns, mtime_ns)`` to give the file, or None.

    Raises:
        FileExistsError: the name exists (nothing was written).
        WriteError: it could not be written (nothing was left behind).
    """
    try:
        temp = _temporary(path, data, mode)
    except OSError as error:
        raise _fail(path, error, "write") from None
    try:
        if times is not None:
            os.utime(temp, ns=times)
        try:
            os.link(temp, path, follow_symlinks=False)
        except FileExistsError:
            raise
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                raise
            if os.path.lexists(path):  # no hard links here: check, then rename (a narrow race)
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path) from None
            os.rename(temp, path)
    except FileExistsError:
        _remove(temp)
        raise
    except OSError as error:
        _remove(temp)
        raise _fail(path, error, "write") from None
    _remove(temp)
    _sync_folder(os.path.dirname(os.path.abspath(path)))


_STALE = re.compile(re.escape(TEMP_MARK) + r"(\d+)-\d+$")


def remove_stale_temporaries(path):
    """Delete the temporary files a killed run left beside ``path`` (and its ``.bak``).

    Only names this module makes (``NAME.migrate-tmp-PID-N`` for ``path`` or ``path.bak``)
    whose process is gone are removed.
    """
    folder, name = os.path.split(os.path.abspath(path))
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        for base in (name, name + ".bak"):
            if entry.startswith(base + TEMP_MARK):
                match = _STALE.search(entry[len(base):])
                if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
                    _remove(os.path.join(folder, entry))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def make_folders(root, relative):
    """Create ``root/relative`` folder by folder, refusing any part that is a link or not a folder.

    Args:
        root: an existing folder (the ``--out`` folder).
        relative: a relative folder path below it (no ``..`` parts).

    Returns:
        The folder's path.

    Raises:
        WriteError: a part is a link or a file, or a folder cannot be made.
    """
    here = root
    for part in [p for p in relative.split(os.sep) if p not in ("", ".")]:
        if part == "..":
            raise WriteError(os.path.join(here, part), "leaves the output folder", "nothing was written")
        here = os.path.join(here, part)
        try:
            info = os.lstat(here)
        except FileNotFoundError:
            try:
                os.mkdir(here)
            except FileExistsError:
                pass
            except OSError as error:
                raise _fail(here, error, "make the folder") from None
            info = os.lstat(here)
        if stat.S_ISLNK(info.st_mode):
            raise WriteError(here, "is a link", "--out never writes through links, choose an empty folder")
        if not stat.S_ISDIR(info.st_mode):
            raise WriteError(here, "exists and is not a folder", "choose an empty folder for --out")
    return here
