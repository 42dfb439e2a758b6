"""Every class and function this package registers, by the names files use for them."""

from .decoder.cell import AttentionDecoderCell
from .decoder.layer import AttentionDecoder
from .layers.activations import legacy_hard_sigmoid
from .layers.package_attention import Attention
from .layers.pooling import AttentionPooling, AxisMean, AxisSum


def custom_objects():
    """Our classes and functions by the names saved files use, for ``custom_objects=``.

    ``import compat_attention`` registers them with Keras already (a ``.keras`` file
    saved with them reloads with a plain ``keras.models.load_model``); this dict is for
    the places that take ``custom_objects`` explicitly, such as
    ``keras.models.load_model(path, custom_objects=compat_attention.custom_objects())``
    on an ``.h5`` whose config names the classes without our package prefix.

    Returns:
        A dict mapping ``'AttentionDecoder'``, ``'AttentionDecoderCell'``, ``'Attention'``,
        ``'AttentionPooling'``, ``'AxisMean'``, ``'AxisSum'`` and ``'legacy_hard_sigmoid'``
        to our classes and function.
    """
    return {
        "AttentionDecoder": AttentionDecoder,
        "AttentionDecoderCell": AttentionDecoderCell,
        "Attention": Attention,
        "AttentionPooling": AttentionPooling,
        "AxisMean": AxisMean,
        "AxisSum": AxisSum,
        "legacy_hard_sigmoid": legacy_hard_sigmoid,
    }


def all_layers(model):
    """Every layer of ``model``, the layers of nested models included, outermost first.

    Args:
        model: a Keras model (or any layer with a ``layers`` list).

    Returns:
        A generator of layers.
    """
    for layer in getattr(model, "layers", ()):
        yield layer
        yield from all_layers(layer)
