"""Keras 1 layer names and arguments, which Keras 2.0 still accepted with a warning.

Keras 2.0's legacy interface converted ``output_dim=``, ``init=``, ``W_regularizer=``,
``border_mode=``, ``Convolution1D(nb_filter, filter_length)`` ... at run time; tf.keras and
Keras 3 reject them. The same conversions are made here, in the source.
"""

import libcst as cst

from .registry import rule
from .base import (RuleTransformer, callee_symbol, expr, kwarg, literal, make_kwarg, positionals,
                   rename_kwargs, drop_kwargs, set_args)

CLASS_RENAMES = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "AtrousConvolution1D": "Conv1D", "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose", "SeparableConvolution2D": "SeparableConv2D",
    "CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU",
}
REMOVED_CLASSES = {
    "TimeDistributedDense": "use TimeDistributed(Dense(...))",
    "Highway": "write it as a custom layer (two Dense layers and a gate)",
    "MaxoutDense": "use Dense(units * k) followed by a max over k groups",
}

_WEIGHTS = {"init": "kernel_initializer", "W_regularizer": "kernel_regularizer", "b_regularizer": "bias_regularizer",
            "W_constraint": "kernel_constraint", "b_constraint": "bias_constraint", "bias": "use_bias"}
_RNN = dict(_WEIGHTS, output_dim="units", inner_init="recurrent_initializer", U_regularizer="recurrent_regularizer",
            U_constraint="recurrent_constraint", inner_activation="recurrent_activation", dropout_W="dropout",
            dropout_U="recurrent_dropout")
_CONV = dict(_WEIGHTS, nb_filter="filters", filter_length="kernel_size", subsample_length="strides",
             subsample="strides", border_mode="padding", atrous_rate="dilation_rate", dim_ordering="data_format")
_POOL = {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding", "dim_ordering": "data_format"}
RNN_CLASSES = ("LSTM", "GRU", "SimpleRNN")
KWARGS = {
    "Dense": dict(_WEIGHTS, output_dim="units"),
    "Embedding": {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                  "W_constraint": "embeddings_constraint"},
    "BatchNormalization": {"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"},
    "Dropout": {"p": "rate"}, "SpatialDropout1D": {"p": "rate"}, "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"}, "GaussianDropout": {"p": "rate"}, "GaussianNoise": {"sigma": "stddev"},
    "UpSampling1D": {"length": "size"}, "PReLU": {"init": "alpha_initializer"},
    "GlobalMaxPooling2D": {"dim_ordering": "data_format"}, "GlobalAveragePooling2D": {"dim_ordering": "data_format"},
}
KWARGS.update({c: _RNN for c in RNN_CLASSES})
KWARGS.update({c: _CONV for c in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv2D")})
KWARGS.update({c: _POOL for c in ("MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D",
                                  "MaxPooling3D", "AveragePooling3D")})
DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}


@rule("keras1_layer_names",
      "Keras 1 layer names and arguments (Convolution1D, output_dim=, init=, W_regularizer=, border_mode=, "
      "nb_filter=, pool_length=, dropout_W=, inner_init= ...) were converted by Keras 2.0 at run time; "
      "modern Keras rejects them.")
class Keras1LayerNames(RuleTransformer):
    """Rename Keras 1 layer classes and constructor arguments to their Keras 2 names."""

    def leave_Call(self, original, updated):
        old = callee_symbol(self.bind, original)
        if old is None:
            return updated
        if old in REMOVED_CLASSES:
            self.report(original, "%s(...)" % old, "Keras 2 removed %s" % old, REMOVED_CLASSES[old])
            return updated
        name = CLASS_RENAMES.get(old, old)
        if name not in KWARGS:
            return updated
        call = updated
        if name == "Conv2D":
            call = self._conv2d_kernel(original, call, old)
        call = rename_kwargs(call, KWARGS[name])
        call = self._values(original, call, name)
        if name in RNN_CLASSES or name == "Conv1D":
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
            if key == "data_format" and value in DIM_ORDERING:
                arg = arg.with_changes(value=expr(repr(DIM_ORDERING[value])))
            elif key == "data_format" and value == "default":
                continue
            elif key == "forget_bias_init":
                if value in ("one", "zero"):
                    arg = make_kwarg("unit_forget_bias", expr(str(value == "one"))).with_changes(comma=arg.comma)
                else:
                    self.report(original, "forget_bias_init=", "only 'one' and 'zero' map to unit_forget_bias",
                                "initialize the forget-gate bias in a custom bias_initializer")
            elif key == "consume_less":
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
        if original.value in CLASS_RENAMES and self.bind.keras_symbol(original) == original.value:
            return updated.with_changes(value=CLASS_RENAMES[original.value])
        return updated

    def leave_ImportAlias(self, original, updated):
        name = original.name
        if isinstance(name, cst.Name) and name.value in CLASS_RENAMES:
            return updated.with_changes(name=cst.Name(CLASS_RENAMES[name.value]))
        return updated

    def leave_ImportFrom(self, original, updated):
        from .base import module_name, is_keras
        if not is_keras(module_name(original)):
            return original
        return updated

    def leave_Attribute(self, original, updated):
        if original.attr.value in CLASS_RENAMES and self.bind.keras_symbol(original) == original.attr.value:
            return updated.with_changes(attr=cst.Name(CLASS_RENAMES[original.attr.value]))
        return updated
