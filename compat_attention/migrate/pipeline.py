"""The pipeline: every rule, in the order it runs.

Where the order matters: ``legacy_attention_module`` runs first, so that the copied legacy
definitions (and the ``Recurrent`` they subclassed) are gone before any other rule reads the
file; ``keras1_leftovers`` runs before ``keras_backend`` moves ``K`` (it reads
``K.set_image_dim_ordering`` as Keras' own); ``legacy_layer_defaults`` runs before ``keras1_layer_names`` (``CuDNNGRU`` is not Keras
2.0.8's ``GRU``: it keeps today's defaults), which runs before the rules that look for Keras 2
class names (``Convolution1D`` is ``Conv1D`` for ``layer_weights_argument``); ``legacy_optimizers``
runs before ``optimizer_lr_decay``, which then leaves the optimizers it moved alone; ``moved_keras_modules`` runs
last, over the imports as every earlier rule left them (it drops an import of ``Recurrent`` that
nothing reads any more).
"""

from .rules.attention import LegacyAttentionModule
from .rules.backend import KerasBackend
from .rules.base import Rule
from .rules.callbacks import CallbackArguments, LayerWeightsArgument
from .rules.checkpoints import Keras3FileNames
from .rules.defaults import LegacyLayerDefaults
from .rules.idioms import KerasOneLeftovers, NumpyRemovedNames, Python2Names
from .rules.keras1 import Keras1LayerNames
from .rules.lambdas import LambdaAxisReduction
from .rules.merge import MergeFunction
from .rules.models import ModelInputsOutputs
from .rules.modules import MovedKerasModules
from .rules.optimizers import LegacyOptimizers, OptimizerLrAttribute, OptimizerLrDecay, OptimizerStringDefaults
from .rules.training import DictTargets, GeneratorMethods, ParallelismArguments, PredictClasses, SampleWeightMode

RULES = [
    LegacyAttentionModule,
    LegacyOptimizers,
    KerasOneLeftovers,
    LegacyLayerDefaults,
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
    NumpyRemovedNames,
    Python2Names,
    MovedKerasModules,
]

__all__ = ["RULES", "Rule"]
