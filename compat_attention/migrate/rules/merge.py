"""Keras 1's ``merge(inputs, mode=...)`` function, removed in Keras 2.2.

Each string mode has a Keras 2 function of its own: ``concat`` -> ``concatenate(axis=)``,
``sum`` (the default) -> ``add``, ``mul`` -> ``multiply``, ``ave`` -> ``average``, ``max`` ->
``maximum``, ``dot`` -> ``dot(axes=)``, ``cos`` -> ``dot(axes=, normalize=True)``.
"""

import libcst as cst

from .registry import rule
from .base import RuleTransformer, callee_symbol, expr, kwarg, literal, make_kwarg, to_keywords, has_star, set_args

MODES = {"concat": "concatenate", "sum": "add", "mul": "multiply", "ave": "average", "max": "maximum",
         "dot": "dot", "cos": "dot"}
SIGNATURE = ["inputs", "mode", "concat_axis", "dot_axes", "output_shape", "output_mask", "arguments",
             "node_indices", "tensor_indices", "name"]
UNSUPPORTED = ("output_shape", "output_mask", "arguments", "node_indices", "tensor_indices")


@rule("merge_function",
      "Keras 1's merge(inputs, mode=...) was removed in Keras 2.2; each mode is now its own function.")
class MergeFunction(RuleTransformer):
    """``merge([a, b], mode='concat', concat_axis=-1)`` -> ``concatenate([a, b], axis=-1)``."""

    def visit_Module(self, node):
        self.left = 0          # merge calls left as they were (reported)
        self.used = []         # functions the rewritten calls need
        return True

    def leave_Call(self, original, updated):
        symbol = callee_symbol(self.bind, original)
        if symbol == "Merge":
            self.report(original, "Merge([...], mode=...)", "Keras 2.2 removed the Merge layer, which merged "
                        "whole Sequential models", "build the model with the functional API and use "
                        "concatenate/add/multiply/... on the branches' outputs")
            return updated
        if symbol != "merge":
            return updated
        call = to_keywords(updated, SIGNATURE, keep=1) if not has_star(updated) else None
        new = self._convert(original, call) if call is not None else None
        if new is None:
            self.left += 1
            return updated
        return new

    def _convert(self, original, call):
        mode_arg = kwarg(call, "mode")
        mode = literal(mode_arg.value) if mode_arg is not None else "sum"
        if mode not in MODES:
            self.report(original, "merge(mode=%s)" % ("..." if mode_arg is None else cst.Module([]).code_for_node(mode_arg.value)),
                        "a callable or computed merge mode has no Keras 2 function",
                        "write the merge as a Lambda over the list of inputs, or a custom layer")
            return None
        bad = [k for k in UNSUPPORTED if kwarg(call, k) is not None]
        if bad:
            self.report(original, "merge(%s=...)" % bad[0], "Keras 2 merge functions take no %s" % bad[0],
                        "remove it (shapes are inferred), or write a custom layer")
            return None
        function = MODES[mode]
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
        if self.left or not self.used:
            return updated
        return updated.visit(_DropMergeImport(self.bind))


class _DropMergeImport(cst.CSTTransformer):
    """Remove ``merge`` from Keras imports once no call needs it."""

    def __init__(self, bind):
        super().__init__()
        self.bind = bind

    def leave_ImportFrom(self, original, updated):
        if isinstance(updated.names, cst.ImportStar):
            return updated
        names = [a for a in updated.names if not (
            a.name.value == "merge" and self.bind.keras_symbol(cst.Name(a.asname.name.value if a.asname else "merge")))]
        if len(names) == len(updated.names):
            return updated
        if not names:
            return cst.RemovalSentinel.REMOVE
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=names)
