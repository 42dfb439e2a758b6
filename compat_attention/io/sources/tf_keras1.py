"""tf.keras of TensorFlow 1.x ``.h5`` files: the facts that make them compute, today, what they computed then.

The facts (``legacy_reference/eras/tf_keras1_15/README.md``, each with the genuine file that shows it):

* ``keras_version`` is "2.2.4-tf" (TensorFlow 1.13-1.15) or an older "2.x.y-tf" (TensorFlow 1.4-1.12);
  "2.2.4-tf" is also TensorFlow 2.0's, so a "2.2.4-tf" file is this producer's only when it shows
  TensorFlow 1.x's tells and none of 2's (``io/tells.py``: ``"dtype"`` in initializer configs,
  ``ragged`` on ``InputLayer``, a weights-only GRU's ``(3 * units,)`` bias); the rest is read by
  ``sources/tf_keras2.py``, which holds the reading for files that tell neither.
* A masked ``Bidirectional`` with ``return_sequences`` outputs zeros at masked steps
  (``Bidirectional.__init__`` forces ``zero_output_for_mask``), a plain masked recurrent layer repeats
  its previous output, and ``TimeDistributed`` passes the mask on to the layer it wraps: what modern
  Keras computes, so these layers are left as they are (no Keras 2.0.x rewrite applies).
* Configs Keras 3 refuses: initializer ``dtype``, ``time_major``, ``implementation``, a list
  ``axis`` on ``BatchNormalization``, ``causal`` on ``Attention``, the unused ``kernel_*`` keys of
  ``SeparableConv1D/2D``, ``trainable`` on ``SpatialDropout*``, ``input_length`` on ``Embedding``,
  ``batch_input_shape`` on inner layers, a Sequential's ``build_input_shape``.
* ``CuDNNLSTM``/``CuDNNGRU`` (``tf.compat.v1.keras.layers``) stored Keras 2.2's cuDNN layout: they load
  as plain LSTM/GRU with cuDNN's semantics (``io/cudnn.py``, shared with the standalone sources).
* ``ReLU`` took a negative ``threshold`` (``relu_layer``), which tf.keras 2 and Keras 3 refuse: every
  ``ReLU`` is rebuilt as ``LegacyReLU``, Keras 2's ``backend.relu``.
* Recurrent defaults: ``recurrent_activation='hard_sigmoid'`` (slope 0.2) and GRU ``reset_after=False``
  (the configs say so; a weights-only file does not: ``recurrent_defaults``).
* TensorFlow 1.4-1.12 (``keras_version`` before "2.2.4-tf") did not force zeros in a masked
  ``Bidirectional`` and passed a mask through ``TimeDistributed`` only when the batch size was
  unknown; no genuine file of theirs is here to check that against, so such a file whose masks
  reach those wrappers is refused (``older_masked_wrappers_refused``).
"""

from packaging.version import InvalidVersion, Version

from ... import errors
from ...layers.activations import LegacyReLU, LegacyThresholdedReLU
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from .. import cudnn, rewrites
from ..optimizer_weights import tf_keras_state
from ..rewrites import RewriteSet
from ..source import Source
from ..structure import check, locally_connected_dense_kernels_refused
from ..tells import TF1, makes_masks, tensorflow_tells

#: The keras_version tf.keras wrote from TensorFlow 1.13 to 1.15 (and TensorFlow 2.0, see the module doc).
TF_1_13_VERSION = "2.2.4-tf"
#: The keras_version TensorFlow 2.1-2.2 wrote (and 1.15/2.0 with v2 behaviour on): never this producer's.
TF_2_1_VERSION = "2.3.0-tf"


def _version(text):
    try:
        return Version(text[:-len("-tf")])
    except InvalidVersion:
        return None


@check("tf.keras of TensorFlow 1.4-1.12 (keras_version before 2.2.4-tf) computed masked wrappers otherwise "
       "than 1.13-1.15 (no zeros at masked steps in a Bidirectional; TimeDistributed passed no mask when the "
       "batch size was fixed); without a genuine file of theirs to check against, such a model is refused.")
def older_masked_wrappers_refused(subject):
    found = [(position, class_name) for position, class_name, config, depth in subject.nodes
             if depth == 0 and (class_name == "TimeDistributed" or
                                (class_name == "Bidirectional" and config["layer"]["config"].get("return_sequences")))]
    if found and makes_masks(subject.model_config):
        position, class_name = found[0]
        subject.fail("a %s reading masked steps, saved by tf.keras of TensorFlow 1.4-1.12, which computed masked "
                     "steps there otherwise than later TensorFlow" % class_name, layer=position,
                     error=errors.UnsupportedVersionError,
                     fix="load and re-save the model with TensorFlow 1.15, or rebuild it in code and load its "
                         "weights with compat_attention.load_legacy_weights(model, path)")


def recurrent_defaults(keras_version):
    """What a recurrent layer of tf.keras of TensorFlow 1.x computed where the file does not say.

    TensorFlow 1.x's ``tf.keras.layers.LSTM``/``GRU`` (the v1 classes): ``recurrent_activation=
    'hard_sigmoid'`` (slope 0.2), GRU ``reset_after=False`` (``emb_bilstm_concat``'s config,
    ``weights_lstm_default``, ``weights_gru_default``).

    Args:
        keras_version: the file's ``keras_version`` (``'2.2.4-tf'``).

    Returns:
        ``{'activation', 'recurrent_activation', 'reset_after'}``.
    """
    return {"activation": "tanh", "recurrent_activation": "hard_sigmoid", "reset_after": False}


def read_as(legacy):
    """The reading of a ``-tf`` file: TensorFlow 1.13-1.15 for "2.2.4-tf" showing only 1.x's tells,
    TensorFlow 1.4-1.12 for an older version, None for anything else (TensorFlow 2's, or undecided:
    ``sources/tf_keras2.py``)."""
    version = legacy.keras_version
    if not version.endswith("-tf") or version == TF_2_1_VERSION:
        return None
    if version == TF_1_13_VERSION:
        return SOURCE if tensorflow_tells(legacy) == {TF1} else None
    parsed = _version(version)
    return OLDER if parsed is not None and parsed < _version(TF_1_13_VERSION) else None


_FIX = "build the model in code, then call compat_attention.load_legacy_weights(model, path)"
_REWRITES = [
    rewrites.sequential_input_from_first_layer,
    rewrites.sequential_build_input_shape,
    rewrites.drop_inner_batch_input_shape,
    rewrites.attention_causal_as_call_argument,
    rewrites.drop_initializer_dtype,
    *cudnn.CUDNN_REWRITES,
    rewrites.conv_transpose_dilation_in_the_kernel,
    *rewrites.TF_KERAS_LAYER_REWRITES,
    rewrites.nadam_decay_is_its_schedule_decay,
]
#: ``ReLU``: tf.keras 1.x's took a negative threshold, which tf.keras 2 and Keras 3 refuse (``LegacyReLU``).
_CUSTOM_OBJECTS = {"ThresholdedReLU": LegacyThresholdedReLU, "ReLU": LegacyReLU,
                   "LocallyConnected1D": LegacyLocallyConnected1D, "LocallyConnected2D": LegacyLocallyConnected2D,
                   **cudnn.CUDNN_CLASSES, **rewrites.REWRITTEN_CLASSES}

#: tf.keras of TensorFlow 1.13-1.15: its facts in the order they are rewritten.
SOURCE = Source(
    "tf.keras of TensorFlow 1.13-1.15",
    keras_versions=("2.",),
    rewrites=RewriteSet("tf.keras of TensorFlow 1.13-1.15", _REWRITES),
    custom_objects=_CUSTOM_OBJECTS,
    checks=(locally_connected_dense_kernels_refused,),
    weights_only_fix=_FIX,
    recurrent_defaults=recurrent_defaults,
    read_as=read_as,
    optimizer_state=tf_keras_state,
    note="keras_version 2.2.4-tf with TensorFlow 1.x's tells (initializer dtype, InputLayer ragged, a "
         "weights-only GRU's (3*units,) bias) and none of TensorFlow 2.0's",
)

#: tf.keras of TensorFlow 1.4-1.12: the same facts, masked wrappers refused.
OLDER = Source(
    "tf.keras of TensorFlow 1.4-1.12",
    keras_versions=("2.",),
    rewrites=RewriteSet("tf.keras of TensorFlow 1.4-1.12", _REWRITES),
    checks=(older_masked_wrappers_refused, locally_connected_dense_kernels_refused),
    custom_objects=_CUSTOM_OBJECTS,
    weights_only_fix=_FIX,
    recurrent_defaults=recurrent_defaults,
    optimizer_state=tf_keras_state,
    note="keras_version before 2.2.4-tf: tf.keras of TensorFlow 1.4-1.12 (no genuine file of it to check "
         "masked wrappers against)",
)
