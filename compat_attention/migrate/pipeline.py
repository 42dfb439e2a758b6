"""The pipeline: every rule, in the order it runs.

Where the order matters: ``legacy_attention_module`` runs first, so that the copied legacy
definitions (and the ``Recurrent`` they subclassed) are gone before any other rule reads the
file; ``keras1_layer_names`` runs before the rules that look for Keras 2 class names
(``Convolution1D`` is ``Conv1D`` for ``layer_weights_argument``); ``moved_keras_modules`` runs
last, over the imports as every earlier rule left them (it drops an import of ``Recurrent`` that
nothing reads any more).
"""

from .rules.attention import LegacyAttentionModule
from .rules.backend import KerasBackend
from .rules.base import Rule
from .rules.callbacks import CallbackArguments, LayerWeightsArgument
from .rules.checkpoints import Keras3FileNames
from .rules.keras1 import Keras1LayerNames
from .rules.lambdas import LambdaAxisReduction
from .rules.merge import MergeFunction
from .rules.models import ModelInputsOutputs
from .rules.modules import MovedKerasModules
from .rules.optimizers import OptimizerLrAttribute, OptimizerLrDecay, OptimizerStringDefaults
from .rules.training import DictTargets, GeneratorMethods, ParallelismArguments, PredictClasses, SampleWeightMode

RULES = [
    LegacyAttentionModule,
    Keras1LayerNames,
    MergeFunction,
    ModelInputsOutputs,
    OptimizerLrDecay,
    OptimizerStringDefaults,
    OptimizerLrAttribute,
    GeneratorMethods,
    ParallelismArguments,
    SampleWeightMode,
    PredictClasses,
    DictTargets,
    Keras3FileNames,
    CallbackArguments,
    LayerWeightsArgument,
    KerasBackend,
    LambdaAxisReduction,
    MovedKerasModules,
]

__all__ = ["RULES", "Rule"]
