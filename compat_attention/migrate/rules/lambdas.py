"""``Lambda(lambda x: K.mean(x, axis=1))``: a Lambda that Keras 3 cannot save safely.

The mean/sum over an axis was the common attention-pooling step; Keras 3 stores a Lambda
as Python bytecode (refused by ``load_model`` unless ``safe_mode=False``) and infers its
shape by tracing. compat_attention's ``AxisMean``/``AxisSum`` compute the same, mask-aware
and saveable.
"""

import libcst as cst

from .. import spec
from .base import Rule, kwarg, literal, positionals


class LambdaAxisReduction(Rule):
    """``Lambda(lambda x: K.mean(x, axis=1), name='avg')`` -> ``AxisMean(axis=1, name='avg')``."""

    name = "lambda_axis_reduction"
    fact = ("Lambda(lambda x: K.mean(x, axis=a)) / K.sum: a Keras 3 Lambda is stored as bytecode and not reloaded "
            "by default; compat_attention.AxisMean/AxisSum compute the same and save.")
    triggers = ("Lambda",)

    def _backend_like(self, expr, where):
        full = self.names.resolve(expr, where=where) or ""
        return full.endswith("backend") or full == "keras.ops"

    def leave_Call(self, original, updated):
        if self.callee_symbol(original) != "Lambda":
            return updated
        pos = positionals(updated)
        fn = pos[0].value if len(pos) == 1 else (kwarg(updated, "function").value if kwarg(updated, "function") else None)
        others = [a for a in updated.args if a.keyword is not None and a.keyword.value != "function"]
        if not isinstance(fn, cst.Lambda) or any(a.keyword.value not in ("name", "output_shape") for a in others):
            return updated
        params = fn.params.params
        body = fn.body
        if len(params) != 1 or fn.params.star_arg is not cst.MaybeSentinel.DEFAULT or not isinstance(body, cst.Call):
            return updated
        if not isinstance(body.func, cst.Attribute) or body.func.attr.value not in spec.AXIS_REDUCTIONS \
                or not self._backend_like(_reduction_owner(original) or body.func.value, where=original):
            return updated
        bpos = positionals(body)
        if not bpos or not isinstance(bpos[0].value, cst.Name) or bpos[0].value.value != params[0].name.value:
            return updated
        axis = kwarg(body, "axis") or (bpos[1] if len(bpos) > 1 else None)
        keepdims = kwarg(body, "keepdims") or (bpos[2] if len(bpos) > 2 else None)
        if axis is None or not isinstance(literal(axis.value), int) or len(body.args) > 3:
            return updated
        if keepdims is not None and literal(keepdims.value) not in (True, False):
            return updated
        if any(a.keyword is not None and a.keyword.value not in ("axis", "keepdims") for a in body.args):
            return updated
        layer = spec.AXIS_REDUCTIONS[body.func.attr.value]
        self.need_import("compat_attention", layer)
        args = [cst.Arg(keyword=cst.Name("axis"), value=axis.value, equal=_eq())]
        if keepdims is not None and literal(keepdims.value) is True:
            args.append(cst.Arg(keyword=cst.Name("keepdims"), value=cst.Name("True"), equal=_eq()))
        args += [a for a in others if a.keyword.value == "name"]
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return cst.Call(func=cst.Name(layer), args=args)


def _reduction_owner(call):
    """``K`` of ``Lambda(lambda x: K.mean(...))`` as the program wrote it (keras_backend, in the same
    pass, may rename ``keras.backend`` in the rewritten call)."""
    pos = positionals(call)
    fn = pos[0].value if len(pos) == 1 else (kwarg(call, "function").value if kwarg(call, "function") else None)
    if isinstance(fn, cst.Lambda) and isinstance(fn.body, cst.Call) and isinstance(fn.body.func, cst.Attribute):
        return fn.body.func.value
    return None


def _eq():
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
