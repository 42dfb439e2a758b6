"""Every rule, in pipeline order: the order the rule modules are imported here, then their order within each."""

from . import (attention, keras1, merge, models, optimizers, training, checkpoints, callbacks, backend,  # noqa: F401
               lambdas, modules)
from .registry import BOTH, RULES, Rule, rule  # noqa: F401 - the registry, now filled
