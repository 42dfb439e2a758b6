"""Keras modules that moved or disappeared: ``keras.layers.recurrent``, ``keras.engine``, ``np_utils`` ...

Keras 2.2-2.3 folded the per-family layer modules into ``keras.layers`` and the engine
into ``keras.models``/``keras.layers``; tf.keras and Keras 3 never had the old paths. Keras 3
also dropped ``keras.preprocessing.text`` and the Keras 2.0 ``sequence`` helpers, which
``compat_attention.legacy`` provides.
"""

import libcst as cst

from .. import spec
from .base import Rule, alias_local, is_keras, keras_relative, last_comma_dropped, module_name


class MovedKerasModules(Rule):
    """``from keras.layers.recurrent import LSTM`` -> ``from keras.layers import LSTM`` (and similar)."""

    name = "moved_keras_modules"
    fact = ("Keras 2.2+ removed keras.layers.recurrent/core/wrappers/..., keras.engine(.topology), "
            "keras.utils.np_utils and friends (\"No module named ...\"); Keras 3 also dropped "
            "keras.preprocessing.text/sequence.")
    triggers = ("keras",)  # every Keras module path names it

    def _home(self, rel, name):
        """Where ``name`` imported from Keras module ``rel`` lives now (a module path), or None to keep."""
        if name == "_time_distributed_dense":
            return "compat_attention"
        if rel in spec.LAYER_MODULES:
            return "keras.layers"
        if rel in spec.ENGINE_MODULES:
            return spec.ENGINE_NAMES.get(name, "keras.layers")
        if rel in spec.UTIL_MODULES:
            if name in spec.LEGACY_UTILS and self.target == "keras3":
                return spec.LEGACY_PACKAGE + ".utils"
            return "keras.utils"
        if _preprocessing(rel) and self.target == "keras3":
            return spec.LEGACY_PACKAGE + "." + rel.split(".")[1]
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
            if name in spec.REMOVED_NAMES and (rel in spec.LAYER_MODULES or rel in spec.ENGINE_MODULES
                                               or rel in spec.UTIL_MODULES or rel == "layers"):
                if not self.names.used(alias_local(alias), where=original):
                    continue  # imported, never used: drop it
                if name not in ("Recurrent", "Merge", "merge"):  # their uses are reported by their own rules
                    self.report(original, "import of %s" % name, "Keras 2.2 removed %s" % name,
                                spec.REMOVED_NAMES[name])
                keep.append(alias)
                continue
            home = self._module_alias(rel, name) or self._home(rel, name)
            if home == "compat_attention" and home + "." + name in self.names.bound_to(alias_local(alias)):
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
        statements = [updated.with_changes(module=cst.parse_expression(home), relative=[],
                                           names=last_comma_dropped(aliases))
                      for home, aliases in groups.items()]
        if keep:
            statements.insert(0, updated.with_changes(names=last_comma_dropped(keep)))
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
        full = self.names.resolve(original)
        rel = keras_relative(full) if is_keras(full) else None
        if _preprocessing(rel) and self.target == "keras3":
            local = "legacy_" + rel.split(".")[1]
            self.need_import(spec.LEGACY_PACKAGE, rel.split(".")[1], local)
            return cst.Name(local)
        if rel == "utils.np_utils":
            if self.target == "keras3":
                self.need_import(spec.LEGACY_PACKAGE, "utils", "legacy_utils")
                return cst.Name("legacy_utils")
            return updated.with_changes(attr=cst.Name("utils"), value=updated.value.value) \
                if isinstance(updated.value, cst.Attribute) else updated
        return updated

    def _module_alias(self, rel, name):
        """``from keras.utils import np_utils`` -> a module that still exists, under the old name."""
        if rel == "utils" and name in spec.UTIL_MODULES_IMPORTED_WHOLE:
            if name == "np_utils" and self.target == "keras3":
                return (spec.LEGACY_PACKAGE, "utils")
            return ("keras", "utils")
        if rel == "" and name in spec.RENAMED_MODULES:
            return ("keras", spec.RENAMED_MODULES[name])
        if rel == "preprocessing" and name in spec.PREPROCESSING_MODULES and self.target == "keras3":
            return (spec.LEGACY_PACKAGE, name)
        if rel == "layers" and name in spec.LAYER_MODULES_IMPORTED_WHOLE:
            return ("keras", "layers")
        if rel == "layers" and name in spec.LAYERS_REEXPORTED_MODULES:
            return ("keras", name)
        if rel == "utils.visualize_util" and name in spec.VISUALIZE_UTIL_RENAMES:
            return ("keras.utils", spec.VISUALIZE_UTIL_RENAMES[name])
        return None


def _preprocessing(rel):
    """Whether Keras-relative module ``rel`` is ``preprocessing.text`` or ``preprocessing.sequence``."""
    return rel in tuple("preprocessing." + m for m in spec.PREPROCESSING_MODULES)
