"""Typed errors for legacy files: one line naming the file, the problem and the fix."""


class LegacyFileError(ValueError):
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


class NotAFileError(LegacyFileError):
    """The path is missing, a directory, or empty."""


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


class UnsafeLambdaError(LegacyFileError):
    """The model holds Lambda layers (marshaled bytecode) and the user did not opt in."""


class WeightMismatchError(LegacyFileError):
    """The weights in the file do not fit the model (count or shapes)."""


class OutputExistsError(LegacyFileError):
    """The output path exists and overwriting was not asked for."""


class VerificationError(LegacyFileError):
    """A model's predictions differ from the stored outputs by more than the tolerance."""


def first_line(exc):
    """The first line of an exception's message (or its type name), for one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
