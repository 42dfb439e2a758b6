"""Keras 2.0 callback and layer arguments that Keras 3 rejects."""

from .registry import rule
from .base import RuleTransformer, callee_symbol, drop_kwargs, kwarg, rename_kwargs

#: Layers whose Keras 3 constructor has no ``weights=`` (Embedding keeps it).
WEIGHTLESS_INIT = {"Dense", "LSTM", "GRU", "SimpleRNN", "Conv1D", "Conv2D", "Conv3D", "BatchNormalization",
                   "Bidirectional", "TimeDistributed", "Conv2DTranspose", "SeparableConv2D", "PReLU"}


@rule("callback_arguments",
      "ReduceLROnPlateau(epsilon=) was renamed min_delta in Keras 2.1.6; Keras 3's TensorBoard has no "
      "write_grads= or batch_size= (they only shaped the logs).")
class CallbackArguments(RuleTransformer):
    """``ReduceLROnPlateau(epsilon=1e-4)`` -> ``(min_delta=1e-4)``; drop TensorBoard's removed logging options."""

    def leave_Call(self, original, updated):
        symbol = callee_symbol(self.bind, original)
        if symbol == "ReduceLROnPlateau" and kwarg(updated, "epsilon") is not None \
                and kwarg(updated, "min_delta") is None:
            return rename_kwargs(updated, {"epsilon": "min_delta"})
        if symbol == "TensorBoard" and self.target == "keras3":
            return drop_kwargs(updated, {"write_grads", "batch_size"})
        return updated


@rule("layer_weights_argument",
      "Keras 2 layers took initial weights=[...] in the constructor; Keras 3 layers (except Embedding) reject it.",
      targets=("keras3",))
class LayerWeightsArgument(RuleTransformer):
    """Report ``Dense(..., weights=[w, b])``: the values must be set once the layer is built."""

    def visit_Call(self, node):
        if callee_symbol(self.bind, node) in WEIGHTLESS_INIT and kwarg(node, "weights") is not None:
            self.report(node, "%s(weights=...)" % callee_symbol(self.bind, node),
                        "Keras 3 layers take no weights= argument",
                        "remove it and call layer.set_weights(...) after the model is built")
