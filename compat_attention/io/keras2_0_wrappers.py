"""Keras 2.0.x facts about wrapped layers and about layers modern Keras dropped or changed.

Registered into ``keras2_0.KERAS_2_0`` (``keras2_0.py`` imports this module last): the
same named-rewrite pipeline, one small function per legacy fact. The layers they name
live in ``compat_attention/layers/keras2_0.py``; the legacy class names map to them through
``KERAS_2_0_FILES.custom_objects``.
"""

from ..layers import activations, locally_connected, recurrent
from .keras2_0 import KERAS_2_0, KERAS_2_0_FILES
from .rewrites import RECURRENT_CLASSES

#: Keras 2.0.8 layer classes that modern Keras lacks or computes differently, and ours that
#: compute what they computed (found by the factory under the legacy class name).
SUBSTITUTES = {
    "ThresholdedReLU": activations.LegacyThresholdedReLU,
    "LocallyConnected1D": locally_connected.LegacyLocallyConnected1D,
    "LocallyConnected2D": locally_connected.LegacyLocallyConnected2D,
}

#: Recurrent classes, and ours that keep Keras 2.0.8's padded-step semantics when wrapped.
LEGACY_RECURRENT = {
    "LSTM": recurrent.LegacyLSTM,
    "GRU": recurrent.LegacyGRU,
    "SimpleRNN": recurrent.LegacySimpleRNN,
}

KERAS_2_0_FILES.custom_objects.update(SUBSTITUTES)
KERAS_2_0_FILES.custom_objects.update({cls.__name__: cls for cls in LEGACY_RECURRENT.values()})


@KERAS_2_0.layer_rewrite("Keras 2.0.8's Bidirectional let each direction repeat its last output at masked "
                         "steps (the forward one the step before, the backward one the step after); modern "
                         "Bidirectional forces zeros there, so the wrapped layer becomes one that keeps 2.0.8's steps.")
def bidirectional_masked_steps_repeat_output(class_name, config):
    inner = config.get("layer")
    if class_name == "Bidirectional" and isinstance(inner, dict) and inner.get("class_name") in RECURRENT_CLASSES:
        inner["class_name"] = LEGACY_RECURRENT[inner["class_name"]].__name__
        return True
    return False


@KERAS_2_0.layer_rewrite("Keras 2.0.8's TimeDistributed never passed the mask to the layer it wrapped; modern "
                         "TimeDistributed does, so a wrapped recurrent layer ignores it, as it did then.")
def time_distributed_inner_sees_no_mask(class_name, config):
    inner = config.get("layer")
    if class_name == "TimeDistributed" and isinstance(inner, dict) and inner.get("class_name") in RECURRENT_CLASSES:
        inner["class_name"] = LEGACY_RECURRENT[inner["class_name"]].__name__
        inner["config"]["ignore_mask"] = True
        return True
    return False


@KERAS_2_0.layer_rewrite("Keras 2.0.8's SpatialDropout1D/2D/3D stored `trainable`; Keras 3's refuse the key "
                         "(they have no weights, so it meant nothing).")
def spatial_dropout_drops_trainable(class_name, config):
    if class_name.startswith("SpatialDropout") and "trainable" in config:
        config.pop("trainable")
        return True
    return False
