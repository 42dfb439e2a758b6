"""compat_attention: the legacy Keras 2.0.x ``AttentionDecoder`` on modern Keras.

``from compat_attention import AttentionDecoder`` fixes an old tutorial that
imported the layer from a copied ``attention_decoder.py``; the numbers are those
of the legacy layer on its frozen weights.
"""

from ._compat import describe as keras_description
from ._compat import LEGACY_HARD_SIGMOID, export_for_serving, legacy_hard_sigmoid
from .blocks import AttentionPooling, AxisMean, AxisSum, attention_3d_block
from .cell import WEIGHT_NAMES, AttentionDecoderCell
from .errors import LegacyFileError
from .files import convert_legacy_model, inspect_legacy_file, verify_legacy_model
from .legacy_h5 import load_legacy_model, load_legacy_weights
from .layer import AttentionDecoder
from .luong import Attention, load_attention_package_model
from .plot import attention_model, plot_attention
from .tdd import _time_distributed_dense, time_distributed_dense

__version__ = "0.1.0"

__all__ = [
    "Attention",
    "AttentionDecoder",
    "AttentionPooling",
    "AxisMean",
    "AxisSum",
    "attention_3d_block",
    "AttentionDecoderCell",
    "LEGACY_HARD_SIGMOID",
    "WEIGHT_NAMES",
    "LegacyFileError",
    "convert_legacy_model",
    "inspect_legacy_file",
    "load_attention_package_model",
    "load_legacy_model",
    "load_legacy_weights",
    "verify_legacy_model",
    "attention_model",
    "custom_objects",
    "export_for_serving",
    "plot_attention",
    "keras_description",
    "legacy_hard_sigmoid",
    "time_distributed_dense",
    "_time_distributed_dense",
]


def custom_objects():
    """The objects a legacy ``.h5`` names, for ``keras.models.load_model(custom_objects=...)``.

    Returns:
        A dict mapping the legacy names (``'AttentionDecoder'``) and our
        registered names to our classes and functions.
    """
    return {
        "AttentionDecoder": AttentionDecoder,
        "AttentionDecoderCell": AttentionDecoderCell,
        "legacy_hard_sigmoid": legacy_hard_sigmoid,
        "AttentionPooling": AttentionPooling,
        "AxisMean": AxisMean,
        "AxisSum": AxisSum,
    }
