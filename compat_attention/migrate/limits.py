"""Resource limits of one file's migration: its size, and the time it may take.

A file over the size limit is refused before it is read (LibCST holds about 200 bytes of memory
per byte of source, so the default keeps any admitted file well under 500 MB); a file whose
migration runs past the time limit is given up. Either way the file gets one report line, the
file itself is left as it was, and the run goes on with the others.
"""

import contextlib
import signal
import threading
import time
from collections import namedtuple

#: Bytes of source a file may have (``--max-bytes``); larger files are refused unread.
DEFAULT_MAX_BYTES = 1000000
#: Seconds one file's migration may take (``--max-seconds``).
DEFAULT_MAX_SECONDS = 60.0


class Limits(namedtuple("Limits", "max_bytes max_seconds")):
    """The limits of one file's migration.

    Attributes:
        max_bytes: the largest file migrated, in bytes (None: any).
        max_seconds: the longest one file's migration may run, in seconds (None: no limit).
    """

    __slots__ = ()

    def __new__(cls, max_bytes=DEFAULT_MAX_BYTES, max_seconds=DEFAULT_MAX_SECONDS):
        return super().__new__(cls, max_bytes, max_seconds)


class TimeLimitExceeded(BaseException):
    """Raised inside a migration that ran past its time limit (a BaseException: no rule guard catches it)."""


def _expired(signum, frame):
    raise TimeLimitExceeded()


@contextlib.contextmanager
def time_limit(seconds):
    """Raise :class:`TimeLimitExceeded` in the code of the ``with`` block after ``seconds``.

    A ``SIGALRM`` interval timer, so only in the main thread of a process with signals (elsewhere,
    or for ``seconds=None``, the block runs without a limit). The previous handler and timer are
    restored afterwards.
    """
    usable = seconds is not None and seconds > 0 and hasattr(signal, "setitimer") \
        and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    left, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if left:  # an outer timer: what was left of it, less this block's time
            signal.setitimer(signal.ITIMER_REAL, max(0.001, left - (time.monotonic() - started)), interval)
