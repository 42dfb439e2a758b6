"""Keras 2.0.x ``.h5`` files: the legacy facts that make them compute, today, what they computed then.

No weight values need rewriting for the layers Keras 2.0.8 had: the LSTM (i, f, c, o),
GRU (z, r, h, with ``reset_after=False``), Bidirectional (forward then backward) and
Embedding layouts are the modern ones; the golden fixtures and the zoo check this numerically.

Recognised by its ``keras_version`` alone: until each later Keras 2 era has a source of its own,
this source reads every Keras 2 file that no other source claims.
"""

from packaging.version import InvalidVersion, Version

from ...decoder.layer import AttentionDecoder
from ...layers.dense import LegacyHighway, LegacyMaxoutDense
from ...layers.merge import LegacyMerge
from ...layers.activations import LegacyThresholdedReLU
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from .. import rewrites
from ..rewrites import MASKED_STEPS_KEPT, RewriteSet
from ..source import Source

#: The first Keras whose LSTM/GRU default ``recurrent_activation`` is ``'sigmoid'``.
SIGMOID_DEFAULT_SINCE = Version("2.3.0")


def recurrent_defaults(keras_version):
    """What a recurrent layer of a Keras 2.0.x file computed where its config does not say.

    Keras 2.0.x: ``recurrent_activation='hard_sigmoid'`` (slope 0.2), a GRU without
    ``reset_after``, and the previous output repeated at masked steps, inside a ``Bidirectional``
    too (``layers/recurrent.py``; the zoo's masked Bidirectional cases). A Keras >= 2.3 file read by this source (no source of its own yet) gets 2.3's
    ``'sigmoid'``; an unreadable version counts as the oldest, whose files this source is for.

    Args:
        keras_version: the file's ``keras_version`` (``'2.0.8'``).

    Returns:
        ``{'activation', 'recurrent_activation', 'reset_after', 'masked_steps'}``.
    """
    try:
        newer = Version(keras_version) >= SIGMOID_DEFAULT_SINCE
    except InvalidVersion:
        newer = False
    return {"activation": "tanh", "recurrent_activation": "sigmoid" if newer else "hard_sigmoid",
            "reset_after": False, "masked_steps": "repeat"}


#: Keras 2.0.x files: their facts, in the order they are rewritten; the legacy ``AttentionDecoder``
#: mapped to ours, and ours for the layers modern Keras dropped or computes otherwise.
SOURCE = Source(
    "Keras 2.0.x",
    keras_versions=("2.",),
    rewrites=RewriteSet("Keras 2.0.x", [
        rewrites.sequential_bare_list,
        rewrites.sequential_input_from_first_layer,
        rewrites.drop_inner_batch_input_shape,
        rewrites.drop_recurrent_implementation,
        *rewrites.KERAS_2_0_LAYER_FACTS,
        rewrites.highway_maxout_keras2_names,
    ]),
    custom_objects={"AttentionDecoder": AttentionDecoder, "ThresholdedReLU": LegacyThresholdedReLU,
                    "Highway": LegacyHighway, "MaxoutDense": LegacyMaxoutDense, "Merge": LegacyMerge,
                    "LocallyConnected1D": LegacyLocallyConnected1D, "LocallyConnected2D": LegacyLocallyConnected2D,
                    **{cls.__name__: cls for cls in MASKED_STEPS_KEPT.values()}},
    weights_only_fix="build the model in code, then call compat_attention.load_legacy_weights(model, path)",
    recurrent_defaults=recurrent_defaults,
)
