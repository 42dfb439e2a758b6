"""Other idioms of 2017 programs that break today: NumPy 2 names, ``xrange``, ``tf.Print``, Keras 1 leftovers.

Each is rewritten where the rewrite computes the same (``np.product`` -> ``np.prod``, ``xrange``
-> ``range``, ``K.set_image_dim_ordering('th')`` -> ``K.set_image_data_format('channels_first')``,
``fit(show_accuracy=True)`` dropped, ``tf.Print`` -> ``tf.compat.v1.Print``), else reported with
its line and the fix (``keras.legacy.interfaces``, Keras 1 custom-layer methods).
"""

import libcst as cst

from .. import spec
from .base import Rule, drop_kwargs, expr, is_keras, keras_relative, literal, method_name, module_name


class NumpyRemovedNames(Rule):
    """``np.product(s)`` -> ``np.prod(s)``, ``np.float(x)`` -> ``float(x)`` (NumPy 1.24/2.0 removed them)."""

    name = "numpy_removed_names"
    fact = ("NumPy 1.24 removed np.float/np.int/np.bool/np.object/np.str and NumPy 2.0 np.product, np.cumproduct, "
            "np.sometrue, np.alltrue, np.float_, np.NaN, np.asscalar, ... (AttributeError).")
    triggers = tuple(spec.NUMPY_REMOVED)

    def leave_Attribute(self, original, updated):
        name = original.attr.value
        if name not in spec.NUMPY_REMOVED or self.names.resolve(original) != "numpy." + name:
            return updated
        now = spec.NUMPY_REMOVED[name]
        if now is None:
            self.report(original, "np.%s" % name, "NumPy 2 removed np.%s" % name, "use a.item()")
            return updated
        if now.lstrip("-").startswith("np."):
            now = now.replace("np.", dotted_head(original.value) + ".", 1)
        return expr(now)


def dotted_head(node):
    """The source of the module expression ``np`` (or ``numpy``) of ``np.product``."""
    return cst.Module([]).code_for_node(node)


class Python2Names(Rule):
    """``xrange(n)`` -> ``range(n)`` in a file that parses as Python 3 (and defines no ``xrange``)."""

    name = "python2_names"
    fact = "xrange was Python 2's lazy range; Python 3 has only range (NameError: name 'xrange' is not defined)."
    triggers = ("xrange",)

    def leave_Name(self, original, updated):
        if original.value != "xrange" or self.names.bound_to("xrange") or self._assigned():
            return updated
        return updated.with_changes(value="range")

    def _assigned(self):
        return "xrange =" in self.tree.code or "def xrange" in self.tree.code


class KerasOneLeftovers(Rule):
    """``fit(show_accuracy=True)`` dropped; ``K.set_image_dim_ordering('th')`` -> ``K.set_image_data_format('channels_first')``.

    ``tf.Print`` (TensorFlow 1) -> ``tf.compat.v1.Print``. Reported: ``keras.legacy.interfaces``
    (gone in Keras 2.2), and Keras 1 custom-layer methods that Keras 2 never calls.
    """

    name = "keras1_leftovers"
    fact = ("Keras 1's fit(show_accuracy=) and K.set_image_dim_ordering('th'/'tf'), TensorFlow 1's tf.Print (kept "
            "as tf.compat.v1.Print) and Keras 2.0's keras.legacy.interfaces are gone; a custom layer's get_output_shape_for and build(self) "
            "are never called (Keras 2 calls compute_output_shape and build(input_shape)).")
    triggers = spec.KERAS1_TRAINING_LOG_ARGS + ("set_image_dim_ordering", "Print", "interfaces") + \
        tuple(spec.KERAS1_LAYER_METHODS) + ("build",)

    def leave_Call(self, original, updated):
        if method_name(original) in spec.KERAS1_LOG_ARG_METHODS:
            return drop_kwargs(updated, spec.KERAS1_TRAINING_LOG_ARGS)
        full = self.names.resolve(original.func) or ""
        if full.endswith("set_image_dim_ordering") and self._backend(full):
            value = literal(original.args[0].value) if len(original.args) == 1 else None
            if value in spec.DIM_ORDERINGS and isinstance(updated.func, cst.Attribute):
                return updated.with_changes(
                    func=updated.func.with_changes(attr=cst.Name("set_image_data_format")),
                    args=[updated.args[0].with_changes(value=cst.SimpleString(repr(spec.DIM_ORDERINGS[value])))])
            self.report(original, "K.set_image_dim_ordering(...)", "tf.keras 2.x's and Keras 3's backend have no "
                        "set_image_dim_ordering", spec.BACKEND_REMOVED_IN_TF_KERAS["set_image_dim_ordering"])
        return updated

    def leave_Attribute(self, original, updated):
        """``tf.Print`` -> ``tf.compat.v1.Print`` (TensorFlow 2 kept it there, same arguments and result)."""
        if original.attr.value != "Print" or self.names.resolve(original) != "tensorflow.Print":
            return updated
        return cst.Attribute(value=expr("%s.compat.v1" % cst.Module([]).code_for_node(updated.value)),
                             attr=cst.Name("Print"))

    @staticmethod
    def _backend(full):
        owner = full.rsplit(".", 1)[0]
        return (is_keras(owner) and keras_relative(owner) == "backend") or owner == spec.LEGACY_PACKAGE + ".backend"

    def visit_ImportFrom(self, node):
        mod = module_name(node)
        if is_keras(mod) and keras_relative(mod) in ("legacy", "legacy.interfaces"):
            self.report(node, "from %s import ..." % mod, "Keras 2.2 removed keras.legacy (Keras 1 argument "
                        "converters)", "remove the import and the @interfaces.* decorators (Keras 2 names throughout)")

    def visit_ClassDef(self, node):
        bases = [self.names.keras_symbol(base.value) for base in node.bases]
        if not any(base in spec.LAYER_BASES for base in bases):
            return
        for statement in node.body.body:
            if not isinstance(statement, cst.FunctionDef):
                continue
            method = statement.name.value
            if method in spec.KERAS1_LAYER_METHODS:
                self.report(statement, "%s.%s" % (node.name.value, method), "Keras 2 never calls %s (Keras 1's "
                            "name)" % method, "rename it %s" % spec.KERAS1_LAYER_METHODS[method])
            elif method == "build" and len(statement.params.params) < 2 and statement.params.star_arg is \
                    cst.MaybeSentinel.DEFAULT:
                self.report(statement, "%s.build(self)" % node.name.value, "Keras 2 calls build(input_shape)",
                            "def build(self, input_shape): ... and call super().build(input_shape) at its end")
