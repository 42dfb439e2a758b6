"""Convolutions of Keras 2.2+ files that the running Keras computes alike but cannot run everywhere.

* ``LegacyConv1D``, ``LegacyMaxPooling1D``, ``LegacyAveragePooling1D``: ``data_format='channels_first'``
  as standalone Keras 2.2-2.3 computed it: the input transposed to channels last, the op, the
  output transposed back (TensorFlow has no CPU kernel for the NCW layout that the running Keras
  asks for; the numbers are the same either way).
* ``LegacyConv2DTranspose``: ``Conv2DTranspose(dilation_rate > 1)`` (Keras 2.2+) through its kernel
  dilated explicitly (zeros between the taps) and a plain transposed convolution: what the
  dilation means, computed without TensorFlow's dilated ``Conv2DBackpropInput``, which has no CPU
  kernel. Keras 2.2 on TensorFlow 1.x computed it with ``atrous_conv2d_transpose``: the same sums.
"""

from .._keras import keras_ops
from .._keras.flavour import keras, register_legacy_subclass, register_serializable

kops = keras_ops.ops


def _channels_last_inside(base):
    """``base`` (a 1D layer with ``data_format``) computing ``channels_first`` between two transposes."""

    class ChannelsFirst(base):
        def __init__(self, *args, data_format=None, **kwargs):
            super().__init__(*args, data_format="channels_last", **kwargs)
            self.stored_format = data_format or "channels_last"

        def _to_last(self, shape):
            shape = tuple(shape)
            return (shape[0], shape[2], shape[1]) if self.stored_format == "channels_first" else shape

        def build(self, input_shape):
            super().build(self._to_last(input_shape))
            self.input_spec = None  # the layer sees the transposed input; its own spec would reject the stored one

        def call(self, inputs):
            if self.stored_format != "channels_first":
                return super().call(inputs)
            object.__setattr__(self, "_inner_call", True)  # tf.keras' call asks compute_output_shape (channels last)
            try:
                return kops.transpose(super().call(kops.transpose(inputs, (0, 2, 1))), (0, 2, 1))
            finally:
                object.__setattr__(self, "_inner_call", False)

        def compute_output_shape(self, input_shape):
            if getattr(self, "_inner_call", False):
                return super().compute_output_shape(input_shape)
            return self._to_last(super().compute_output_shape(self._to_last(input_shape)))

        def get_config(self):
            config = super().get_config()
            config["data_format"] = self.stored_format
            return config

    return register_legacy_subclass(ChannelsFirst, base, "Keras 2.2+'s ``%s``, ``data_format='channels_first'`` "
                                    "computed channels last between two transposes, as standalone Keras did (see "
                                    "the module).")


LegacyConv1D = _channels_last_inside(keras.layers.Conv1D)
LegacyMaxPooling1D = _channels_last_inside(keras.layers.MaxPooling1D)
LegacyAveragePooling1D = _channels_last_inside(keras.layers.AveragePooling1D)

#: Per 1D class whose ``channels_first`` TensorFlow cannot run on a CPU, ours that runs it.
CHANNELS_FIRST_1D = {"Conv1D": LegacyConv1D, "MaxPooling1D": LegacyMaxPooling1D,
                     "AveragePooling1D": LegacyAveragePooling1D}


def dilated_kernel(kernel, rate, axis):
    """``kernel`` with ``rate - 1`` zeros between its taps along ``axis`` (0 or 1, a spatial axis).

    Example:

    >>> import numpy as np
    >>> [float(v) for v in np.asarray(dilated_kernel(np.array([[1.0], [2.0]], "float32"), 3, 0))[:, 0]]
    [1.0, 0.0, 0.0, 2.0]
    """
    if rate == 1:
        return kernel
    taps = kernel.shape[axis]
    moved = kops.transpose(kernel, (1, 0, 2, 3)) if axis == 1 else kernel       # taps first
    rest = tuple(moved.shape[1:])
    spread = kops.concatenate([kops.expand_dims(moved, 1), kops.zeros((taps, rate - 1) + rest, moved.dtype)], axis=1)
    spread = kops.reshape(spread, (taps * rate,) + rest)[:(taps - 1) * rate + 1]
    return kops.transpose(spread, (1, 0, 2, 3)) if axis == 1 else spread


@register_serializable(name="LegacyConv2DTranspose")
class LegacyConv2DTranspose(keras.layers.Conv2DTranspose):
    """``Conv2DTranspose`` whose ``dilation_rate`` is applied to the kernel itself (see the module).

    Args: those of ``keras.layers.Conv2DTranspose``.
    """

    def call(self, inputs):
        kernel = self.kernel
        for axis, rate in enumerate(self.dilation_rate):
            kernel = dilated_kernel(kernel, int(rate), axis)
        outputs = kops.conv_transpose(inputs, kernel, strides=tuple(self.strides), padding=self.padding,
                                      output_padding=self.output_padding, data_format=self.data_format)
        if self.use_bias:
            shape = (1, 1, 1, self.filters) if self.data_format == "channels_last" else (1, self.filters, 1, 1)
            outputs = outputs + kops.reshape(self.bias, shape)
        return self.activation(outputs) if self.activation is not None else outputs
