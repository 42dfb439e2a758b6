"""Keras 1 layer names and arguments, which Keras 2.0 still accepted with a warning.

Keras 2.0's legacy interface converted ``output_dim=``, ``init=``, ``W_regularizer=``,
``border_mode=``, ``Convolution1D(nb_filter, filter_length)`` ... at run time; tf.keras and
Keras 3 reject them. The same conversions are made here, in the source.
"""

import libcst as cst

from .. import spec
from .base import (Rule, drop_kwargs, expr, is_keras, kwarg, literal, make_kwarg, module_name, positionals,
                   rename_kwargs, set_args)


class Keras1LayerNames(Rule):
    """Rename Keras 1 layer classes and constructor arguments to their Keras 2 names."""

    name = "keras1_layer_names"
    fact = ("Keras 1 layer names and arguments (Convolution1D, output_dim=, init=, W_regularizer=, border_mode=, "
            "nb_filter=, pool_length=, dropout_W=, inner_init= ...) were converted by Keras 2.0 at run time; "
            "modern Keras rejects them.")
    #: It acts on calls of these classes (and renames the old class names wherever they appear).
    triggers = tuple(spec.KERAS1_KWARGS) + tuple(spec.KERAS1_CLASS_RENAMES) + tuple(spec.KERAS1_REMOVED_CLASSES)

    def leave_Call(self, original, updated):
        old = self.callee_symbol(original)
        if old is None:
            return updated
        if old in spec.KERAS1_REMOVED_CLASSES:
            self.report(original, "%s(...)" % old, "Keras 2 removed %s" % old, spec.KERAS1_REMOVED_CLASSES[old])
            return updated
        name = spec.KERAS1_CLASS_RENAMES.get(old, old)
        if name not in spec.KERAS1_KWARGS:
            return updated
        call = updated
        if name == "Conv2D":
            call = self._conv2d_kernel(original, call, old)
        call = rename_kwargs(call, spec.KERAS1_KWARGS[name])
        call = self._values(original, call, name)
        if name in spec.RECURRENT_CLASSES or name == "Conv1D":
            call = self._input_dim(call)
        if old.startswith("Atrous") and kwarg(call, "dilation_rate") is None:
            self.report(original, old, "Keras 1 AtrousConvolution defaulted to atrous_rate=1",
                        "nothing to do unless you relied on another default")
        return call

    def _conv2d_kernel(self, original, call, old):
        pos = positionals(call)
        rows, cols = kwarg(call, "nb_row"), kwarg(call, "nb_col")
        if rows is not None and cols is not None:
            kernel = cst.Tuple([cst.Element(rows.value), cst.Element(cols.value)])
            call = drop_kwargs(call, {"nb_col"})
            return call.with_changes(args=[make_kwarg("kernel_size", kernel).with_changes(comma=a.comma)
                                           if a.keyword is not None and a.keyword.value == "nb_row" else a
                                           for a in call.args])
        if len(pos) >= 3 and isinstance(literal(pos[2].value), int) and not isinstance(literal(pos[1].value), tuple):
            kernel = cst.Tuple([cst.Element(pos[1].value), cst.Element(pos[2].value)])
            args = [call.args[0], pos[1].with_changes(value=kernel)] + list(call.args[3:])
            return set_args(call, args)
        return call

    def _values(self, original, call, name):
        args = []
        for arg in call.args:
            key = arg.keyword.value if arg.keyword is not None else None
            value = literal(arg.value)
            if key == "data_format" and value in spec.DIM_ORDERING:
                arg = arg.with_changes(value=expr(repr(spec.DIM_ORDERING[value])))
            elif key == "data_format" and value == "default":
                continue
            elif key == "forget_bias_init":
                if value in spec.FORGET_BIAS_INIT:
                    arg = make_kwarg("unit_forget_bias", expr(str(spec.FORGET_BIAS_INIT[value]))).with_changes(
                        comma=arg.comma)
                else:
                    self.report(original, "forget_bias_init=", "only 'one' and 'zero' map to unit_forget_bias",
                                "initialize the forget-gate bias in a custom bias_initializer")
            elif key in spec.IMPLEMENTATION_ONLY_KWARGS:
                continue
            elif key == "mode" and name == "BatchNormalization":
                if value == 0:
                    continue
                self.report(original, "BatchNormalization(mode=...)", "Keras 2 kept only mode=0 (feature-wise)",
                            "remove mode=; for mode=2 (per-batch statistics) write a custom layer")
            elif key == "dropout" and name == "Embedding":
                self.report(original, "Embedding(dropout=...)", "Keras 2 removed Embedding's word dropout",
                            "add SpatialDropout1D(rate) after the Embedding (drops whole embedding channels; "
                            "close but not identical)")
            args.append(arg)
        return set_args(call, args) if len(args) != len(call.args) or args != list(call.args) else call

    def _input_dim(self, call):
        dim, length = kwarg(call, "input_dim"), kwarg(call, "input_length")
        if dim is None or kwarg(call, "input_shape") is not None:
            return call
        steps = length.value if length is not None else cst.Name("None")
        shape = cst.Tuple([cst.Element(steps), cst.Element(dim.value)])
        call = drop_kwargs(call, {"input_length"})
        return call.with_changes(args=[make_kwarg("input_shape", shape).with_changes(comma=a.comma)
                                       if a.keyword is not None and a.keyword.value == "input_dim" else a
                                       for a in call.args])

    def leave_Name(self, original, updated):
        renames = spec.KERAS1_CLASS_RENAMES
        if original.value in renames and self.names.keras_symbol(original) == original.value:
            return updated.with_changes(value=renames[original.value])
        return updated

    def leave_ImportAlias(self, original, updated):
        name = original.name
        if isinstance(name, cst.Name) and name.value in spec.KERAS1_CLASS_RENAMES:
            return updated.with_changes(name=cst.Name(spec.KERAS1_CLASS_RENAMES[name.value]))
        return updated

    def leave_ImportFrom(self, original, updated):
        if not is_keras(module_name(original)):
            return original  # another library's import: its names are not Keras 1's
        return updated

    def leave_Attribute(self, original, updated):
        renames = spec.KERAS1_CLASS_RENAMES
        if original.attr.value in renames and self.names.keras_symbol(original) == original.attr.value:
            return updated.with_changes(attr=cst.Name(renames[original.attr.value]))
        return updated
