"""``keras.backend`` as Keras 2.0 code used it: ``K.mean``, ``K.equal``, ``K.ctc_batch_cost`` ...

Keras 3's ``keras.backend`` keeps a handful of functions; ``compat_attention.legacy.backend``
provides the common Keras 2.0 ones (backend-neutral, Keras 2.0 dtype behaviour). On tf.keras
2.x ``keras.backend`` still has them, except a few removed with TensorFlow 1.
"""

import ast
import os

import libcst as cst

from .registry import rule
from .base import RuleTransformer, dotted, is_keras, keras_relative, module_name

LEGACY = "compat_attention.legacy"
#: Used only while compat_attention/legacy/backend.py cannot be read.
FALLBACK = frozenset("""abs all any arange argmax argmin batch_dot batch_flatten binary_crossentropy cast
categorical_crossentropy clip concatenate constant conv1d cos count_params ctc_batch_cost ctc_decode dot dropout
dtype elu epsilon equal exp expand_dims eye flatten floatx function gather get_value gradients greater
greater_equal hard_sigmoid image_data_format int_shape is_keras_tensor l2_normalize less less_equal log
max maximum mean min minimum not_equal ones ones_like permute_dimensions placeholder pow prod random_normal
random_uniform relu repeat repeat_elements reshape round set_value shape sigmoid sign sin softmax softplus
sparse_categorical_crossentropy sqrt square squeeze stack std sum switch tanh tile transpose variable
zeros zeros_like""".split())
#: Gone from tf.keras 2.x's keras.backend (TensorFlow 1 sessions, Keras 1 dim ordering).
REMOVED_IN_TF_KERAS = {"tf": "import tensorflow as tf and use it directly",
                       "set_image_dim_ordering": "use K.set_image_data_format('channels_first'/'channels_last')",
                       "image_dim_ordering": "use K.image_data_format()",
                       "get_session": "TensorFlow 2 runs eagerly: remove session handling",
                       "set_session": "TensorFlow 2 runs eagerly: remove session handling (GPU memory: "
                                      "tf.config.experimental.set_memory_growth)"}
_cache = []


def legacy_names():
    """``compat_attention.legacy.backend.__all__``, read from its source without importing Keras.

    Returns:
        A frozenset of names; a built-in fallback list while the module is missing.
    """
    if not _cache:
        path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            "legacy", "backend.py")
        names = None
        try:
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            for node in tree.body:
                if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
                    names = frozenset(ast.literal_eval(node.value))
        except (OSError, SyntaxError, ValueError):
            names = None
        if names is None:
            try:
                import importlib
                names = frozenset(importlib.import_module(LEGACY + ".backend").__all__)
            except Exception:  # noqa: BLE001 - any failure means: use the fallback list
                names = FALLBACK
        _cache.append(names)
    return _cache[0]


def _backend_module(full):
    """Whether a dotted name is Keras' backend module itself."""
    return is_keras(full) and keras_relative(full) == "backend"


@rule("keras_backend",
      "Keras 3's keras.backend dropped most Keras 2.0 functions (K.mean, K.equal, K.argmax, K.ctc_batch_cost ...); "
      "compat_attention.legacy.backend provides them with Keras 2.0's dtype behaviour.")
class KerasBackend(RuleTransformer):
    """``from keras import backend as K`` -> ``from compat_attention.legacy import backend as K`` (Keras 3)."""

    def visit_Module(self, node):
        self.available = legacy_names() if self.target == "keras3" else None
        return True

    def _check(self, node, name):
        if self.target == "keras3":
            if name not in self.available:
                self.report(node, "K.%s" % name, "Keras 3's backend has no %s and compat_attention.legacy.backend "
                            "does not provide it" % name,
                            REMOVED_IN_TF_KERAS.get(name, "use keras.ops (or the TensorFlow function) instead"))
        elif name in REMOVED_IN_TF_KERAS:
            self.report(node, "K.%s" % name, "tf.keras 2.x's backend has no %s" % name, REMOVED_IN_TF_KERAS[name])

    def leave_Attribute(self, original, updated):
        owner = self.bind.resolve(original.value)
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
