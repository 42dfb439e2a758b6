"""Standalone Keras 2.1.x ``.h5`` files (TensorFlow backend): their legacy facts, in the order they are rewritten.

Facts from the genuine Keras 2.1.6 + TensorFlow 1.8.0 files of ``legacy_reference/eras/keras2_1/``
(each listed in its README with the case that shows it): Keras 2.1 wrote its files as 2.0.x did
(a Sequential is a bare list of layer configs; masked recurrent layers, plain and inside
``Bidirectional``, repeat their previous output; ``TimeDistributed`` hides the mask from the layer it
wraps; ``hard_sigmoid`` has slope 0.2 and is the LSTM/GRU default), and added ``CuDNNLSTM`` /
``CuDNNGRU`` (``io/cudnn.py``), ``RNN(cell)`` configs that nest their cells, the ``reset_after`` key of
every GRU, ``noise_shape``/``seed`` of the SpatialDropout layers, and Adam's unused AMSGrad slots in
the optimizer state. Keras 2.2 changed ``TimeDistributed``'s masking, which configs do not show:
hence a source of its own for 2.2-2.3 (``keras2_2.py``).

Recognised by its ``keras_version`` ("2.1.x", no ``-tf`` suffix: tf.keras of TF 1.11-1.13 wrote
"2.1.6-tf"); a file of another backend than TensorFlow is refused (``source.standalone_keras_file``).
"""

from ...decoder.layer import AttentionDecoder
from ...layers.dense import LegacyHighway, LegacyMaxoutDense
from ...layers.activations import LegacyThresholdedReLU
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from .. import cudnn, rewrites
from ..optimizer_weights import keras_2_1_to_2_3_state
from ..rewrites import MASKED_STEPS_KEPT, RewriteSet
from ..source import Source, standalone_keras_file

#: The ``keras_version`` beginnings of this producer.
VERSIONS = ("2.1.",)


def written_by_keras_2_1(legacy):
    """Whether the file is standalone Keras 2.1.x's (``Source.evidence``); another backend is refused."""
    return standalone_keras_file(legacy, VERSIONS, "Keras 2.1.x")


def recurrent_defaults(keras_version):
    """What a recurrent layer of Keras 2.1 computed where nothing says: ``hard_sigmoid`` gates (slope 0.2),
    ``tanh``, a GRU without ``reset_after``, the previous output repeated at masked steps, inside a
    ``Bidirectional`` too (``layers/recurrent.py``; CuDNN layers: ``cudnn.py``)."""
    return {"activation": "tanh", "recurrent_activation": "hard_sigmoid", "reset_after": False,
            "masked_steps": "repeat"}


#: Keras 2.1.x files: their facts, in the order they are rewritten (CuDNN layers first, so that the
#: recurrent facts apply to the plain layers they become).
SOURCE = Source(
    "Keras 2.1.x",
    keras_versions=VERSIONS,
    evidence=written_by_keras_2_1,
    rewrites=RewriteSet("Keras 2.1.x", [
        rewrites.sequential_bare_list,
        rewrites.sequential_input_from_first_layer,
        rewrites.drop_inner_batch_input_shape,
        *cudnn.CUDNN_REWRITES,
        *rewrites.KERAS_2_RECURRENT_FACTS,
        rewrites.time_distributed_inner_sees_no_mask,
        rewrites.spatial_dropout_drops_trainable,
        rewrites.spatial_dropout_drops_noise_shape,
        rewrites.highway_maxout_keras2_names,
    ]),
    custom_objects={"AttentionDecoder": AttentionDecoder, "ThresholdedReLU": LegacyThresholdedReLU,
                    "Highway": LegacyHighway, "MaxoutDense": LegacyMaxoutDense,
                    "LocallyConnected1D": LegacyLocallyConnected1D, "LocallyConnected2D": LegacyLocallyConnected2D,
                    **cudnn.CUDNN_CLASSES, **{cls.__name__: cls for cls in MASKED_STEPS_KEPT.values()}},
    weights_only_fix="build the model in code, then call compat_attention.load_legacy_weights(model, path)",
    recurrent_defaults=recurrent_defaults,
    optimizer_state=keras_2_1_to_2_3_state,
)
