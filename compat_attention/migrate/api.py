"""The public API of ``migrate``: targets, one source text, one file, and module resolution."""

import os

from ..errors import UsageError
from .engine import TARGETS, migrate_module_text
from .limits import DEFAULT_MAX_BYTES
from .source import read_source


def resolve_target(target="auto"):
    """The Keras generation to migrate for.

    Args:
        target: ``'keras2'`` (tf.keras 2.8-2.15), ``'keras3'``, or ``'auto'``: the installed
            Keras, read from package metadata (Keras 3 when none is installed).

    Returns:
        ``'keras2'`` or ``'keras3'``.

    Raises:
        UsageError: an unknown target (a ``ValueError`` too).
    """
    if target == "auto":
        from compat_attention._keras.detect import installed_flavour
        return installed_flavour() or "keras3"
    if target not in TARGETS:
        raise UsageError("unknown target %r: use auto, keras2 or keras3" % (target,))
    return target


def migrate_source(text, target="auto", path="<string>", modules=None, modern_defaults=False):
    """Migrate one Python source text.

    Args:
        text: the program's source.
        target: ``'auto'``, ``'keras2'`` or ``'keras3'`` (see :func:`resolve_target`).
        path: the file name used in reports.
        modules: optional dict ``module name -> source`` of sibling modules the program
            imports (lets ``from attention_decoder import AttentionDecoder`` be pointed at
            compat_attention when that module is the copied legacy layer).
        modern_defaults: keep today's defaults. By default the migrated program keeps Keras
            2.0.8's meaning: where a default changed since (LSTM/GRU gates, GRU ``reset_after``,
            the optimizers' defaults and formulas, ...) it states the 2017 value, and each such
            pin is listed in ``notes``.

    Returns:
        A :class:`MigrationResult`: ``code`` (the migrated text; the input unchanged when it
        does not parse), ``applied`` (rule names), ``issues`` (what was not migrated) and
        ``notes`` (the 2017 values stated).

    Example:
        >>> result = migrate_source("from keras.layers import LSTM\nLSTM(8)\n", target="keras2")
        >>> print(result.code, end="")
        from keras.layers import LSTM
        LSTM(8, recurrent_activation='hard_sigmoid')
        >>> migrate_source("from keras.layers import LSTM\nLSTM(8)\n", "keras2", modern_defaults=True).changed
        False
    """
    modules = modules or {}
    return migrate_module_text(text, resolve_target(target), path, modules.get, modern_defaults=modern_defaults)


def sibling_resolver(path, max_bytes=DEFAULT_MAX_BYTES):
    """A ``module name -> source`` lookup for the ``.py`` files beside ``path``.

    Args:
        path: a Python file.
        max_bytes: a sibling larger than this is not read (its text counts as empty: it is not
            taken for the copied legacy module); None: any size.

    Returns:
        A callable returning the text of ``<dir>/<name>.py`` (or ``<name>/__init__.py``), or None.
    """
    folder = os.path.dirname(os.path.abspath(path))

    def resolve(name):
        parts = name.split(".")
        for candidate in (os.path.join(folder, *parts) + ".py", os.path.join(folder, *parts, "__init__.py")):
            if os.path.isfile(candidate):
                if max_bytes is not None and os.path.getsize(candidate) > max_bytes:
                    return ""
                try:
                    return read_source(candidate).text
                except UsageError:
                    return None
        return None
    return resolve


def migrate_file(path, target="auto", modern_defaults=False):
    """Migrate one file's text (nothing is written).

    Args:
        path: the Python file.
        target: as for :func:`migrate_source`.
        modern_defaults: as for :func:`migrate_source`.

    Returns:
        A :class:`MigrationResult`.

    Raises:
        UsageError: the file cannot be read, or is not UTF-8 text (one line: file, problem, fix).
    """
    return migrate_module_text(read_source(path).text, resolve_target(target), path, sibling_resolver(path),
                               modern_defaults=modern_defaults)
