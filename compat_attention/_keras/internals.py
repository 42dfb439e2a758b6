"""The few reads of Keras internals the package needs, one spelling per flavour."""

import functools

from .flavour import KERAS_3, tf


def keras_mask_of(tensor):
    """The Keras mask that the layer which made ``tensor`` attached to it, or None.

    Keras fills a layer's ``mask`` argument from its input only when the call
    has a single tensor argument; with more, Keras 3 fills ``inputs_mask``
    instead and Keras 2 nothing: a layer called with ``initial_state=`` reads
    the mask of its input with this there.
    """
    if KERAS_3:
        try:  # Keras 3 has no public spelling; on torch the mask lives in a side table
            from keras.src.backend.common.masking import get_keras_mask
        except ImportError:  # pragma: no cover - a Keras 3 that moved it
            return getattr(tensor, "_keras_mask", None)
        return get_keras_mask(tensor)
    return getattr(tensor, "_keras_mask", None)


def node_call_arguments(layer, index=0):
    """The ``(args, kwargs)`` a functional model called ``layer`` with, for its ``index``-th call.

    Keras 3 keeps them on ``node.arguments``, Keras 2 on ``node.call_args`` /
    ``node.call_kwargs``. Keras 3 also records the ``mask`` it passed; Keras 2
    carries masks on the tensors instead.
    """
    node = layer._inbound_nodes[index]
    if KERAS_3:
        return tuple(node.arguments.args), dict(node.arguments.kwargs)
    return tuple(node.call_args), dict(node.call_kwargs)


def build_sublayer(layer, input_shape):
    """Build a sub-layer from its parent's ``build``, naming its weights ``<parent>/<layer>/<weight>``.

    Keras 3 opens the sub-layer's name scope itself; Keras 2 only does so when the
    sub-layer is called, so a direct ``build`` would give two sub-layers' kernels the
    same name (``<parent>/kernel:0``), which ``.h5`` saving refuses.
    """
    if KERAS_3:
        layer.build(input_shape)
    else:
        with tf.name_scope(layer.name):
            layer.build(input_shape)


def resolve_weight_settings(layer, **settings):
    """Set each ``<role>_<kind>`` setting on ``layer`` as Keras resolves it.

    ``resolve_weight_settings(self, kernel_initializer="glorot_uniform", bias_regularizer=None)``
    sets ``self.kernel_initializer = keras.initializers.get("glorot_uniform")`` and so on, for
    kinds ``initializer``, ``regularizer`` and ``constraint``.
    """
    from .flavour import keras

    getters = {"initializer": keras.initializers.get, "regularizer": keras.regularizers.get,
               "constraint": keras.constraints.get}
    for key, value in settings.items():
        setattr(layer, key, getters[key.rsplit("_", 1)[1]](value))


@functools.lru_cache(maxsize=None)
def initializer_class_name(class_name):
    """The class name under which the running Keras deserializes the initializer ``class_name``.

    Keras 2 named its initializer classes ``Orthogonal``, ``GlorotUniform``, ...; some Keras 3
    releases register one of them only under a longer name (``OrthogonalInitializer``: Keras 3.0
    to 3.3 refuse ``{'class_name': 'Orthogonal'}``). Asks the running Keras, not its version.

    Args:
        class_name: an initializer class name from a saved config.

    Returns:
        ``class_name`` itself when this Keras reads it, else its ``<name>Initializer`` spelling
        when this Keras reads that, else None (this Keras has no such initializer).
    """
    from .flavour import keras

    for candidate in (class_name, class_name + "Initializer"):
        try:
            keras.initializers.get({"class_name": candidate, "config": {}})
        except (ValueError, TypeError):
            continue
        return candidate
    return None


def call_mask(layer, index=0):
    """The mask a model passed ``layer`` at its ``index``-th call, or None (none, or never called).

    Keras 3 records it among the call's keyword arguments, Keras 2 carries it on the input tensor.
    """
    try:
        args, kwargs = node_call_arguments(layer, index)
    except (AttributeError, IndexError):
        return None
    if KERAS_3:
        return kwargs.get("mask")
    return keras_mask_of(args[0]) if args and not isinstance(args[0], (list, tuple)) else None
