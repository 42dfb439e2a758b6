"""Standalone Keras 2.2.x and 2.3.x ``.h5`` files (TensorFlow backend): their legacy facts, in rewrite order.

Facts from the genuine Keras 2.2.4 + TF 1.12.0 and 2.3.1 + TF 1.15.5 files of
``legacy_reference/eras/keras2_2/`` and ``keras2_3/`` (each listed in its README with the case that
shows it). As Keras 2.1 (``keras2_1.py``): masked recurrent layers, plain and inside ``Bidirectional``,
repeat their previous output; ``hard_sigmoid`` has slope 0.2; ``CuDNNLSTM`` / ``CuDNNGRU``
(``io/cudnn.py``); ``RNN(cell)`` configs; SpatialDropout ``noise_shape``; Adam's unused AMSGrad slots.
New in 2.2: a Sequential config is a dict; ``TimeDistributed`` hands the mask to the layer it wraps
(unless the batch size is fixed); the ``ReLU`` layer (``negative_slope``, ``threshold``);
``UpSampling2D(interpolation='bilinear')`` with TF 1.x's sampling; ``channels_first`` on the 1D
convolution and pooling layers; ``Conv2DTranspose(output_padding, dilation_rate)``. New in 2.3: every
layer config carries ``dtype``; LSTM/GRU default to ``recurrent_activation='sigmoid'``
(``recurrent_defaults``); every optimizer saves ``iterations``, slots are named, Nadam saves its
``m_schedule`` (``optimizer_weights.keras_2_1_to_2_3_state``). 2.2 and 2.3 differ only where the
files themselves say so (configs, weight names) or in the defaults, a function of the version.

Recognised by its ``keras_version`` ("2.2.x" or "2.3.x", no ``-tf`` suffix: tf.keras of TF 1.14-2.1
wrote "2.2.4-tf" / "2.3.0-tf"); a file of another backend than TensorFlow is refused
(``source.standalone_keras_file``).
"""

from packaging.version import InvalidVersion, Version

from ...decoder.layer import AttentionDecoder
from ...layers.dense import LegacyHighway, LegacyMaxoutDense
from ...layers.activations import LegacyReLU, LegacyThresholdedReLU
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from ...layers.resizing import LegacyUpSampling2D
from .. import cudnn, rewrites
from ..configs import layer_entries
from ..optimizer_weights import keras_2_1_to_2_3_state
from ..rewrites import MASKED_STEPS_KEPT, REWRITTEN_CLASSES, RewriteSet, layer_rewrite, model_rewrite
from ..source import Source, standalone_keras_file

#: The ``keras_version`` beginnings of this producer.
VERSIONS = ("2.2.", "2.3.")

#: Keras 2.3.0 made ``'sigmoid'`` the LSTM/GRU default ``recurrent_activation``.
SIGMOID_DEFAULT_SINCE = Version("2.3.0")


def written_by_keras_2_2_or_2_3(legacy):
    """Whether the file is standalone Keras 2.2.x/2.3.x's (``Source.evidence``); another backend is refused."""
    return standalone_keras_file(legacy, VERSIONS, "Keras 2.2.x and 2.3.x")


def recurrent_defaults(keras_version):
    """What a recurrent layer of the file's version computed where nothing says (a weights-only file).

    Keras 2.2: ``recurrent_activation='hard_sigmoid'`` (slope 0.2); Keras 2.3: ``'sigmoid'``; both
    ``tanh``, a GRU without ``reset_after``, and the previous output repeated at masked steps, inside a
    ``Bidirectional`` too (``layers/recurrent.py``; CuDNN layers: ``cudnn.py``).
    """
    try:
        sigmoid = Version(keras_version) >= SIGMOID_DEFAULT_SINCE
    except InvalidVersion:  # not this source's: the older reading
        sigmoid = False
    return {"activation": "tanh", "recurrent_activation": "sigmoid" if sigmoid else "hard_sigmoid",
            "reset_after": False, "masked_steps": "repeat"}


def _batch_size_fixed(model_config):
    """Whether the model's inputs (a Sequential's first layer, a functional model's InputLayers) fix the batch."""
    entries = layer_entries(model_config)
    inputs = [e for e in entries if e.get("class_name") == "InputLayer"] or entries[:1]
    shapes = [e.get("config", {}).get("batch_input_shape") for e in inputs if isinstance(e, dict)]
    return any(isinstance(shape, list) and shape and isinstance(shape[0], int) for shape in shapes)


@model_rewrite("Keras 2.2+ TimeDistributed handed the mask to the recurrent layer it wrapped, except in a model whose "
               "batch size was fixed: there it looped over the steps without the mask, which the wrapped layer "
               "then ignores.")
def time_distributed_ignores_the_mask_with_a_fixed_batch(model_config):
    if not _batch_size_fixed(model_config):
        return False
    changed = False
    for entry in layer_entries(model_config):
        if not isinstance(entry, dict) or entry.get("class_name") != "TimeDistributed":
            continue
        changed = rewrites.time_distributed_inner_sees_no_mask("TimeDistributed", entry.get("config", {})) or changed
    return changed


@layer_rewrite("Keras 2.2-2.3's ReLU layer computed K.relu(x, negative_slope, max_value, threshold), which clips to "
               "[0, max_value] above a negative threshold; Keras 3's ReLU refuses a negative threshold.")
def relu_layer_computes_keras_2_relu(class_name, config):
    return LegacyReLU.__name__ if class_name == "ReLU" else False


@layer_rewrite("Keras 2.2-2.3's UpSampling2D(interpolation='bilinear') sampled as TF 1.x's resize_bilinear (source "
               "row i * in / out, no half-pixel centres); today's samples (i + 0.5) * in / out - 0.5: 1.63 off on "
               "the era's case.")
def upsampling_bilinear_samples_as_tf_1(class_name, config):
    return LegacyUpSampling2D.__name__ if class_name == "UpSampling2D" and config.get("interpolation") == "bilinear" \
        else False


#: Keras 2.2.x/2.3.x files: their facts, in the order they are rewritten (CuDNN layers first, so that
#: the recurrent facts apply to the plain layers they become).
SOURCE = Source(
    "Keras 2.2.x-2.3.x",
    keras_versions=VERSIONS,
    evidence=written_by_keras_2_2_or_2_3,
    rewrites=RewriteSet("Keras 2.2.x-2.3.x", [
        rewrites.sequential_input_from_first_layer,
        rewrites.drop_inner_batch_input_shape,
        time_distributed_ignores_the_mask_with_a_fixed_batch,
        *cudnn.CUDNN_REWRITES,
        *rewrites.KERAS_2_RECURRENT_FACTS,
        rewrites.spatial_dropout_drops_trainable,
        rewrites.spatial_dropout_drops_noise_shape,
        relu_layer_computes_keras_2_relu,
        upsampling_bilinear_samples_as_tf_1,
        rewrites.channels_first_1d_transposed,
        rewrites.conv_transpose_dilation_in_the_kernel,
        rewrites.highway_maxout_keras2_names,
    ]),
    custom_objects={"AttentionDecoder": AttentionDecoder, "ThresholdedReLU": LegacyThresholdedReLU,
                    "Highway": LegacyHighway, "MaxoutDense": LegacyMaxoutDense,
                    "LocallyConnected1D": LegacyLocallyConnected1D, "LocallyConnected2D": LegacyLocallyConnected2D,
                    LegacyReLU.__name__: LegacyReLU, LegacyUpSampling2D.__name__: LegacyUpSampling2D,
                    **REWRITTEN_CLASSES, **cudnn.CUDNN_CLASSES, **{cls.__name__: cls for cls in MASKED_STEPS_KEPT.values()}},
    weights_only_fix="build the model in code, then call compat_attention.load_legacy_weights(model, path)",
    recurrent_defaults=recurrent_defaults,
    optimizer_state=keras_2_1_to_2_3_state,
)
