"""Keras 1's ``merge(inputs, mode=...)`` function, removed in Keras 2.2.

Each string mode has a Keras 2 function of its own: ``concat`` -> ``concatenate(axis=)``,
``sum`` (the default) -> ``add``, ``mul`` -> ``multiply``, ``ave`` -> ``average``, ``max`` ->
``maximum``, ``dot`` -> ``dot(axes=)``, ``cos`` -> ``dot(axes=, normalize=True)``.
"""

import libcst as cst

from .. import spec
from .base import Rule, expr, has_star, kwarg, literal, make_kwarg, set_args, to_keywords


class MergeFunction(Rule):
    """``merge([a, b], mode='concat', concat_axis=-1)`` -> ``concatenate([a, b], axis=-1)``."""

    name = "merge_function"
    fact = "Keras 1's merge(inputs, mode=...) was removed in Keras 2.2; each mode is now its own function."
    triggers = ("merge", "Merge")

    def visit_Module(self, node):
        self.used = []  # functions the rewritten calls need
        return True

    def leave_Call(self, original, updated):
        symbol = self.callee_symbol(original)
        if symbol == "Merge":
            self.report(original, "Merge([...], mode=...)", "Keras 2.2 removed the Merge layer, which merged "
                        "whole Sequential models", "build the model with the functional API and use "
                        "concatenate/add/multiply/... on the branches' outputs")
            return updated
        if symbol != "merge":
            return updated
        call = to_keywords(updated, spec.MERGE_SIGNATURE, keep=1) if not has_star(updated) else None
        new = self._convert(original, call) if call is not None else None
        if new is None:
            return updated
        if isinstance(original.func, cst.Name):
            self._drop_import(original.func)
        return new

    def _drop_import(self, name):
        """Ask for the ``merge`` import to go once no call reads it (LibCST's RemoveImportsVisitor)."""
        full = self.names.resolve(name)
        module, _, imported = full.rpartition(".")
        self.drop_import_if_unused(module, imported, name.value if name.value != imported else None)

    def _convert(self, original, call):
        mode_arg = kwarg(call, "mode")
        mode = literal(mode_arg.value) if mode_arg is not None else "sum"
        if mode not in spec.MERGE_MODES:
            self.report(original, "merge(mode=%s)" % ("..." if mode_arg is None else cst.Module([]).code_for_node(mode_arg.value)),
                        "a callable or computed merge mode has no Keras 2 function",
                        "write the merge as a Lambda over the list of inputs, or a custom layer")
            return None
        bad = [k for k in spec.MERGE_UNSUPPORTED if kwarg(call, k) is not None]
        if bad:
            self.report(original, "merge(%s=...)" % bad[0], "Keras 2 merge functions take no %s" % bad[0],
                        "remove it (shapes are inferred), or write a custom layer")
            return None
        function = spec.MERGE_MODES[mode]
        args = []
        for arg in call.args:
            key = arg.keyword.value if arg.keyword is not None else None
            if key in ("mode", "concat_axis", "dot_axes"):
                if key == "concat_axis" and mode == "concat":
                    args.append(arg.with_changes(keyword=cst.Name("axis")))
                elif key == "dot_axes" and mode in ("dot", "cos"):
                    args.append(arg.with_changes(keyword=cst.Name("axes")))
                continue
            args.append(arg)
        if mode in ("dot", "cos") and kwarg(call, "dot_axes") is None:
            args.append(make_kwarg("axes", expr("-1")))
        if mode == "cos":
            args.append(make_kwarg("normalize", expr("True")))
        call = set_args(call, args)
        if isinstance(call.func, cst.Attribute):
            return call.with_changes(func=call.func.with_changes(attr=cst.Name(function)))
        self.used.append(function)
        return call.with_changes(func=cst.Name(function))

    def leave_Module(self, original, updated):
        for function in dict.fromkeys(self.used):
            self.need_import("keras.layers", function)
        return updated
