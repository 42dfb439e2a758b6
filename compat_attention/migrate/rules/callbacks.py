"""Keras 2.0 callback and layer arguments that Keras 3 rejects."""

from .. import spec
from .base import Rule, drop_kwargs, kwarg, literal, rename_kwargs


class CallbackArguments(Rule):
    """``ReduceLROnPlateau(epsilon=1e-4)`` -> ``(min_delta=1e-4)``; drop TensorBoard's removed logging options."""

    name = "callback_arguments"
    fact = ("ReduceLROnPlateau(epsilon=) was renamed min_delta in Keras 2.1.6; Keras 3's TensorBoard has no "
            "write_grads= or batch_size= (they only shaped the logs).")
    triggers = tuple(spec.CALLBACK_KWARG_RENAMES) + tuple(spec.CALLBACK_KWARGS_REMOVED_IN_KERAS3)

    def leave_Call(self, original, updated):
        symbol = self.callee_symbol(original)
        renames = spec.CALLBACK_KWARG_RENAMES.get(symbol, {})
        if any(kwarg(updated, old) is not None and kwarg(updated, new) is None for old, new in renames.items()):
            return rename_kwargs(updated, renames)
        if symbol in spec.CALLBACK_KWARGS_REMOVED_IN_KERAS3 and self.target == "keras3":
            return drop_kwargs(updated, spec.CALLBACK_KWARGS_REMOVED_IN_KERAS3[symbol])
        return updated


class LayerWeightsArgument(Rule):
    """Report ``Dense(..., weights=[w, b])``; drop ``weights=None`` (Keras 2.0's default, a no-op).

    Keras 3's ``Bidirectional`` takes ``weights=`` but never applies it (it stores them as the
    sub-layers' ``initial_weights``, which nothing reads): ``weights=None`` is kept there, values
    are reported as for every other layer.
    """

    name = "layer_weights_argument"
    fact = "Keras 2 layers took initial weights=[...] in the constructor; Keras 3 layers (except Embedding) reject it."
    targets = ("keras3",)
    triggers = ("weights",)

    def leave_Call(self, original, updated):
        symbol = self.callee_symbol(original)
        symbol = spec.KERAS1_CLASS_RENAMES.get(symbol, symbol)  # the name keras1_layer_names gives it
        given = kwarg(updated, "weights")
        if symbol not in spec.LAYERS_WITHOUT_WEIGHTS_KWARG or given is None:
            return updated
        if literal(given.value) is None:
            return updated if symbol in spec.LAYERS_TAKING_WEIGHTS_NONE else drop_kwargs(updated, ("weights",))
        why = ("Keras 3's Bidirectional takes weights= and ignores it" if symbol in spec.LAYERS_TAKING_WEIGHTS_NONE
               else "Keras 3 layers take no weights= argument")
        self.report(original, "%s(weights=...)" % symbol, why,
                    "remove it and call layer.set_weights(...) after the model is built")
        return updated
