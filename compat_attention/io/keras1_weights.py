"""Keras 1.2.x's stored weights, converted to the layout of the layers the loader builds for them.

Keras 1 stored some layers' weights otherwise than Keras 2 builds them (``legacy_reference/eras/keras1_2/
README.md``, facts 5, 6, 11, 19; ``../keras1_2_theano/README.md``, fact 2). One small function per fact,
each taking the stored ``[(weight name, array)]`` of one layer and returning the arrays Keras 2 wants:

* ``lstm_gates_fused``: an LSTM's 12 per-gate arrays (gate order i, c, f, o) -> kernel, recurrent
  kernel, bias in Keras 2's order i, f, c, o; ``gru_gates_fused``: a GRU's 9 (z, r, h) -> 3;
  ``consume_less='gpu'`` stored the 3 fused arrays already (passed through);
* ``conv1d_kernel_squeezed``: ``(filter_length, 1, input_dim, nb_filter)`` -> ``(filter_length, input_dim,
  nb_filter)``;
* ``kernel_channels_last``: a ``dim_ordering='th'`` kernel ``(out, in, *kernel)`` -> ``(*kernel, in, out)``;
* ``deconv_kernel_reordered``: a ``Deconvolution2D`` kernel -> Keras 2's ``(rows, cols, out, in)``;
* ``separable_kernels_channels_last``: both kernels of a 'th' ``SeparableConvolution2D``;
* ``convlstm_gates_fused``: a ``ConvLSTM2D``'s 12 per-gate arrays, each 'th' kernel transposed first;
* ``theano_kernels_flipped``: a Theano file's convolution kernels, spatial axes reversed (Theano
  convolved, TensorFlow correlates).

``convert_layer`` picks them by the Keras 1 class and config of the stored layer (wrappers: per
wrapped layer). The same conversion serves the optimizer slots of the layer's trainable weights, which
Keras 1 kept per stored array (``io/sources/keras1_2.py``, ``optimizer_state``).
"""

import numpy as np

#: Keras 1's LSTM gates in stored order, and Keras 2's order.
LSTM_STORED, LSTM_FUSED = ("i", "c", "f", "o"), ("i", "f", "c", "o")
#: Keras 1's GRU gates, stored and fused in the same order.
GRU_GATES = ("z", "r", "h")
#: The arrays of one gate, in stored order.
GATE_PARTS = ("W", "U", "b")

#: Keras 1 convolution classes and their number of spatial axes (what a Theano file flips).
CONVOLUTIONS = {"Convolution1D": 1, "AtrousConvolution1D": 1, "Convolution2D": 2, "AtrousConvolution2D": 2,
                "Convolution3D": 3, "Deconvolution2D": 2, "SeparableConvolution2D": 2, "ConvLSTM2D": 2}


def _short(name):
    """A stored weight name without its TensorFlow ``:0`` suffix."""
    return name[:-2] if name.endswith(":0") else name


def _by_gate(arrays, stored_gates):
    """``{(part, gate): array}`` of a layer stored per gate: by each name's ``_<part>_<gate>`` suffix where
    every name has one, else by the stored order (gate after gate, ``W, U, b`` within one)."""
    wanted = [(part, gate) for gate in stored_gates for part in GATE_PARTS]
    suffixes = {"_%s_%s" % key: key for key in wanted}
    found = {}
    for name, array in arrays:
        key = next((key for suffix, key in suffixes.items() if _short(name).endswith(suffix)), None)
        if key is None or key in found:
            break
        found[key] = array
    if len(found) == len(wanted):
        return found
    return {key: array for key, (_, array) in zip(wanted, arrays)}


def _fused(parts, order, transform=None):
    """``[kernel, recurrent kernel, bias]``: each part's gates concatenated in ``order`` along the last axis."""
    transform = transform or (lambda part, array: array)
    return [("kernel", np.concatenate([transform("W", parts[("W", g)]) for g in order], axis=-1)),
            ("recurrent_kernel", np.concatenate([transform("U", parts[("U", g)]) for g in order], axis=-1)),
            ("bias", np.concatenate([parts[("b", g)] for g in order], axis=-1))]


def lstm_gates_fused(arrays):
    """An LSTM's 12 per-gate arrays (``W_i, U_i, b_i, W_c, ...``: gates i, c, f, o) as Keras 2's three
    (gates i, f, c, o); the 3 fused arrays of ``consume_less='gpu'`` (already i, f, c, o) as they are."""
    if len(arrays) != 12:
        return arrays
    return _fused(_by_gate(arrays, LSTM_STORED), LSTM_FUSED)


def gru_gates_fused(arrays):
    """A GRU's 9 per-gate arrays (``W_z, U_z, b_z, W_r, ...``) as Keras 2's three (gates z, r, h)."""
    if len(arrays) != 9:
        return arrays
    return _fused(_by_gate(arrays, GRU_GATES), GRU_GATES)


def conv1d_kernel_squeezed(arrays):
    """A ``Convolution1D`` kernel, stored ``(filter_length, 1, input_dim, nb_filter)`` (a 2D kernel of
    width 1; Keras 1.0-1.1: ``(nb_filter, input_dim, filter_length, 1)``), as Keras 2's
    ``(filter_length, input_dim, nb_filter)``."""
    (name, kernel), rest = arrays[0], arrays[1:]
    if kernel.ndim == 4 and kernel.shape[1] != 1 and kernel.shape[3] == 1:
        kernel = np.transpose(kernel, (2, 3, 1, 0))
    if kernel.ndim == 4 and kernel.shape[1] == 1:
        kernel = kernel[:, 0]
    return [(name, kernel)] + list(rest)


def _to_channels_last(kernel):
    """``(out, in, *kernel)`` -> ``(*kernel, in, out)``."""
    rank = kernel.ndim
    return np.transpose(kernel, tuple(range(2, rank)) + (1, 0))


def kernel_channels_last(arrays, dim_ordering):
    """A 'th' (``dim_ordering='th'``) convolution kernel, stored ``(nb_filter, stack, *kernel)``, as Keras 2's
    ``(*kernel, stack, nb_filter)``; a 'tf' kernel is Keras 2's already."""
    if dim_ordering != "th":
        return arrays
    (name, kernel), rest = arrays[0], arrays[1:]
    return [(name, _to_channels_last(kernel))] + list(rest)


def deconv_kernel_reordered(arrays, dim_ordering):
    """A ``Deconvolution2D`` kernel as Keras 2's ``Conv2DTranspose`` wants it, ``(rows, cols, filters, stack)``:
    stored 'tf' ``(rows, cols, stack, filters)`` (axes 0, 1, 3, 2), 'th' ``(filters, stack, rows, cols)``
    (axes 2, 3, 0, 1)."""
    (name, kernel), rest = arrays[0], arrays[1:]
    axes = (2, 3, 0, 1) if dim_ordering == "th" else (0, 1, 3, 2)
    return [(name, np.transpose(kernel, axes))] + list(rest)


def separable_kernels_channels_last(arrays, dim_ordering):
    """A 'th' ``SeparableConvolution2D``'s depthwise ``(multiplier, stack, rows, cols)`` and pointwise
    ``(filters, stack * multiplier, 1, 1)`` kernels as Keras 2's ``(rows, cols, stack, multiplier)`` and
    ``(1, 1, stack * multiplier, filters)``; 'tf' kernels are Keras 2's already."""
    if dim_ordering != "th":
        return arrays
    return [(name, _to_channels_last(kernel)) for name, kernel in arrays[:2]] + list(arrays[2:])


def convlstm_gates_fused(arrays, dim_ordering):
    """A ``ConvLSTM2D``'s 12 per-gate arrays (gates i, c, f, o; kernels ``(rows, cols, in, filters)``, or
    'th' ``(filters, in, rows, cols)``) as Keras 2's kernel, recurrent kernel and bias (gates i, f, c, o
    along the filters axis). Each 'th' kernel is transposed BEFORE the gates are joined (Keras 2.0.8
    joined them first, along the wrong axis)."""
    if len(arrays) != 12:
        return arrays
    th = dim_ordering == "th"
    return _fused(_by_gate(arrays, LSTM_STORED), LSTM_FUSED,
                  transform=lambda part, kernel: _to_channels_last(kernel) if th else kernel)


def theano_kernels_flipped(arrays, spatial_dims, kernels=1):
    """The first ``kernels`` arrays (Keras 2 layout: spatial axes first) with their spatial axes reversed:
    Keras 1 on Theano convolved (``T.nnet.conv2d``'s default ``filter_flip=True``), TensorFlow correlates."""
    flip = tuple(slice(None, None, -1) for _ in range(spatial_dims))
    return [(name, np.ascontiguousarray(array[flip]) if i < kernels else array)
            for i, (name, array) in enumerate(arrays)]


def _layout(class_name, config, arrays):
    """The arrays of a (non-wrapper) Keras 1 layer in Keras 2's layout, before any Theano flip."""
    ordering = config.get("dim_ordering", "tf")
    if class_name == "LSTM":
        return lstm_gates_fused(arrays)
    if class_name == "GRU":
        return gru_gates_fused(arrays)
    if class_name == "ConvLSTM2D":
        return convlstm_gates_fused(arrays, ordering)
    if class_name in ("Convolution1D", "AtrousConvolution1D"):
        return conv1d_kernel_squeezed(arrays)
    if class_name in ("Convolution2D", "AtrousConvolution2D", "Convolution3D"):
        return kernel_channels_last(arrays, ordering)
    if class_name == "Deconvolution2D":
        return deconv_kernel_reordered(arrays, ordering)
    if class_name == "SeparableConvolution2D":
        return separable_kernels_channels_last(arrays, ordering)
    return arrays


def convert_layer(class_name, config, arrays, backend):
    """The stored ``[(name, array)]`` of one Keras 1 layer in the layout the loader's layer for it has.

    Args:
        class_name: the layer's Keras 1 class (``"LSTM"``, ``"Convolution2D"``, ``"Bidirectional"``, ...).
        config: its Keras 1 config (``dim_ordering``; a wrapper's ``layer``).
        arrays: the stored ``[(weight name, array)]``, in stored order (or the optimizer slots of its
            trainable weights, which Keras 1 kept per stored array).
        backend: ``"theano"`` or ``"tensorflow"``, the backend that wrote the file.

    Returns:
        ``[(name, array)]`` in Keras 2's layout.

    Example:

    >>> import numpy as np
    >>> gates = [("lstm_1_%s_%s:0" % (p, g), np.zeros((2, 3) if p != "b" else (3,)))
    ...          for g in "icfo" for p in "WUb"]
    >>> [a.shape for _, a in convert_layer("LSTM", {}, gates, "tensorflow")]
    [(2, 12), (2, 12), (12,)]
    """
    if class_name == "Bidirectional":
        inner = config["layer"]
        half = len(arrays) // 2
        return (convert_layer(inner["class_name"], inner["config"], arrays[:half], backend) +
                convert_layer(inner["class_name"], inner["config"], arrays[half:], backend))
    if class_name == "TimeDistributed":
        inner = config["layer"]
        return convert_layer(inner["class_name"], inner["config"], arrays, backend)
    converted = _layout(class_name, config, list(arrays))
    if backend == "theano" and class_name in CONVOLUTIONS and converted:
        converted = theano_kernels_flipped(converted, CONVOLUTIONS[class_name], 2 if class_name == "ConvLSTM2D" else 1)
    return converted
