"""``LegacyChannelsFirst``: a channels_last layer run on channels_first tensors.

Keras 1 files saved with ``dim_ordering='th'`` (Theano's image layout) hold channels_first models.
The running Keras does not compute every channels_first layer on every device: on a CPU, tf.keras
2.14 refuses channels_first ``Conv2D``, ``SeparableConv2D``, ``Conv3D`` and 2D pooling, Keras 3 on
TensorFlow channels_first ``Conv2D``, ``Conv2DTranspose`` and ``ConvLSTM2D`` ("only supports NHWC").
The wrapper moves the channel axis last, runs the wrapped channels_last layer, and moves it back:
transposes only, so the numbers are the wrapped layer's. The loader (``io/sources/keras1_2.py``) wraps
each such channels_first layer of a file; the weights are the wrapped layer's.
"""

from .._keras.flavour import keras, register_serializable
from .._keras.keras_ops import ops

__all__ = ["LegacyChannelsFirst"]


def _to_last(rank, channel_axis):
    """The permutation moving ``channel_axis`` of a rank-``rank`` tensor to the end."""
    return [i for i in range(rank) if i != channel_axis] + [channel_axis]


def _to_first(rank, channel_axis):
    """The permutation moving the last axis of a rank-``rank`` tensor to ``channel_axis``."""
    order = list(range(rank - 1))
    order.insert(channel_axis, rank - 1)
    return order


@register_serializable(name="LegacyChannelsFirst")
class LegacyChannelsFirst(keras.layers.Wrapper):
    """Run ``layer`` (a channels_last layer over ``spatial_dims`` spatial axes) on channels_first tensors.

    The channel axis of a channels_first tensor stands just before its ``spatial_dims`` last axes
    (``(batch, channels, rows, cols)``; a ``ConvLSTM2D``'s ``(batch, time, channels, rows, cols)``).
    An output that keeps spatial axes gets its channels moved back; one without (global pooling:
    ``(batch, channels)``) is returned as is.

    Args:
        layer: the channels_last layer.
        spatial_dims: 1, 2 or 3.

    Example:

    >>> import numpy as np
    >>> from compat_attention._keras.flavour import keras
    >>> wrapped = LegacyChannelsFirst(keras.layers.MaxPooling2D(2), spatial_dims=2)
    >>> wrapped(np.zeros((1, 3, 4, 6), "float32")).shape
    (1, 3, 2, 3)
    """

    def __init__(self, layer, spatial_dims=2, **kwargs):
        super().__init__(layer, **kwargs)
        self.spatial_dims = int(spatial_dims)

    def _channel_axis(self, rank):
        return rank - 1 - self.spatial_dims

    def _last_shape(self, input_shape):
        input_shape = tuple(input_shape)
        return tuple(input_shape[i] for i in _to_last(len(input_shape), self._channel_axis(len(input_shape))))

    def _first_shape(self, output_shape):
        output_shape = tuple(output_shape)
        if len(output_shape) <= self.spatial_dims + 1:
            return output_shape
        return tuple(output_shape[i] for i in _to_first(len(output_shape), self._channel_axis(len(output_shape))))

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(self._last_shape(input_shape))
        self.built = True

    def call(self, inputs, training=None):
        rank = len(inputs.shape)
        out = self.layer(ops.transpose(inputs, _to_last(rank, self._channel_axis(rank))), training=training)
        rank = len(out.shape)
        if rank <= self.spatial_dims + 1:
            return out
        return ops.transpose(out, _to_first(rank, self._channel_axis(rank)))

    def compute_output_shape(self, input_shape):
        return self._first_shape(self.layer.compute_output_shape(self._last_shape(input_shape)))

    def get_config(self):
        config = super().get_config()
        config["spatial_dims"] = self.spatial_dims
        return config
