"""The boundary of the io wing: what escapes Keras (or h5py, numpy) on a legacy file leaves typed.

Every public function of the wing runs its work inside ``wrapped``: an exception that is not
one of this package's becomes a ``MalformedFileError`` (or the class asked for) naming the file
and what was being done (the layer, where known), with the original chained as ``__cause__``.
``KeyboardInterrupt`` and ``SystemExit`` pass (they are not ``Exception``).
"""

import contextlib
import functools

from .. import errors

#: The fix for a file that is not what Keras 2 wrote (the structure and resource checks, the builder).
DAMAGED = "the file is damaged or was not written by Keras 2.x; use another copy of the model"

#: The fix a wrapped failure suggests.
FIX = ("the file is damaged, or holds a setting this Keras cannot rebuild; use another copy, or rebuild the "
       "model in code and load its weights with compat_attention.load_legacy_weights()")


def describe(exc, limit=200):
    """``'TypeError: first line of the message'``, cut to ``limit`` characters."""
    text = "%s: %s" % (type(exc).__name__, errors.first_line(exc))
    return text if len(text) <= limit else text[:limit - 3] + "..."


@contextlib.contextmanager
def wrapped(path, doing, fix=FIX, error=errors.MalformedFileError):
    """Run the block; an untyped exception becomes ``error(path, "<doing> failed (<exc>)", fix)``."""
    try:
        yield
    except errors.CompatAttentionError:
        raise
    except Exception as exc:  # the boundary: Keras, h5py and numpy raise many types
        raise error(path, "%s failed (%s)" % (doing, describe(exc)), fix) from exc


def guarded(doing):
    """Decorator for a public function whose first argument is the file: its body runs ``wrapped``."""
    def decorate(fn):
        @functools.wraps(fn)
        def run(path, *args, **kwargs):
            with wrapped(path, doing):
                return fn(path, *args, **kwargs)
        return run
    return decorate
