"""``time_distributed_dense``: the helper Keras removed with ``keras.layers.recurrent``."""

from .._keras.ops import dropout_mask, in_train_phase, ops


def time_distributed_dense(x, w, b=None, dropout=None, input_dim=None, output_dim=None,
                           timesteps=None, training=None):
    """Apply ``x_t . w + b`` to every time step of a 3D tensor, in one matrix product.

    Same signature and numbers as the legacy ``keras.layers.recurrent._time_distributed_dense``.
    Unlike the legacy helper, the optional sizes may be omitted (they are read
    from ``x`` and ``w``; the legacy TensorFlow path raised a ``TypeError``).

    Args:
        x: Input tensor (B, T, input_dim).
        w: Weight matrix (input_dim, output_dim).
        b: Optional bias (output_dim,).
        dropout: Optional rate in (0, 1). In the training phase only, ONE dropout
            mask of shape (B, input_dim) is drawn and applied at every time step.
        input_dim: Optional; must match ``x``'s last axis when given.
        output_dim: Optional; must match ``w``'s last axis when given.
        timesteps: Optional; accepted for compatibility (the time axis is read from ``x``).
        training: Python boolean or boolean tensor. ``None`` means inference,
            the default learning phase of the legacy stack.

    Returns:
        Tensor of shape (B, T, output_dim).
    """
    x = ops.convert_to_tensor(x)
    w = ops.convert_to_tensor(w)
    if b is not None:
        b = ops.convert_to_tensor(b)
    _check_dim("input_dim", input_dim, x.shape[-1])
    _check_dim("output_dim", output_dim, w.shape[-1])
    if dropout is not None and 0.0 < dropout < 1.0:
        batch = ops.shape(x)[0]
        features = x.shape[-1] if x.shape[-1] is not None else ops.shape(x)[-1]

        def dropped():
            mask = dropout_mask((batch, features), dropout, ops.dtype_of(x))
            return x * ops.expand_dims(mask, 1)

        x = in_train_phase(dropped, lambda: x, training)
    out = ops.dot(x, w)
    if b is not None:
        out = out + b
    return out


#: The legacy private name, for code that imported it from ``keras.layers.recurrent``.
_time_distributed_dense = time_distributed_dense


def _check_dim(name, given, actual):
    if given is not None and actual is not None and int(given) != int(actual):
        raise ValueError(
            "time_distributed_dense: %s=%d does not match the tensor's size %d; "
            "omit %s to read it from the tensor." % (name, given, actual, name)
        )
