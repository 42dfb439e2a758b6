"""Named config rewrites, grouped per source of files (``RewriteSet``).

Each rewrite is one small function fixing ONE legacy fact. A model rewrite takes the
model config (``{"class_name": ..., "config": ...}``); a layer rewrite takes one layer's
``(class_name, config)`` and also runs on layers nested in wrappers. Each returns True
when it changed something, so ``inspect`` can list what was rewritten and why. The sets
themselves live with their sources: ``keras2_0.py``, ``attention_package.py``.
"""

import copy
from collections import namedtuple

#: One rewrite: its name, the legacy fact it fixes, and the function that applies it.
Rewrite = namedtuple("Rewrite", "name fact apply")

#: Layer classes that hold another layer in ``config["layer"]``.
WRAPPER_CLASSES = ("Bidirectional", "TimeDistributed")

#: Keras 2.0.x recurrent layer classes.
RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN")


class RewriteSet(object):
    """The ordered model and layer rewrites that adapt one source's configs to this Keras.

    Args:
        name: the source, for messages (e.g. ``"Keras 2.0.x"``).
    """

    def __init__(self, name):
        self.name = name
        self.model_rewrites = []
        self.layer_rewrites = []

    def model_rewrite(self, fact):
        """Decorator: register ``fn(model_config) -> bool`` as a model rewrite fixing ``fact``."""
        def register(fn):
            self.model_rewrites.append(Rewrite(fn.__name__, fact, fn))
            return fn
        return register

    def layer_rewrite(self, fact):
        """Decorator: register ``fn(class_name, config) -> bool`` as a layer rewrite fixing ``fact``."""
        def register(fn):
            self.layer_rewrites.append(Rewrite(fn.__name__, fact, fn))
            return fn
        return register

    def include(self, other, *names):
        """Also apply the rewrites ``names`` of ``other`` (a fact two sources share), in this order."""
        for name in names:
            rewrite = other.find(name)
            target = self.model_rewrites if rewrite in other.model_rewrites else self.layer_rewrites
            target.append(rewrite)

    def find(self, name):
        """The ``Rewrite`` called ``name``.

        Raises:
            KeyError: no rewrite of this set has that name.
        """
        for rewrite in self.model_rewrites + self.layer_rewrites:
            if rewrite.name == name:
                return rewrite
        raise KeyError(name)

    def describe(self, name):
        """The legacy fact behind rewrite ``name``."""
        return self.find(name).fact

    def apply_to_layer(self, class_name, config):
        """Run the layer rewrites on one layer config, wrapped layers first.

        Returns:
            list of ``(rewrite name, layer name)`` for the rewrites that changed something.
        """
        applied = []
        if class_name in WRAPPER_CLASSES and isinstance(config.get("layer"), dict):
            inner = config["layer"]
            applied += self.apply_to_layer(inner["class_name"], inner["config"])
        for rewrite in self.layer_rewrites:
            if rewrite.apply(class_name, config):
                applied.append((rewrite.name, config.get("name", class_name)))
        return applied

    def plan(self, model_config):
        """Rewrite a copy of ``model_config``; the input is left untouched.

        Returns:
            ``(model_config, applied)``: the rewritten copy and the list of
            ``(rewrite name, layer name or None)`` that changed something.
        """
        config = copy.deepcopy(model_config)
        applied = [(r.name, None) for r in self.model_rewrites if r.apply(config)]
        for layer in config["config"]["layers"]:
            applied += self.apply_to_layer(layer["class_name"], layer["config"])
        return config, applied
