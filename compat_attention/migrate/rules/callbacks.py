"""Keras 2.0 callback and layer arguments that Keras 3 rejects."""

from .. import spec
from .base import Rule, drop_kwargs, kwarg, rename_kwargs


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
    """Report ``Dense(..., weights=[w, b])``: the values must be set once the layer is built."""

    name = "layer_weights_argument"
    fact = "Keras 2 layers took initial weights=[...] in the constructor; Keras 3 layers (except Embedding) reject it."
    targets = ("keras3",)
    triggers = ("weights",)

    def visit_Call(self, node):
        symbol = self.callee_symbol(node)
        symbol = spec.KERAS1_CLASS_RENAMES.get(symbol, symbol)  # the name keras1_layer_names gives it
        if symbol in spec.LAYERS_WITHOUT_WEIGHTS_KWARG and kwarg(node, "weights") is not None:
            self.report(node, "%s(weights=...)" % symbol, "Keras 3 layers take no weights= argument",
                        "remove it and call layer.set_weights(...) after the model is built")
