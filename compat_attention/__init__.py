"""compat_attention: the legacy Keras 2.0.x ``AttentionDecoder`` on modern Keras.

``from compat_attention import AttentionDecoder`` fixes an old tutorial that
imported the layer from a copied ``attention_decoder.py``; the numbers are those
of the legacy layer on its frozen weights. Importing the package registers its
layers with Keras, so models saved with them reload with ``keras.models.load_model``.

The house has three wings, each importing only downward (into ``_keras`` and ``errors``):
``decoder`` (the legacy layer), ``layers`` (replacements for other copied layers),
``io`` (files of other Keras versions); ``migrate`` rewrites whole old programs,
``legacy`` gives them what Keras 3 removed, and ``cli`` is the command line.
"""

from ._keras.flavour import describe as keras_description
from ._version import __version__
from .decoder.cell import WEIGHT_NAMES, AttentionDecoderCell
from .decoder.layer import AttentionDecoder
from .decoder.tdd import _time_distributed_dense, time_distributed_dense
from .errors import CompatAttentionError, LegacyFileError, UsageError
from .export import export_for_serving
from .io.loader import load_attention_package_model, load_legacy_model, load_legacy_weights
from .io.operations import convert_legacy_model, inspect_legacy_file, verify_legacy_model
from .layers.activations import LEGACY_HARD_SIGMOID, legacy_hard_sigmoid
from .layers.package_attention import Attention
from .layers.pooling import AttentionPooling, AxisMean, AxisSum, attention_3d_block
from .objects import custom_objects
from .plot import attention_model, plot_attention

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
