"""Keras 2.0.8 layers that modern Keras dropped or changed, as Keras 2.0.8 computed them.

The legacy loader (``compat_attention/io/keras2_0_wrappers.py``) substitutes them by name:

* ``LegacyLSTM``, ``LegacyGRU``, ``LegacySimpleRNN``: the modern layers, except that masked
  steps always repeat the last output (``zero_output_for_mask`` stays False even inside a
  ``Bidirectional``, which forces it to True on modern Keras), and, with ``ignore_mask=True``,
  that they ignore the mask (what Keras 2.0.8's ``TimeDistributed`` gave the layer it wrapped).
* ``LegacyThresholdedReLU``: ``x`` where ``x > theta``, else 0 (Keras 3 removed the layer).
* ``LegacyLocallyConnected1D`` / ``LegacyLocallyConnected2D``: unshared-weight convolutions,
  with Keras 2.0.8's weight layout (Keras 3 removed them).
"""

from .._keras.flavour import CAN_UNROLL_MASKED_BACKWARDS, keras, register_serializable
from .._keras.internals import resolve_weight_settings
from .._keras.ops import ops

__all__ = ["LegacyGRU", "LegacyLSTM", "LegacySimpleRNN", "LegacyThresholdedReLU",
           "LegacyLocallyConnected1D", "LegacyLocallyConnected2D"]


def _legacy_recurrent(base):
    class Legacy(base):
        def __init__(self, *args, ignore_mask=False, **kwargs):
            kwargs.pop("zero_output_for_mask", None)
            if not CAN_UNROLL_MASKED_BACKWARDS:
                kwargs["unroll"] = False  # the same numbers, through the symbolic loop
            super().__init__(*args, **kwargs)
            self.ignore_mask = bool(ignore_mask)

        # Keras 2.0.8 repeated the last output at masked steps in every direction; modern
        # Bidirectional sets this to True on the layers it wraps: such writes are ignored.
        @property
        def zero_output_for_mask(self):
            return False

        @zero_output_for_mask.setter
        def zero_output_for_mask(self, value):
            pass

        def call(self, inputs, mask=None, training=None, initial_state=None):
            return super().call(inputs, mask=None if self.ignore_mask else mask, training=training,
                                initial_state=initial_state)

        def compute_mask(self, inputs, mask=None):
            return super().compute_mask(inputs, None if self.ignore_mask else mask)

        def get_config(self):
            config = super().get_config()
            config["ignore_mask"] = self.ignore_mask
            return config

    Legacy.__name__ = Legacy.__qualname__ = "Legacy" + base.__name__
    Legacy.__doc__ = ("Keras 2.0.8's ``%s``: masked steps repeat the last output, in either direction "
                      "and inside a ``Bidirectional``; ``ignore_mask=True`` ignores the mask." % base.__name__)
    return register_serializable(name=Legacy.__name__)(Legacy)


LegacyLSTM = _legacy_recurrent(keras.layers.LSTM)
LegacyGRU = _legacy_recurrent(keras.layers.GRU)
LegacySimpleRNN = _legacy_recurrent(keras.layers.SimpleRNN)

# A Keras 2 Bidirectional (tf.keras, tf_keras) writes the layer it wraps into an .h5 under its
# bare class name, which deserialization then looks up unprefixed: register that spelling too.
keras.utils.get_custom_objects().update({cls.__name__: cls for cls in (LegacyLSTM, LegacyGRU, LegacySimpleRNN)})


@register_serializable(name="LegacyThresholdedReLU")
class LegacyThresholdedReLU(keras.layers.Layer):
    """Keras 2.0.8's ``ThresholdedReLU``: ``x`` where ``x > theta``, else 0.

    Args:
        theta: the threshold (default 1.0, as in Keras 2.0.8).
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.theta = float(theta)

    def call(self, inputs):
        return inputs * ops.cast(inputs > self.theta, ops.dtype_of(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["theta"] = self.theta
        return config


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
