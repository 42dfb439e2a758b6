"""Keras modules that moved or disappeared: ``keras.layers.recurrent``, ``keras.engine``, ``np_utils`` ...

Keras 2.2-2.3 folded the per-family layer modules into ``keras.layers`` and the engine
into ``keras.models``/``keras.layers``; tf.keras and Keras 3 never had the old paths. Keras 3
also dropped ``keras.preprocessing.text`` and the Keras 2.0 ``sequence`` helpers, which
``compat_attention.legacy`` provides.
"""

import libcst as cst

from .registry import rule
from .base import RuleTransformer, is_keras, keras_relative, module_name

LAYER_MODULES = {"layers." + m for m in (
    "recurrent", "wrappers", "core", "merge", "embeddings", "convolutional", "pooling", "normalization",
    "advanced_activations", "noise", "local", "cudnn_recurrent", "convolutional_recurrent")}
ENGINE_MODULES = {"engine", "engine.topology", "engine.training", "engine.base_layer", "engine.input_layer",
                  "engine.sequential", "engine.network"}
UTIL_MODULES = {"utils." + m for m in ("np_utils", "visualize_util", "vis_utils", "data_utils", "generic_utils",
                                       "layer_utils", "conv_utils")}
#: Where a name imported from an engine module lives now.
ENGINE_NAMES = {"Model": "keras.models", "Sequential": "keras.models", "load_model": "keras.models",
                "get_source_inputs": "keras.utils"}
REMOVED = {"Recurrent": "subclass keras.layers.RNN with a cell instead",
           "Merge": "use concatenate/add/multiply on the branches (functional API)",
           "HDF5Matrix": "read the arrays with h5py (or keep them in NumPy files)"}
LEGACY_UTILS = ("to_categorical", "normalize")
LEGACY_MODULE_ALIASES = {"initializations": "initializers", "visualize_util": "utils", "np_utils": "utils"}


def _alias_local(alias):
    return alias.asname.name.value if alias.asname is not None else alias.name.value


class _Uses(cst.CSTVisitor):
    def __init__(self):
        self.names = {}

    def visit_Name(self, node):
        self.names[node.value] = self.names.get(node.value, 0) + 1


@rule("moved_keras_modules",
      "Keras 2.2+ removed keras.layers.recurrent/core/wrappers/..., keras.engine(.topology), keras.utils.np_utils "
      "and friends (\"No module named ...\"); Keras 3 also dropped keras.preprocessing.text/sequence.")
class MovedKerasModules(RuleTransformer):
    """``from keras.layers.recurrent import LSTM`` -> ``from keras.layers import LSTM`` (and similar)."""

    def visit_Module(self, node):
        uses = _Uses()
        node.visit(uses)
        self.uses = uses.names
        return True

    def _home(self, rel, name):
        """Where ``name`` imported from Keras module ``rel`` lives now (a module path), or None to keep."""
        if name == "_time_distributed_dense":
            return "compat_attention"
        if rel in LAYER_MODULES:
            return "keras.layers"
        if rel in ENGINE_MODULES:
            return ENGINE_NAMES.get(name, "keras.layers")
        if rel in UTIL_MODULES:
            if name in LEGACY_UTILS and self.target == "keras3":
                return "compat_attention.legacy.utils"
            return "keras.utils"
        if rel in ("preprocessing.text", "preprocessing.sequence") and self.target == "keras3":
            return "compat_attention.legacy." + rel.split(".")[1]
        return None

    def leave_ImportFrom(self, original, updated):
        mod = module_name(original)
        rel = keras_relative(mod) if is_keras(mod) else None
        if rel is None:
            return updated
        if isinstance(updated.names, cst.ImportStar):
            home = self._home(rel, "*")
            if home and home != "compat_attention":
                return updated.with_changes(module=cst.parse_expression(home))
            return updated
        groups, keep = {}, []
        for alias in updated.names:
            name = alias.name.value
            if name in REMOVED and (rel in LAYER_MODULES or rel in ENGINE_MODULES or rel in UTIL_MODULES or rel == "layers"):
                if self.uses.get(_alias_local(alias), 0) <= 1:
                    continue  # imported, never used: drop it
                if name not in ("Recurrent", "Merge"):  # their uses are reported by their own rules
                    self.report(original, "import of %s" % name, "Keras 2.2 removed %s" % name, REMOVED[name])
                keep.append(alias)
                continue
            home = self._module_alias(rel, name) or self._home(rel, name)
            if home == "compat_attention" and home + "." + name in self.bind.every.get(_alias_local(alias), ()):
                continue  # the legacy module's own definition was already replaced by this import
            if home is None:
                keep.append(alias)
                continue
            if isinstance(home, tuple):
                asname = alias.asname or (cst.AsName(name=cst.Name(name)) if home[1] != name else None)
                home, alias = home[0], alias.with_changes(name=cst.Name(home[1]), asname=asname)
            groups.setdefault(home, []).append(alias)
        if not groups and len(keep) == len(updated.names):
            return updated
        statements = [updated.with_changes(module=cst.parse_expression(home), relative=[], names=_last(aliases))
                      for home, aliases in groups.items()]
        if keep:
            statements.insert(0, updated.with_changes(names=_last(keep)))
        if not statements:
            return cst.RemovalSentinel.REMOVE
        first, rest = statements[0], statements[1:]
        for statement in rest:
            for alias in statement.names:
                self.need_import(module_name(statement), alias.name.value,
                                 alias.asname.name.value if alias.asname is not None else None)
        return first

    def leave_Attribute(self, original, updated):
        """``keras.preprocessing.text.Tokenizer`` (via ``import keras``) -> ``legacy_text.Tokenizer`` on Keras 3."""
        full = self.bind.resolve(original)
        rel = keras_relative(full) if is_keras(full) else None
        if rel in ("preprocessing.text", "preprocessing.sequence") and self.target == "keras3":
            local = "legacy_" + rel.split(".")[1]
            self.need_import("compat_attention.legacy", rel.split(".")[1], local)
            return cst.Name(local)
        if rel == "utils.np_utils":
            if self.target == "keras3":
                self.need_import("compat_attention.legacy", "utils", "legacy_utils")
                return cst.Name("legacy_utils")
            return updated.with_changes(attr=cst.Name("utils"), value=updated.value.value) \
                if isinstance(updated.value, cst.Attribute) else updated
        return updated

    def _module_alias(self, rel, name):
        """``from keras.utils import np_utils`` -> a module that still exists, under the old name."""
        if rel == "utils" and name in ("np_utils", "generic_utils", "data_utils", "vis_utils", "visualize_util"):
            if name == "np_utils" and self.target == "keras3":
                return ("compat_attention.legacy", "utils")
            return ("keras", "utils")
        if rel == "" and name == "initializations":
            return ("keras", "initializers")
        if rel == "preprocessing" and name in ("text", "sequence") and self.target == "keras3":
            return ("compat_attention.legacy", name)
        if rel == "layers" and name in ("recurrent", "core", "wrappers", "embeddings", "convolutional",
                                        "pooling", "normalization", "advanced_activations", "noise"):
            return ("keras", "layers")
        return None


def _last(aliases):
    aliases = list(aliases)
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases
