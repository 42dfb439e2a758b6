"""tf.keras of TensorFlow 2 ``.h5`` files (TensorFlow 2.0-2.15, the ``keras`` 2.x package, ``tf_keras``).

The facts (``legacy_reference/eras/tf_keras2_{0,1,4,14}/README.md``, each with the genuine file that
shows it), and the era each file is read as (``read_as``), since the eras computed differently:

* ``keras_version``: "2.2.4-tf" (TensorFlow 2.0, and tf.keras 1.13-1.15 too), "2.3.0-tf"
  (TensorFlow 2.1-2.2), "2.4.0" (2.3-2.4), then the version of ``keras`` itself ("2.5.0" ... "2.15.0",
  ``tf_keras`` "2.16.0" on). A "2.2.4-tf" file is TensorFlow 2.0's when it shows only TensorFlow 2's
  tells (``io/tells.py``: initializer configs without ``dtype``, a weights-only GRU's ``(2, 3 * units)``
  bias); showing neither's (or both), it is read as ``UNDECIDED``.
* A masked ``Bidirectional`` with ``return_sequences``: TensorFlow 2.0 and 2.1 repeated the previous
  output at masked steps for an LSTM/GRU that could take the cuDNN path (tanh, sigmoid gates, no
  recurrent dropout, not unrolled, with bias; a GRU with ``reset_after=True``) and gave zeros for any
  other; from 2.2 on, zeros. "2.3.0-tf" is written by both 2.1 and 2.2: their recurrent weights tell
  them apart (``recurrent_cell_scope``: ``gru/kernel:0`` on 2.1, ``gru/gru_cell/kernel:0`` from 2.2).
* ``MultiHeadAttention`` (2.4 on) ignored its inputs' Keras masks up to tf.keras 2.9 and uses them from
  2.10 on, as Keras 3 does.
* ``TimeDistributed`` passes the mask to the layer it wraps, plain masked recurrent layers repeat their
  previous output, ``GlobalAveragePooling1D`` and ``Attention`` use the mask: as modern Keras does.
* Configs Keras 3 refuses: ``time_major``, ``implementation``, ``causal`` (2.1-2.9), ``groups`` on
  transposed, depthwise and separable convolutions (always 1 there), the unused ``kernel_*`` keys of
  ``SeparableConv1D/2D``, a list ``axis`` on ``BatchNormalization``, a ``Policy`` dict as ``dtype``,
  ``MultiHeadAttention``'s ``query_shape``/``key_shape``/``value_shape``, ``trainable`` on
  ``SpatialDropout*``; a Sequential lists an ``InputLayer`` first (2.4 on) or records
  ``build_input_shape`` (2.0-2.3).
* Recurrent defaults: ``recurrent_activation='sigmoid'``, GRU ``reset_after=True``;
  ``hard_sigmoid`` is still Keras 2's (slope 0.2).
"""

import re

from packaging.version import InvalidVersion, Version

from ... import errors
from ..._keras.flavour import MULTI_HEAD_ATTENTION_NEEDS_BUILD_SHAPES
from ...layers.activations import LegacyThresholdedReLU
from ...layers.locally_connected import LegacyLocallyConnected1D, LegacyLocallyConnected2D
from ...layers.multi_head_attention import LegacyMultiHeadAttention
from .. import rewrites
from ..configs import layer_entries
from ..optimizer_weights import tf_keras_state
from ..rewrites import MASKED_STEPS_KEPT, RewriteSet, layer_rewrite, model_rewrite
from ..source import Source
from ..structure import check, locally_connected_dense_kernels_refused
from ..tells import TF1, TF2, holds_recurrent_weights, makes_masks, tensorflow_tells

#: The keras_version of TensorFlow 2.0 (and tf.keras 1.13-1.15), and of TensorFlow 2.1-2.2.
TF_2_0_VERSION, TF_2_1_VERSION = "2.2.4-tf", "2.3.0-tf"
#: The first tf.keras 2 version without "-tf" (TensorFlow 2.3), and the first whose
#: MultiHeadAttention reads its inputs' Keras masks.
FIRST_PLAIN_VERSION, MASKED_ATTENTION_SINCE = Version("2.4.0"), Version("2.10.0")

#: Convolutions whose tf.keras configs carry ``groups`` (TensorFlow 2.3 on) that Keras 3's refuse.
_NO_GROUPS_CLASSES = ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv1D",
                      "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D")
#: ``MultiHeadAttention``'s build shapes, written into its config by later tf.keras.
_ATTENTION_BUILD_SHAPES = ("query_shape", "key_shape", "value_shape")
#: A recurrent cell's scope in a TensorFlow 2.2+ weight name (``gru/gru_cell/kernel:0``, ``lstm_cell_1``).
_CELL_SCOPE = re.compile(r"(^|/)(lstm|gru|simple_rnn)_cell(_\d+)?/")


def recurrent_cell_scope(weights):
    """Whether stored recurrent weights are named inside their cell's scope (TensorFlow 2.2 on: True),
    not (TensorFlow 2.0-2.1: False), or None when the file stores no LSTM or GRU weights."""
    if not holds_recurrent_weights(weights):
        return None
    return any(_CELL_SCOPE.search(name) for arrays in weights.values() for name, _ in arrays)


def cudnn_capable(class_name, config):
    """Whether TensorFlow 2.0-2.1 ran a recurrent layer of this config through its cuDNN-capable path
    (``recurrent_v2.LSTM/GRU.could_use_cudnn``), which ignored ``zero_output_for_mask``."""
    if class_name not in ("LSTM", "GRU"):
        return False
    return (config.get("activation", "tanh") == "tanh" and config.get("recurrent_activation", "sigmoid") == "sigmoid"
            and not config.get("recurrent_dropout") and not config.get("unroll") and config.get("use_bias", True)
            and (class_name == "LSTM" or config.get("reset_after", True)))


def _masked_sequence_layers(config):
    """The layer configs a ``Bidirectional`` of ``config`` runs that TensorFlow 2.0-2.1 ran on the cuDNN
    path with ``return_sequences`` (where its masked steps repeated the previous output)."""
    found = []
    for key in ("layer", "backward_layer"):
        inner = config.get(key)
        if (isinstance(inner, dict) and inner["config"].get("return_sequences")
                and cudnn_capable(inner["class_name"], inner["config"])):
            found.append(inner)
    return found


# -- the facts --------------------------------------------------------------------------------------

@model_rewrite("tf.keras 2.4+ listed a Sequential's InputLayer as its first layer; it becomes the model's "
               "Input (its batch shape and dtype).")
def sequential_input_layer_entry(model_config):
    body = model_config["config"]
    layers = body.get("layers") if isinstance(body, dict) else None
    if model_config["class_name"] != "Sequential" or not layers or layers[0]["class_name"] != "InputLayer":
        return False
    first = layers.pop(0)["config"]
    body.pop("build_input_shape", None)
    body["input"] = {"batch_shape": first.get("batch_input_shape", first.get("batch_shape")),
                     "dtype": first.get("dtype", "float32")}
    return True


@layer_rewrite("tf.keras 2.3+ wrote groups=1 into the configs of transposed, depthwise and separable "
               "convolutions, which cannot group their filters; Keras 3's refuse the key.")
def convolution_drops_groups_of_one(class_name, config):
    return class_name in _NO_GROUPS_CLASSES and config.get("groups", "absent") == 1 and config.pop("groups") == 1


@layer_rewrite("tf.keras 2.1+ wrote a mixed-precision layer's dtype as a Policy object "
               "({'class_name': 'Policy', 'config': {'name': 'mixed_float16'}}); the policy's name is the "
               "same policy on Keras 3 and tf.keras.")
def dtype_policy_by_name(class_name, config):
    policy = config.get("dtype")
    is_policy = isinstance(policy, dict) and policy.get("class_name") == "Policy"
    name = policy.get("config", {}).get("name") if is_policy else None
    if isinstance(name, str):
        config["dtype"] = name
    return isinstance(name, str)


@layer_rewrite("tf.keras 2.10+ wrote MultiHeadAttention's build shapes (query_shape, key_shape, value_shape) "
               "into its config, 2.4-2.9 did not; Keras 3 refuses them, tf.keras 2.10-2.15 require them (None: the "
               "layer builds when called), so they are dropped or completed as the running Keras takes them.")
def multi_head_attention_build_shapes(class_name, config):
    if class_name not in ("MultiHeadAttention", LegacyMultiHeadAttention.__name__):
        return False
    if MULTI_HEAD_ATTENTION_NEEDS_BUILD_SHAPES:
        missing = [key for key in _ATTENTION_BUILD_SHAPES if key not in config]
        config.update(dict.fromkeys(missing))
        return bool(missing)
    found = [key for key in _ATTENTION_BUILD_SHAPES if key in config]
    for key in found:
        del config[key]
    return bool(found)


@model_rewrite("tf.keras 2.4-2.9's MultiHeadAttention ignored the Keras masks of its inputs (only an explicit "
               "attention_mask applied) and gave its output none; tf.keras 2.10+ and Keras 3 use them, so "
               "the layer becomes one that ignores them.")
def multi_head_attention_ignores_masks(model_config):
    found = [entry for entry in layer_entries(model_config) if entry["class_name"] == "MultiHeadAttention"]
    for entry in found:
        entry["class_name"] = LegacyMultiHeadAttention.__name__
    return bool(found)


@layer_rewrite("TensorFlow 2.0-2.1's masked Bidirectional repeated the previous output at masked steps for an "
               "LSTM/GRU on its cuDNN-capable path (tanh, sigmoid gates, no recurrent dropout, not unrolled, "
               "with bias, GRU reset_after=True): that path ignored the zeros the wrapper asked for. Such a "
               "layer becomes one that keeps repeating it; any other gives zeros, as modern Keras does.")
def bidirectional_cudnn_path_repeats_masked_output(class_name, config):
    if class_name != "Bidirectional":
        return False
    found = _masked_sequence_layers(config)
    for inner in found:
        inner["class_name"] = MASKED_STEPS_KEPT[inner["class_name"]].__name__
    return bool(found)


@check("A file that does not tell TensorFlow 1.13-1.15 from 2.0 (both wrote keras_version 2.2.4-tf) may not "
       "hold a layer the two computed differently: a masked Bidirectional LSTM/GRU returning sequences on "
       "TensorFlow 2.0's cuDNN-capable path (zeros at masked steps on 1.x, the previous output on 2.0).")
def undecided_masked_bidirectional_refused(subject):
    found = [position for position, class_name, config, _ in subject.nodes
             if class_name == "Bidirectional" and _masked_sequence_layers(config)]
    if found and makes_masks(subject.model_config):
        subject.fail("a masked Bidirectional whose steps TensorFlow 1.13-1.15 (zeros) and 2.0 (the previous "
                     "output) computed differently, in a file of keras_version 2.2.4-tf that does not tell "
                     "which of them wrote it", layer=found[0], error=errors.UnsupportedVersionError,
                     fix="load and re-save it with the TensorFlow that wrote it, or rebuild the model in code "
                         "and load its weights with compat_attention.load_legacy_weights(model, path)")


def recurrent_defaults(keras_version):
    """What a recurrent layer of tf.keras 2 computed where the file does not say (weights-only files).

    TensorFlow 2's ``tf.keras.layers.LSTM``/``GRU`` (``recurrent_v2``): ``recurrent_activation='sigmoid'``
    and GRU ``reset_after=True`` (``weights_gru_default`` of every tf.keras 2 era: bias ``(2, 3*units)``).

    Args:
        keras_version: the file's ``keras_version``.

    Returns:
        ``{'activation', 'recurrent_activation', 'reset_after'}``.
    """
    return {"activation": "tanh", "recurrent_activation": "sigmoid", "reset_after": True}


def early_defaults(keras_version):
    """What a recurrent layer of TensorFlow 2.0-2.1 computed where the file does not say: ``recurrent_defaults``,
    and inside a masked ``Bidirectional`` the previous output repeated at masked steps (``masked_steps``), as
    the default LSTM/GRU took the cuDNN-capable path (``tf_keras2_1``'s ``weights_bilstm_masked``)."""
    return dict(recurrent_defaults(keras_version), masked_steps="repeat")


def early_layer_settings(config):
    """What a TensorFlow 2.0-2.1 recurrent config states (``Source.layer_settings``): its keys, and
    ``masked_steps`` "repeat" where the layer could take the cuDNN-capable path, else "zeros" (a GRU
    config always names ``reset_after`` there, an LSTM's never)."""
    kind = "GRU" if "reset_after" in config else "LSTM"
    return dict(config, masked_steps="repeat" if cudnn_capable(kind, config) else "zeros")


def undecided_defaults(keras_version):
    """What a recurrent layer of a "2.2.4-tf" file that tells neither era computed: TensorFlow 1.13-1.15's
    defaults (``hard_sigmoid``, ``reset_after=False``) or 2.0's (``sigmoid``, ``True``), the file cannot say
    which; ``load_legacy_weights`` refuses every recurrent target (tuples: the candidates)."""
    return {"activation": "tanh", "recurrent_activation": ("hard_sigmoid", "sigmoid"), "reset_after": (False, True)}


def _plain_version(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None


def read_as(legacy):
    """The era a tf.keras 2 file is read as (None: not a tf.keras 2 file).

    "2.2.4-tf": TensorFlow 2.0 when it shows only TensorFlow 2's tells, ``UNDECIDED`` when it shows
    neither's or both, None when only 1.x's (``sources/tf_keras1.py``); "2.3.0-tf": 2.0-2.1 when its
    recurrent weights lack the cell scope, else 2.2 on; a plain version from "2.4.0": 2.2-2.9 before
    "2.10.0", else 2.10 on.
    """
    version = legacy.keras_version
    if version == TF_2_0_VERSION:
        tells = tensorflow_tells(legacy)
        return EARLY if tells == {TF2} else None if tells == {TF1} else UNDECIDED
    if version == TF_2_1_VERSION:
        return EARLY if recurrent_cell_scope(legacy.weights) is False else MIDDLE
    parsed = _plain_version(version)
    if parsed is None or parsed < FIRST_PLAIN_VERSION or parsed.major != 2:
        return None
    return SOURCE if parsed >= MASKED_ATTENTION_SINCE else MIDDLE


def _rewrites(name, *era):
    return RewriteSet(name, [
        sequential_input_layer_entry,
        rewrites.sequential_input_from_first_layer,
        rewrites.sequential_build_input_shape,
        rewrites.drop_inner_batch_input_shape,
        rewrites.attention_causal_as_call_argument,
        *era,
        *rewrites.TF_KERAS_LAYER_REWRITES,
        convolution_drops_groups_of_one,
        dtype_policy_by_name,
        multi_head_attention_build_shapes,
        rewrites.optimizer_custom_prefix,
        rewrites.nadam_decay_is_its_schedule_decay,
        rewrites.metrics_by_name,
    ])


_FIX = "build the model in code, then call compat_attention.load_legacy_weights(model, path)"
_CUSTOM_OBJECTS = {"ThresholdedReLU": LegacyThresholdedReLU, "LocallyConnected1D": LegacyLocallyConnected1D,
                   "LocallyConnected2D": LegacyLocallyConnected2D, "LegacyMultiHeadAttention": LegacyMultiHeadAttention,
                   **{cls.__name__: cls for cls in MASKED_STEPS_KEPT.values()}}


def _source(name, era_rewrites, note, defaults=recurrent_defaults, checks=(), read=None, settings=None):
    return Source(name, keras_versions=("2.",), rewrites=_rewrites(name, *era_rewrites),
                  checks=(locally_connected_dense_kernels_refused, *checks),
                  custom_objects=_CUSTOM_OBJECTS, weights_only_fix=_FIX, recurrent_defaults=defaults, read_as=read,
                  layer_settings=settings, optimizer_state=tf_keras_state,
                  note=note)


#: tf.keras of TensorFlow 2.0-2.1: masked Bidirectional LSTM/GRU on the cuDNN path repeat their output.
EARLY = _source("tf.keras of TensorFlow 2.0-2.1", [bidirectional_cudnn_path_repeats_masked_output],
                "keras_version 2.2.4-tf with TensorFlow 2's tells only, or 2.3.0-tf with recurrent weights "
                "named without their cell's scope", defaults=early_defaults, settings=early_layer_settings)
#: A "2.2.4-tf" file that does not tell TensorFlow 1.13-1.15 from 2.0.
UNDECIDED = _source("tf.keras 2.2.4-tf of TensorFlow 1.13-1.15 or 2.0 (the file does not tell which)",
                    [rewrites.drop_initializer_dtype],
                    "keras_version 2.2.4-tf is written by TensorFlow 1.13-1.15 and 2.0 alike, and this file "
                    "shows neither's tells (or both): what the two computed differently is refused",
                    defaults=undecided_defaults, checks=(undecided_masked_bidirectional_refused,))
#: tf.keras of TensorFlow 2.2-2.9: MultiHeadAttention ignores its inputs' masks.
MIDDLE = _source("tf.keras of TensorFlow 2.2-2.9", [multi_head_attention_ignores_masks],
                 "keras_version 2.3.0-tf with recurrent weights named in their cell's scope (or none), or 2.4.0 "
                 "to 2.9.x")
#: tf.keras of TensorFlow 2.10 and later (the ``keras`` 2.10-2.15 package, ``tf_keras``).
SOURCE = _source("tf.keras of TensorFlow 2.10 and later", [], "keras_version 2.10.0 and later (2.x)",
                 read=read_as)
