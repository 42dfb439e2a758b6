"""Keras 1 model construction: ``Model(input=..., output=...)``."""

from .registry import rule
from .base import RuleTransformer, callee_symbol, rename_kwargs


@rule("model_inputs_outputs",
      "Keras 1 built functional models with Model(input=..., output=...); Keras 2 renamed them "
      "inputs=/outputs= and modern Keras rejects the old names.")
class ModelInputsOutputs(RuleTransformer):
    """``Model(input=a, output=b)`` -> ``Model(inputs=a, outputs=b)``."""

    def leave_Call(self, original, updated):
        if callee_symbol(self.bind, original) != "Model":
            return updated
        return rename_kwargs(updated, {"input": "inputs", "output": "outputs"})
