"""``AttentionDecoder``: the legacy Keras 2.0.x attention decoder on ``keras.layers.RNN``."""

from ._compat import RNN_KWARGS, keras, ops, register_serializable
from .cell import AttentionDecoderCell

# Keys that Keras 2.0.x wrote into every Recurrent config and that modern RNNs
# no longer take. They never changed this layer's numbers.
_LEGACY_ONLY_KEYS = ("implementation",)

#: Sequences with a static length up to this are decoded by a Python loop (unrolled into
#: the graph) whatever ``unroll`` says; longer or dynamic ones use the RNN's symbolic loop.
#: Same numbers either way; unrolling drops the loop's per-step bookkeeping, which at the
#: tutorial's T=5 costs more than the step itself (see benchmarks/). Graph size and
#: compile time grow with T, hence the bound.
AUTO_UNROLL_MAX_STEPS = 16


@register_serializable()
class AttentionDecoder(keras.layers.RNN):
    """Bahdanau attention decoder, a drop-in for the legacy Keras 2.0.x layer.

    Reads an encoder sequence (B, T, D) and decodes T steps with a GRU-like cell
    that attends over all T encoder steps, giving (B, T, output_dim). Constructor,
    defaults, weight names, shapes and order are those of the legacy layer, so
    old tutorials only change their import and old weights load by position.

    The legacy numbers are kept exactly, quirks included: ``s_0 = tanh(x_0 . W_s)``
    (no bias), ``y_0 = 0``, each output ``y_t`` reads the previous state
    ``s_{t-1}``, ``activation`` is stored but unused (every ``tanh`` is fixed),
    and the matrices use ``kernel_regularizer``/``kernel_constraint``.

    Args:
        units: Positive integer, size of the decoder state.
        output_dim: Positive integer, size of each output vector (e.g. the
            vocabulary size: outputs are softmax distributions).
        activation: Stored and serialized but, as in the legacy layer, unused.
        return_probabilities: Boolean. If True, return the attention matrix
            (B, T_dec, T_enc) instead of the outputs. The legacy layer returned
            (B, T, T, 1) from ``predict``; see MIGRATION.md.
        name: Layer name. The legacy default is the literal ``'AttentionDecoder'``
            (not auto-numbered), which legacy ``.h5`` files rely on.
        kernel_initializer: Initializer for ``V_a``, ``W_a`` and ``U_a``.
        recurrent_initializer: Initializer for the gate/output matrices and ``W_s``.
        bias_initializer: Initializer for the biases.
        kernel_regularizer: Regularizer for every matrix.
        bias_regularizer: Regularizer for every bias.
        activity_regularizer: Regularizer for the layer output.
        kernel_constraint: Constraint for every matrix.
        bias_constraint: Constraint for every bias.
        **kwargs: Base RNN/Layer arguments (``return_sequences``, ``unroll``,
            ``go_backwards``, ``trainable``, ``dtype``, ...). Keys that only
            Keras 2.0.x configs carry (``implementation``) are accepted and ignored.
            ``unroll=True`` always unrolls; with ``unroll=False`` (the legacy
            default, kept in the config) the layer still unrolls sequences of a
            static length up to ``AUTO_UNROLL_MAX_STEPS`` itself, for speed: the
            numbers are the same.

    Call arguments:
        inputs: A 3D tensor (B, T, D), the encoder sequence.
        mask: Accepted, ignored by the decoder like the legacy layer did (it
            attends over padded steps too), and passed through to the output.
        training: Python boolean; passed to the cell.

    Returns:
        (B, T, output_dim) outputs, or (B, T, T) attention weights with
        ``return_probabilities=True``.
    """

    def __init__(
        self,
        units,
        output_dim,
        activation="tanh",
        return_probabilities=False,
        name="AttentionDecoder",
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        for key in _LEGACY_ONLY_KEYS:
            kwargs.pop(key, None)
        kwargs.pop("cell", None)  # written by the base RNN's get_config; rebuilt below
        if kwargs.get("stateful"):
            raise ValueError(
                "AttentionDecoder(stateful=True) is not supported: the decoder's first state is "
                "computed from each input batch (s_0 = tanh(x_0 . W_s)). Use stateful=False."
            )
        kwargs.setdefault("return_sequences", True)
        cell = AttentionDecoderCell(
            units,
            output_dim,
            return_probabilities=return_probabilities,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            name="attention_decoder_cell",
            dtype=kwargs.get("dtype"),
        )
        rnn_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in RNN_KWARGS}
        super().__init__(cell, name=name, activity_regularizer=activity_regularizer, **rnn_kwargs, **kwargs)
        self.activation = keras.activations.get(activation)

    # The legacy attribute names, read-only views of the cell's settings.
    units = property(lambda self: self.cell.units)
    output_dim = property(lambda self: self.cell.output_dim)
    return_probabilities = property(lambda self: self.cell.return_probabilities)

    def build(self, input_shape):
        input_shape = _as_tuple(input_shape)
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(
                "AttentionDecoder expects a 3D input (batch, timesteps, features) with a known "
                "feature size, e.g. the output of LSTM(..., return_sequences=True); got shape %s."
                % (input_shape,)
            )
        super().build(input_shape)

    def call(self, inputs, mask=None, training=None):
        # The legacy decoder never read the mask: it attends over padded steps too.
        initial_state, constants = self.cell.precompute(inputs)
        steps = _as_tuple(inputs.shape)[1]
        with self.cell.bind(constants):
            if steps is not None and 0 < steps <= AUTO_UNROLL_MAX_STEPS and not (self.return_state or self.go_backwards):
                return self._unrolled(initial_state, steps, training)
            return super().call(inputs, initial_state=initial_state, mask=None, training=training)

    def _unrolled(self, states, steps, training):
        """The decoding loop as ``steps`` calls of the cell (the step never reads its input)."""
        outputs = []
        for _ in range(steps):
            output, states = self.cell.call(None, states, training=training)
            outputs.append(output)
        if self.return_sequences:
            return ops.stack(outputs, axis=1)
        return outputs[-1]

    def compute_output_shape(self, input_shape):
        batch, steps = _as_tuple(input_shape)[:2]
        width = steps if self.return_probabilities else self.output_dim
        if self.return_sequences:
            return (batch, steps, width)
        return (batch, width)

    def get_config(self):
        config = super().get_config()
        config.pop("cell", None)
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config.update(cell_config)
        config["activation"] = keras.activations.serialize(self.activation)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild from ``get_config()``, or from a config written by Keras 2.0.x.

        A Keras 2.0.8 config carries ``implementation``, ``unroll``, ... and no
        initializers; the missing ones get the legacy defaults.
        """
        return cls(**dict(config))


def _as_tuple(shape):
    if hasattr(shape, "as_list"):
        return tuple(shape.as_list())
    return tuple(shape)
