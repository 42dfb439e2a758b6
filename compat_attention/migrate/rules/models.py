"""Keras 1 model construction: ``Model(input=..., output=...)``."""

from .. import spec
from .base import Rule, rename_kwargs


class ModelInputsOutputs(Rule):
    """``Model(input=a, output=b)`` -> ``Model(inputs=a, outputs=b)``."""

    name = "model_inputs_outputs"
    fact = ("Keras 1 built functional models with Model(input=..., output=...); Keras 2 renamed them "
            "inputs=/outputs= and modern Keras rejects the old names.")
    triggers = ("Model",)

    def leave_Call(self, original, updated):
        if self.callee_symbol(original) != "Model":
            return updated
        return rename_kwargs(updated, spec.MODEL_KWARGS)
