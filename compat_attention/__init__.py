"""compat_attention: the legacy Keras 2.0.x ``AttentionDecoder`` on modern Keras.

``from compat_attention import AttentionDecoder`` fixes an old tutorial that
imported the layer from a copied ``attention_decoder.py``; the numbers are those
of the legacy layer on its frozen weights. Importing the package registers its
layers with Keras, so models saved with them reload with ``keras.models.load_model``.

The house has three wings, each importing only downward (into ``_keras`` and ``errors``):
``decoder`` (the legacy layer), ``layers`` (replacements for other copied layers),
``io`` (files of other Keras versions); ``migrate`` rewrites whole old programs,
``legacy`` gives them what Keras 3 removed, and ``cli`` is the command line.

Two ways in do not import Keras: the command line (it imports Keras only for the commands that
run it) and ``compat_attention.migrate`` (it rewrites source text). When this package is first
imported by one of them, its public names are imported on first use instead, and the first of
them used registers every class with Keras.
"""

import os
import sys

from ._version import __version__


def _started_as_the_command_line():
    """Whether this import is the ``compat-attention`` console script's or ``python -m compat_attention``'s.

    The command line imports Keras (and TensorFlow's 10-second start) only for the commands
    that need it, so that ``--help`` and argument errors answer at once; everywhere else the
    package imports everything, which registers its classes with Keras.
    """
    program = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if program in ("compat-attention", "compat-attention.exe", "compat-attention-script.py"):
        return True
    # `python -m compat_attention`: runpy sets argv[0] to "-m" while it imports the package.
    command = list(getattr(sys, "orig_argv", []))
    target = command[command.index("-m") + 1] if "-m" in command[:-1] else ""
    return program == "-m" and target.split(".")[0] == "compat_attention"


#: The parts of the package that need no Keras: importing one of them (as the first import of
#: the package) leaves Keras unimported.
KERAS_FREE_PARTS = ("compat_attention.migrate",)


def _imported_for_a_keras_free_part():
    """Whether this package is being imported only on the way to one of ``KERAS_FREE_PARTS``.

    ``import compat_attention.migrate`` runs this package's ``__init__`` first; Python's import
    system is then importing the submodule, which is named in its frame (CPython's
    ``importlib._bootstrap._find_and_load_unlocked``). Anything else (a plain
    ``import compat_attention``, another submodule, another interpreter) answers False.
    """
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_find_and_load_unlocked" and code.co_filename.startswith("<frozen importlib"):
            name = frame.f_locals.get("name", "")
            if name != __name__:
                return any(name == part or name.startswith(part + ".") for part in KERAS_FREE_PARTS)
        frame = frame.f_back
    return False


_LOCATIONS = {
    "keras_description": ("._keras.flavour", "describe"),
    "WEIGHT_NAMES": (".decoder.cell", "WEIGHT_NAMES"),
    "AttentionDecoderCell": (".decoder.cell", "AttentionDecoderCell"),
    "AttentionDecoder": (".decoder.layer", "AttentionDecoder"),
    "_time_distributed_dense": (".decoder.tdd", "_time_distributed_dense"),
    "time_distributed_dense": (".decoder.tdd", "time_distributed_dense"),
    "CompatAttentionError": (".errors", "CompatAttentionError"),
    "LegacyFileError": (".errors", "LegacyFileError"),
    "UsageError": (".errors", "UsageError"),
    "export_for_serving": (".export", "export_for_serving"),
    "load_attention_package_model": (".io.loader", "load_attention_package_model"),
    "load_legacy_model": (".io.loader", "load_legacy_model"),
    "load_legacy_weights": (".io.loader", "load_legacy_weights"),
    "convert_legacy_model": (".io.operations", "convert_legacy_model"),
    "inspect_legacy_file": (".io.operations", "inspect_legacy_file"),
    "verify_legacy_model": (".io.operations", "verify_legacy_model"),
    "LEGACY_HARD_SIGMOID": (".layers.activations", "LEGACY_HARD_SIGMOID"),
    "legacy_hard_sigmoid": (".layers.activations", "legacy_hard_sigmoid"),
    "Attention": (".layers.package_attention", "Attention"),
    "AttentionPooling": (".layers.pooling", "AttentionPooling"),
    "AxisMean": (".layers.pooling", "AxisMean"),
    "AxisSum": (".layers.pooling", "AxisSum"),
    "attention_3d_block": (".layers.pooling", "attention_3d_block"),
    "custom_objects": (".objects", "custom_objects"),
    "attention_model": (".plot", "attention_model"),
    "plot_attention": (".plot", "plot_attention"),
}


def _import_public_name(name):
    import importlib

    module, attribute = _LOCATIONS[name]
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __getattr__(name):
    """The public names, imported on first use when the package was started without Keras.

    The first one imports them all, which registers every class with Keras (as a plain
    ``import compat_attention`` does), so ``keras.models.load_model`` finds them from then on.
    """
    if name not in _LOCATIONS:
        raise AttributeError("module 'compat_attention' has no attribute %r" % name)
    for other in _LOCATIONS:
        _import_public_name(other)
    return globals()[name]


if not (_started_as_the_command_line() or _imported_for_a_keras_free_part()):
    for _name in _LOCATIONS:
        _import_public_name(_name)
    del _name

__all__ = [
    # the legacy layer
    "AttentionDecoder",
    "AttentionDecoderCell",
    "WEIGHT_NAMES",
    "time_distributed_dense",
    "_time_distributed_dense",
    # replacements for other copied layers
    "Attention",
    "AttentionPooling",
    "AxisMean",
    "AxisSum",
    "attention_3d_block",
    "LEGACY_HARD_SIGMOID",
    "legacy_hard_sigmoid",
    # files
    "load_legacy_model",
    "load_legacy_weights",
    "load_attention_package_model",
    "inspect_legacy_file",
    "convert_legacy_model",
    "verify_legacy_model",
    "custom_objects",
    "export_for_serving",
    # the attention, seen
    "attention_model",
    "plot_attention",
    # errors and versions
    "CompatAttentionError",
    "LegacyFileError",
    "UsageError",
    "keras_description",
    "__version__",
]
