"""``UpSampling2D(interpolation='bilinear')`` as standalone Keras 2.2-2.3 computed it on TensorFlow 1.x.

Those stacks resized with TF 1.x's ``resize_bilinear`` (``align_corners=False`` and no half-pixel
centres): output row ``i`` samples input row ``i * in / out`` (float32), interpolating between the
rows below and above it (the last row repeated past the edge). tf.keras 1.15+ and Keras 3 sample
``(i + 0.5) * in / out - 0.5`` instead: on the era's case the two differ by 1.63. ``'nearest'`` is
the same under both rules for the integer factors ``UpSampling2D`` takes.
"""

import numpy as np

from .._keras import keras_ops
from .._keras.flavour import keras, register_serializable

kops = keras_ops.ops


def tf1_bilinear_weights(size_in, factor):
    """The (size_in * factor, size_in) matrix of TF 1.x's ``resize_bilinear`` along one axis.

    Args:
        size_in: the input length.
        factor: the integer upsampling factor.

    Returns:
        A float32 array ``A`` with ``resized = A @ x`` along that axis: row ``i`` holds
        ``1 - frac`` at ``floor(s)`` and ``frac`` at ``min(floor(s) + 1, size_in - 1)``, where
        ``s = i * (size_in / size_out)`` in float32 as TensorFlow 1.x computed it.

    Example:

    >>> tf1_bilinear_weights(2, 2).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [0.0, 1.0]]
    """
    size_out = size_in * factor
    scale = np.float32(size_in) / np.float32(size_out)
    weights = np.zeros((size_out, size_in), np.float32)
    for i in range(size_out):
        source = np.float32(i) * scale
        low = int(np.floor(source))
        high = min(low + 1, size_in - 1)
        frac = np.float32(source - np.float32(low))
        weights[i, low] += np.float32(1) - frac
        weights[i, high] += frac
    return weights


@register_serializable(name="LegacyUpSampling2D")
class LegacyUpSampling2D(keras.layers.Layer):
    """``UpSampling2D(size, data_format, interpolation='bilinear')`` with TF 1.x's sampling (see the module).

    The height and width of the input must be known when the layer is built.

    Args:
        size: ``(rows, cols)`` integer factors (or one int for both).
        data_format: ``'channels_last'`` (default) or ``'channels_first'``.
        interpolation: ``'bilinear'`` (the only one that differs; ``'nearest'`` is accepted and
            computed the same way as Keras does).

    Example:

    >>> import numpy as np
    >>> layer = LegacyUpSampling2D(size=(2, 1))
    >>> [float(v) for v in np.asarray(layer(np.array([[[[0.0]], [[4.0]]]], "float32")))[0, :, 0, 0]]
    [0.0, 2.0, 4.0, 4.0]
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="bilinear", **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(int(s) for s in (size if isinstance(size, (list, tuple)) else (size, size)))
        self.data_format = data_format or keras.backend.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError("data_format must be 'channels_last' or 'channels_first', not %r" % (data_format,))
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError("interpolation must be 'bilinear' or 'nearest', not %r" % (interpolation,))
        self.interpolation = interpolation

    def _spatial(self, shape):
        return tuple(shape[2:4]) if self.data_format == "channels_first" else tuple(shape[1:3])

    def build(self, input_shape):
        rows, cols = self._spatial(input_shape)
        if rows is None or cols is None:
            raise ValueError("LegacyUpSampling2D needs the input's height and width; got shape %s" % (input_shape,))
        if self.interpolation == "bilinear":
            self._rows = tf1_bilinear_weights(rows, self.size[0])
            self._cols = tf1_bilinear_weights(cols, self.size[1])
        else:
            self._rows = np.repeat(np.eye(rows, dtype=np.float32), self.size[0], axis=0)
            self._cols = np.repeat(np.eye(cols, dtype=np.float32), self.size[1], axis=0)
        self.built = True

    def call(self, inputs):
        rows = kops.convert_to_tensor(self._rows)
        cols = kops.convert_to_tensor(self._cols)
        pattern = "ih,bchw,jw->bcij" if self.data_format == "channels_first" else "ih,bhwc,jw->bijc"
        return kops.einsum(pattern, rows, inputs, cols)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        axes = (2, 3) if self.data_format == "channels_first" else (1, 2)
        for axis, factor in zip(axes, self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * factor
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config
