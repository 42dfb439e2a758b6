"""``load_legacy_weights``' check: the layers a file's weights go into compute what the file's layers did.

Weights saved in 2017 load by position into any layer of the right shapes, but the numbers
are 2017's only if the target layer computes what the saving layer computed. Two defaults
changed since Keras 2.0.8, silently:

* LSTM and GRU ``recurrent_activation`` was ``'hard_sigmoid'`` (slope 0.2; Keras 2.3 made
  ``'sigmoid'`` the default, and Keras 3 also redefined ``hard_sigmoid`` with slope 1/6).
  With a modern default LSTM the tutorial model predicts 0.106 away from 2017's.
* GRU had no ``reset_after`` (that is, ``False``); modern GRUs default to ``True`` (whose
  bias has another shape, so the weights would not even fit);
* where the era says ``masked_steps='repeat'`` (Keras 1), a recurrent layer repeated its last output at
  masked steps even inside a ``Bidirectional``, which forces zeros there today: a target that outputs
  zeros at masked steps and receives a mask is refused.

``check_targets`` compares, for each (target layer, stored layer name) pair, what the
file's config says (where it does not say, and for a weights-only file, the defaults of the era
that wrote it: ``Source.recurrent_defaults`` of the file's source) with the target's settings,
and refuses the load with one line naming the layer and the argument to pass.
"""

from .. import errors
from .._keras.flavour import keras
from .._keras.internals import call_mask
from ..layers.activations import LEGACY_HARD_SIGMOID, legacy_hard_sigmoid
from .configs import walk

_SPELLING = {key: "%s=compat_attention.LEGACY_HARD_SIGMOID" % key for key in ("activation", "recurrent_activation")}


def _file_layer_configs(legacy):
    """layer name -> config, a wrapper's name mapped to the config of the layer it holds."""
    found = {}
    for _, _, config, depth in walk(legacy.model_config):
        if not isinstance(config, dict):
            continue
        if depth == 0:
            name = config.get("name")
        found[name] = config
    return found


#: The recurrent classes whose settings are checked.
_RECURRENT = ("LSTM", "GRU", "SimpleRNN")


def _recurrent_parts(layer):
    """``[(class name, layer)]`` of the LSTM/GRU/SimpleRNN layers (subclasses too: ``LegacyLSTM`` is an
    LSTM) a target layer runs: itself, or both directions of a Bidirectional."""
    parts = [getattr(layer, "forward_layer", None), getattr(layer, "backward_layer", None)]
    parts = [p for p in parts if p is not None] or [getattr(layer, "layer", None) or layer]
    return [(kind, p) for p in parts for kind in _RECURRENT
            if isinstance(p, getattr(keras.layers, kind)) and hasattr(p, "cell")]


def _same_activation(function, name):
    wanted = keras.activations.get(LEGACY_HARD_SIGMOID if name == "hard_sigmoid" else name)
    if name == "hard_sigmoid":
        return function is wanted or function is legacy_hard_sigmoid
    return function is wanted


def check_targets(pairs, legacy):
    """Refuse to load ``legacy``'s weights into recurrent layers that compute something else.

    Args:
        pairs: ``[(target layer, stored layer name)]``, as the weights will be assigned.
        legacy: the ``h5file.LegacyFile``, its ``source`` picked (``loader.pick_source``).

    Raises:
        WeightMismatchError: one line naming the target layer, the setting, and the
            argument that makes it compute what the file's layer computed.
    """
    defaults, configs = legacy.source.recurrent_defaults(legacy.keras_version), _file_layer_configs(legacy)
    settings = legacy.source.layer_settings or (lambda config: config)
    for target, stored_name in pairs:
        saved = dict(defaults, **{k: v for k, v in settings(configs.get(stored_name, {})).items() if k in defaults})
        for kind, part in _recurrent_parts(target):
            if kind == "GRU" and bool(getattr(part.cell, "reset_after", False)) != bool(saved["reset_after"]):
                raise errors.WeightMismatchError(
                    legacy.path, "layer %r is a GRU with reset_after=%s, but the file's GRU %r (Keras %s) had "
                    "reset_after=%s" % (target.name, part.cell.reset_after, stored_name, legacy.keras_version,
                                        saved["reset_after"]),
                    "build it with GRU(..., reset_after=%s)" % saved["reset_after"])
            if saved.get("masked_steps") == "repeat" and getattr(part, "zero_output_for_mask", False) and \
                    call_mask(target) is not None:
                raise errors.WeightMismatchError(
                    legacy.path, "layer %r runs a %s that outputs zeros at masked steps (a Bidirectional forces "
                    "that), but the file's %r (Keras %s) repeated its last output there; its numbers would differ"
                    % (target.name, kind, stored_name, legacy.keras_version),
                    "build it with compat_attention.layers.recurrent.Legacy%s, which keeps them, or pass "
                    "check_defaults=False to load anyway" % kind)
            for key in ("activation", "recurrent_activation"):
                name = saved[key]
                if hasattr(part.cell, key) and isinstance(name, str) and not _same_activation(getattr(part.cell, key),
                                                                                               name):
                    raise errors.WeightMismatchError(
                        legacy.path, "layer %r (%s) does not compute %s=%r as the file's layer %r (Keras %s) did; "
                        "its numbers would differ" % (target.name, kind, key, name, stored_name, legacy.keras_version),
                        "build it with %s, or pass check_defaults=False to load anyway"
                        % (_SPELLING[key] if name == "hard_sigmoid" else "%s=%r" % (key, name)))
