"""Keras 2.0.8's locally connected layers, which Keras 3 removed, with Keras 2.0.8's weight layout.

``LegacyLocallyConnected1D`` / ``LegacyLocallyConnected2D``: unshared-weight convolutions
(``padding='valid'``), found by the loader (``io/sources/``) under the class names ``LocallyConnected1D`` and
``LocallyConnected2D``.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.internals import resolve_weight_settings
from .._keras.ops import ops

__all__ = ["LegacyLocallyConnected1D", "LegacyLocallyConnected2D"]


def _pair(value, n):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * n


class _LocallyConnected(keras.layers.Layer):
    """Base of the locally connected layers: settings, weights and config (``padding='valid'`` only)."""

    rank = None

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if str(padding).lower() != "valid":
            raise ValueError("%s supports padding='valid' only, as Keras 2.0.8 did" % type(self).__name__)
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, self.rank)
        self.strides = _pair(strides, self.rank)
        self.padding = "valid"
        self.data_format = data_format or "channels_last"
        self.activation = keras.activations.get(activation)
        self.use_bias = bool(use_bias)
        resolve_weight_settings(self, kernel_initializer=kernel_initializer,
                                bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                                bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                                bias_constraint=bias_constraint)

    def _out(self, size, axis):
        return (int(size) - self.kernel_size[axis]) // self.strides[axis] + 1

    def _add(self, name, shape, kind):
        return self.add_weight(name=name, shape=shape, initializer=getattr(self, kind + "_initializer"),
                               regularizer=getattr(self, kind + "_regularizer"),
                               constraint=getattr(self, kind + "_constraint"))

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format,
            "activation": keras.activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer)
            if self.kernel_regularizer else None,
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer) if self.bias_regularizer else None,
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint) if self.kernel_constraint else None,
            "bias_constraint": keras.constraints.serialize(self.bias_constraint) if self.bias_constraint else None,
        })
        return config


@register_serializable(name="LegacyLocallyConnected1D")
class LegacyLocallyConnected1D(_LocallyConnected):
    """Keras 2.0.8's ``LocallyConnected1D``: a 1D convolution whose weights differ at each output step.

    Weights as Keras 2.0.8 stored them: ``kernel`` (output_length, kernel_size * input_dim, filters),
    each patch flattened step-major; ``bias`` (output_length, filters).
    """

    rank = 1

    def build(self, input_shape):
        self.input_dim = int(input_shape[-1])
        self.output_length = self._out(input_shape[1], 0)
        self.kernel = self._add("kernel", (self.output_length, self.kernel_size[0] * self.input_dim, self.filters),
                                "kernel")
        self.bias = self._add("bias", (self.output_length, self.filters), "bias") if self.use_bias else None
        self.built = True

    def call(self, inputs):
        k, s = self.kernel_size[0], self.strides[0]
        patches = ops.stack([ops.reshape(inputs[:, i * s:i * s + k, :], (-1, k * self.input_dim))
                             for i in range(self.output_length)], axis=1)          # (B, L, k*C)
        out = ops.einsum("blk,lkf->blf", patches, self.kernel)
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self._out(input_shape[1], 0), self.filters)


@register_serializable(name="LegacyLocallyConnected2D")
class LegacyLocallyConnected2D(_LocallyConnected):
    """Keras 2.0.8's ``LocallyConnected2D``: a 2D convolution whose weights differ at each output position.

    Weights as Keras 2.0.8 stored them: ``kernel`` (rows * cols, kh * kw * channels, filters), each
    patch flattened in input order ((kh, kw, C) for channels_last, (C, kh, kw) for channels_first);
    ``bias`` (rows, cols, filters), added (as 2.0.8 did) as a plain reshape to the output's layout.
    """

    rank = 2

    def build(self, input_shape):
        last = self.data_format == "channels_last"
        rows, cols = (input_shape[1], input_shape[2]) if last else (input_shape[2], input_shape[3])
        self.channels = int(input_shape[-1] if last else input_shape[1])
        self.output_row, self.output_col = self._out(rows, 0), self._out(cols, 1)
        feature = self.kernel_size[0] * self.kernel_size[1] * self.channels
        self.kernel = self._add("kernel", (self.output_row * self.output_col, feature, self.filters), "kernel")
        self.bias = (self._add("bias", (self.output_row, self.output_col, self.filters), "bias")
                     if self.use_bias else None)
        self.built = True

    def call(self, inputs):
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        feature = kh * kw * self.channels
        last = self.data_format == "channels_last"
        patches = []
        for i in range(self.output_row):
            for j in range(self.output_col):
                rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                patch = inputs[:, rows, cols, :] if last else inputs[:, :, rows, cols]
                patches.append(ops.reshape(patch, (-1, feature)))
        out = ops.einsum("bpk,pkf->bpf", ops.stack(patches, axis=1), self.kernel)   # (B, R*C, F)
        if last:
            out = ops.reshape(out, (-1, self.output_row, self.output_col, self.filters))
            if self.use_bias:
                out = out + self.bias
        else:
            out = ops.transpose(ops.reshape(out, (-1, self.output_row, self.output_col, self.filters)), (0, 3, 1, 2))
            if self.use_bias:
                out = out + ops.reshape(self.bias, (self.filters, self.output_row, self.output_col))
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        last = self.data_format == "channels_last"
        rows, cols = (input_shape[1], input_shape[2]) if last else (input_shape[2], input_shape[3])
        r, c = self._out(rows, 0), self._out(cols, 1)
        return (input_shape[0], r, c, self.filters) if last else (input_shape[0], self.filters, r, c)
