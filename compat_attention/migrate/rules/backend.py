"""``keras.backend`` as Keras 2.0 code used it: ``K.mean``, ``K.equal``, ``K.ctc_batch_cost`` ...

Keras 3's ``keras.backend`` keeps a handful of functions; ``compat_attention.legacy.backend``
provides the common Keras 2.0 ones (backend-neutral, Keras 2.0 dtype behaviour). On tf.keras
2.x ``keras.backend`` still has them, except a few removed with TensorFlow 1.
"""

import libcst as cst

from .. import spec
from .base import Rule, dotted, is_keras, keras_relative, module_name

LEGACY = spec.LEGACY_PACKAGE


def _backend_module(full):
    """Whether a dotted name is Keras' backend module itself."""
    return is_keras(full) and keras_relative(full) == "backend"


class KerasBackend(Rule):
    """``from keras import backend as K`` -> ``from compat_attention.legacy import backend as K`` (Keras 3)."""

    name = "keras_backend"
    fact = ("Keras 3's keras.backend dropped most Keras 2.0 functions (K.mean, K.equal, K.argmax, K.ctc_batch_cost ...); "
            "compat_attention.legacy.backend provides them with Keras 2.0's dtype behaviour.")
    triggers = ("backend",)

    def _check(self, node, name):
        if name == "set_image_dim_ordering":  # keras1_leftovers rewrites it, or reports what it cannot
            return
        removed = spec.BACKEND_REMOVED_IN_TF_KERAS
        if self.target == "keras3":
            if name not in spec.LEGACY_BACKEND_FUNCTIONS:
                self.report(node, "K.%s" % name, "on Keras 3 this K is compat_attention.legacy.backend (Keras 3's "
                            "keras.backend dropped Keras 2.0's functions), which has no %s" % name,
                            removed.get(name, "use keras.ops (or the TensorFlow function) instead"))
        elif name in removed:
            self.report(node, "K.%s" % name, "tf.keras 2.x's backend has no %s" % name, removed[name])

    def leave_Attribute(self, original, updated):
        owner = self.names.resolve(original.value)
        if owner == LEGACY + ".backend":
            self._check(original, original.attr.value)
            return updated
        if not _backend_module(owner):
            return updated
        self._check(original, original.attr.value)
        if self.target == "keras3" and isinstance(original.value, cst.Attribute):
            self.need_import(LEGACY, "backend", "legacy_backend")
            return updated.with_changes(value=cst.Name("legacy_backend"))
        return updated

    def leave_Import(self, original, updated):
        if self.target != "keras3":
            return updated
        for alias in original.names:
            full = dotted(alias.name)
            if ".backend." in full + "." and is_keras(full) and keras_relative(full).startswith("backend."):
                self.report(original, "import %s" % full, "Keras 3 has no TensorFlow-specific backend module",
                            "remove it; for sessions/GPU options use tf.config")
        if len(original.names) == 1 and original.names[0].asname is not None and \
                _backend_module(dotted(original.names[0].name)):
            asname = original.names[0].asname.name.value
            return cst.ImportFrom(module=cst.Attribute(cst.Name("compat_attention"), cst.Name("legacy")),
                                  names=[cst.ImportAlias(cst.Name("backend"), asname=cst.AsName(cst.Name(asname)))])
        return updated

    def leave_ImportFrom(self, original, updated):
        mod = module_name(original)
        if not is_keras(mod) or isinstance(original.names, cst.ImportStar):
            if self.target == "keras3" and is_keras(mod) and keras_relative(mod).startswith("backend"):
                self.report(original, "from %s import *" % mod, "a star import hides which backend functions are used",
                            "import what you use from compat_attention.legacy.backend")
            return updated
        rel = keras_relative(mod)
        if rel == "backend" or rel.startswith("backend."):
            for alias in original.names:
                self._check(original, alias.name.value)
            if self.target != "keras3":
                return updated
            if rel != "backend":
                self.report(original, "from %s import ..." % mod, "Keras 3 has no TensorFlow-specific backend module",
                            "remove it; for sessions/GPU options use tf.config")
                return updated
            return updated.with_changes(module=cst.parse_expression(LEGACY + ".backend"), relative=[])
        if rel != "" or self.target != "keras3":
            return updated
        backend = [a for a in updated.names if a.name.value == "backend"]
        if not backend:
            return updated
        rest = [a for a in updated.names if a.name.value != "backend"]
        for alias in backend:
            self.need_import(LEGACY, "backend", alias.asname.name.value if alias.asname is not None else None)
        if not rest:
            return updated.with_changes(module=cst.parse_expression(LEGACY), relative=[],
                                        names=[a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in backend])
        rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=rest)
