"""Typed errors: one line naming the file (or argument), the problem and the fix.

The hierarchy, for ``except`` clauses::

    CompatAttentionError                 everything this package raises on purpose
      UsageError (ValueError)            a request that cannot be done as asked (CLI: exit 1)
        NotebookError                    a .ipynb that is no Jupyter notebook the migrate tool reads
      LegacyFileError (ValueError)       a model file, or an output path, that cannot be used
        NotAFileError (OSError too)      missing, a directory, empty
        NotHDF5Error, NotAKerasFileError, UnsupportedVersionError, UnknownLayerError,
        UnknownTrainingObjectError, UnsafeLambdaError, WeightMismatchError, OutputExistsError,
        VerificationError,
        MalformedFileError               a config or weights that break what Keras 2.x wrote
          ResourceLimitError             sizes beyond what the file stores, or beyond the cap
"""


class CompatAttentionError(Exception):
    """Base of the errors this package raises on purpose, each with a one-line message."""


class UsageError(CompatAttentionError, ValueError):
    """A request that cannot be done as asked (an index out of range, labels that do not fit, ...).

    The CLI prints its one line and exits 1.
    """


class NotebookError(UsageError):
    """A ``.ipynb`` file that is not a Jupyter notebook ``migrate`` can read: not JSON, no
    notebook, nbformat 3 or older, another kernel language.

    ``str(error)`` is one line: ``"<path>: <problem>; <fix>"``.

    Attributes:
        path: the file.
        line: the line of the JSON error (1 when the whole file is concerned).
        problem: what is wrong with it.
        fix: what to do about it.
    """

    def __init__(self, path, problem, fix, line=1):
        self.path, self.line, self.problem, self.fix = str(path), line, problem, fix
        super().__init__("%s: %s; %s" % (self.path, problem, fix))


class LegacyFileError(CompatAttentionError, ValueError):
    """A legacy ``.h5`` file (or an output path) that cannot be used as asked.

    ``str(error)`` is one line: ``"<path>: <problem>; <fix>"``.

    Attributes:
        path: the file concerned.
        problem: what is wrong with it.
        fix: what to do about it.
    """

    def __init__(self, path, problem, fix):
        self.path, self.problem, self.fix = str(path), problem, fix
        super().__init__("%s: %s; %s" % (self.path, problem, fix))

    def __str__(self):  # one spelling, whichever built-in base (ValueError, OSError) comes next
        return self.args[0]


class NotAFileError(LegacyFileError, OSError):
    """The path is missing, a directory, or empty. Also an ``OSError``, as h5py's and ``open``'s are.

    Attributes:
        filename: the path, as on ``OSError``.
    """

    def __init__(self, path, problem, fix):
        super().__init__(path, problem, fix)
        self.filename = self.path


class NotHDF5Error(LegacyFileError):
    """The file is not HDF5, or is truncated or corrupted."""


class NotAKerasFileError(LegacyFileError):
    """An HDF5 file that holds no Keras model or weights."""


class UnsupportedVersionError(LegacyFileError):
    """A Keras file from a version this reader does not handle (Keras 1, say).

    Attributes:
        version: the ``keras_version`` the file records (``'unknown'`` if none).
    """

    def __init__(self, path, problem, fix, version="unknown"):
        super().__init__(path, problem, fix)
        self.version = version


class UnknownLayerError(LegacyFileError):
    """The model names a layer class that neither Keras nor compat_attention provides."""


class UnknownTrainingObjectError(LegacyFileError):
    """``compile=True``: the file's training config names a loss or metric that neither Keras nor
    ``custom_objects`` provides (Keras itself raises on an unknown metric)."""


class UnsafeLambdaError(LegacyFileError):
    """The model holds Lambda layers (marshaled bytecode) and the user did not opt in."""


class WeightMismatchError(LegacyFileError):
    """The weights in the file do not fit the model (count or shapes)."""


class MalformedFileError(LegacyFileError):
    """The file breaks what Keras 2.x wrote: a model or training config of the wrong types, a missing
    key, an impossible size, a duplicate name, a cyclic graph; or this Keras could not rebuild a layer
    from it (the original exception is chained as ``__cause__``).

    The message names the layer (name and index) and the key where they are known.
    """


class ResourceLimitError(MalformedFileError):
    """The file declares sizes that need more parameters than it stores, or more than the cap
    (``compat_attention.io.resources.MAX_PARAMETERS``, ``max_parameters=``, or the environment variable
    ``COMPAT_ATTENTION_MAX_PARAMETERS``); refused before anything is allocated."""


class OutputExistsError(LegacyFileError):
    """The output path exists and overwriting was not asked for."""


class VerificationError(LegacyFileError):
    """The stored outputs cannot be compared with the model's predictions (their shapes differ).

    A comparison that runs and finds a difference above the tolerance is no error:
    ``verify_legacy_model`` reports it with ``ok=False``.
    """


def first_line(exc):
    """The first line of an exception's message (or its type name), for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
