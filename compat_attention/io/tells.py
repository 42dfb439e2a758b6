"""What a tf.keras file shows about the TensorFlow that wrote it, beyond its ``keras_version``.

``keras_version`` "2.2.4-tf" is written by tf.keras of TensorFlow 1.13-1.15 and by TensorFlow 2.0
(which switched its v2 behaviour on only after tf.keras had read its version), and their layers
computed differently (a masked ``Bidirectional``, the recurrent defaults). The sources of both
producers (``sources/tf_keras1.py``, ``sources/tf_keras2.py``) read the same tells, from here:

* initializer configs: TensorFlow 1.x's initializers (``init_ops``) wrote ``"dtype"`` into their
  configs, TensorFlow 2's (``init_ops_v2``) never do;
* ``InputLayer``: TensorFlow 1.14/1.15 wrote ``"ragged"``, TensorFlow 2.0 does not;
* in a weights-only file, a GRU's bias: ``(3 * units,)`` is the default GRU of TensorFlow 1.x
  (``reset_after=False``), ``(2, 3 * units)`` that of TensorFlow 2 (``reset_after=True``).

A file may show none of them (a weights-only file of an LSTM: nothing in it tells), or both.
"""

from .configs import walk

#: The tells: the file was written by tf.keras of TensorFlow 1.x, or of TensorFlow 2.
TF1, TF2 = "TensorFlow 1.x", "TensorFlow 2"

#: TensorFlow's own initializer classes, whose configs differ between 1.x and 2 (a custom
#: initializer's config tells nothing).
TF_INITIALIZERS = ("Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal", "TruncatedNormal",
                   "VarianceScaling", "Orthogonal", "Identity", "GlorotUniform", "GlorotNormal", "HeNormal",
                   "HeUniform", "LecunNormal", "LecunUniform")


def initializer_tells(model_config):
    """The tells of a model config's initializer configs: ``TF1`` where one holds ``"dtype"``,
    ``TF2`` where one of TensorFlow's own lacks it.

    Example:

    >>> dense = {"class_name": "Dense", "config": {"kernel_initializer": {
    ...     "class_name": "GlorotUniform", "config": {"seed": None, "dtype": "float32"}}}}
    >>> sorted(initializer_tells({"class_name": "Sequential", "config": {"layers": [dense]}}))
    ['TensorFlow 1.x']
    """
    found = set()
    for _, _, config, _ in walk(model_config):
        for key, value in (config.items() if isinstance(config, dict) else ()):
            if not (key.endswith("_initializer") and isinstance(value, dict)):
                continue
            settings = value.get("config")
            if isinstance(settings, dict) and "dtype" in settings:
                found.add(TF1)
            elif isinstance(settings, dict) and value.get("class_name") in TF_INITIALIZERS:
                found.add(TF2)
    return found


def input_layer_tells(model_config):
    """``{TF1}`` when an ``InputLayer`` config holds ``"ragged"`` (TensorFlow 1.14-1.15 and 2.1+ wrote it,
    2.0 did not), else nothing (TensorFlow 1.13 did not write it either)."""
    for _, class_name, config, _ in walk(model_config):
        if class_name == "InputLayer" and isinstance(config, dict) and "ragged" in config:
            return {TF1}
    return set()


def _weight_groups(weights):
    """``{(layer, prefix): {suffix: shape}}`` of the stored weights, a prefix per sub-layer (a
    Bidirectional's two directions apart)."""
    groups = {}
    for layer, arrays in (weights or {}).items():
        for name, array in arrays:
            prefix, _, suffix = name.rpartition("/")
            groups.setdefault((layer, prefix), {})[suffix.split(":")[0]] = tuple(array.shape)
    return groups


def gru_bias_tells(weights):
    """The tells of the GRUs' biases among stored weights: a GRU is a recurrent kernel of shape
    ``(units, 3 * units)``; its bias ``(3 * units,)`` tells ``TF1``, ``(2, 3 * units)`` ``TF2``."""
    found = set()
    for shapes in _weight_groups(weights).values():
        recurrent, bias = shapes.get("recurrent_kernel"), shapes.get("bias")
        if not (recurrent and bias and len(recurrent) == 2 and recurrent[1] == 3 * recurrent[0]):
            continue
        if bias == (recurrent[1],):
            found.add(TF1)
        elif bias == (2, recurrent[1]):
            found.add(TF2)
    return found


def tensorflow_tells(legacy):
    """Every tell of ``legacy``'s file (a ``LegacyFile``): a subset of ``{TF1, TF2}``.

    A model file tells by its configs, a weights-only file by its GRUs' biases.
    """
    if legacy.model_config is None:
        return gru_bias_tells(legacy.weights)
    return initializer_tells(legacy.model_config) | input_layer_tells(legacy.model_config)


def holds_recurrent_weights(weights, kinds=(4, 3)):
    """Whether stored weights hold a recurrent kernel of ``(units, k * units)`` for a ``k`` of ``kinds``
    (4: an LSTM's, 3: a GRU's)."""
    for shapes in _weight_groups(weights).values():
        recurrent = shapes.get("recurrent_kernel")
        if recurrent and len(recurrent) == 2 and any(recurrent[1] == k * recurrent[0] for k in kinds):
            return True
    return False


def makes_masks(model_config):
    """Whether a model config holds a layer that makes a Keras mask (``Embedding(mask_zero=True)``,
    ``Masking``): what masked-step rules depend on."""
    for _, class_name, config, _ in walk(model_config):
        if class_name == "Masking" or (class_name == "Embedding" and isinstance(config, dict) and config.get("mask_zero")):
            return True
    return False
