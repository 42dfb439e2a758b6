"""``AttentionDecoder``: the legacy Keras 2.0.x attention decoder on ``keras.layers.RNN``."""

from .._keras.flavour import RNN_KWARGS, keras, register_serializable
from .._keras.internals import keras_mask_of
from .._keras.ops import as_tuple, in_train_phase, ops
from . import loops
from .cell import AttentionDecoderCell

# Keys that Keras 2.0.x wrote into every Recurrent config and that modern RNNs
# no longer take. They never changed this layer's numbers.
_LEGACY_ONLY_KEYS = ("implementation",)

@register_serializable()
class AttentionDecoder(keras.layers.RNN):
    """Bahdanau attention decoder, a drop-in for the legacy Keras 2.0.x layer.

    Reads an encoder sequence (B, T, D) and decodes T steps with a GRU-like cell
    that attends over all T encoder steps, giving (B, T, output_dim). Constructor,
    defaults, weight names, shapes and order are those of the legacy layer, so
    old tutorials only change their import and old weights load by position.

    Beyond the legacy layer, all opt-in (keyword-only; with the defaults the
    numbers are the legacy ones): another output length, the attention next to
    the outputs, attention masks from the Keras mask, a given initial decoder
    state, teacher forcing, and any output activation.

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
        output_length: Keyword-only. None (legacy: as many steps as the input),
            or a positive integer N: decode N steps, each attending over all T
            encoder steps (N may be larger or smaller than T).
        return_attention: Keyword-only boolean. If True, return
            ``(outputs, attention)``, the attention being (B, N, T).
        mask_attention: Keyword-only boolean. If True, encoder steps that the
            input's Keras mask marks as padding get exactly zero attention
            weight. Default False: like the legacy layer, attend to every step.
        teacher_forcing: Keyword-only boolean. If True, the layer takes the
            true outputs as ``targets`` when called; in training each step reads
            the true previous output instead of its own. At inference (or
            without ``targets``) it reads its own, as usual.
        output_activation: Keyword-only. Activation of the outputs; default
            ``"softmax"`` (legacy, computed in float32). Use ``None`` for
            regression.
        decode_chains: Keyword-only. ``"auto"`` (default) or a positive integer:
            into how many independent row chains a batch is cut so that
            TensorFlow's graph executor decodes them side by side on a
            multi-core CPU (``"auto"``: 2 where that helps, else 1; ``1``: never
            cut). Same numbers either way; see ``decoder/loops.py``. The
            environment variable ``COMPAT_ATTENTION_CHAINS`` overrides it.
        **kwargs: Base RNN/Layer arguments (``return_sequences``, ``unroll``,
            ``go_backwards``, ``trainable``, ``dtype``, ...). Keys that only
            Keras 2.0.x configs carry (``implementation``) are accepted and ignored.
            ``unroll=True`` always unrolls; with ``unroll=False`` (the legacy
            default, kept in the config) the layer still unrolls sequences of a
            static length up to ``loops.AUTO_UNROLL_MAX_STEPS`` itself, for speed: the
            numbers are the same.

    Call arguments:
        inputs: A 3D tensor (B, T, D), the encoder sequence.
        mask: The Keras mask of ``inputs`` (B, T). By default ignored by the
            decoder like the legacy layer did (it attends over padded steps too)
            and passed through to the output; with ``mask_attention=True`` it
            zeroes the attention on padded steps.
        training: Python boolean; decides whether ``targets`` are used.
        initial_state: Optional decoder state to start from instead of
            ``tanh(x_0 . W_s)``: a (B, units) tensor, or a list of tensors whose
            widths add up to ``units`` (they are concatenated, e.g. the forward
            and backward states of a ``Bidirectional`` encoder).
        targets: With ``teacher_forcing=True``: the true outputs (B, N, O).
        inputs_mask: Filled in by Keras 3 (the mask of ``inputs`` when the call
            has other tensor arguments); read like ``mask``.

    Returns:
        (B, N, output_dim) outputs (N = T unless ``output_length`` is set), or
        (B, N, T) attention weights with ``return_probabilities=True``, or both
        as ``(outputs, attention)`` with ``return_attention=True``.

    Example:

    >>> import numpy as np
    >>> from compat_attention import AttentionDecoder
    >>> from compat_attention._keras.flavour import keras
    >>> model = keras.Sequential([
    ...     keras.Input((5, 50)),
    ...     keras.layers.LSTM(150, return_sequences=True),
    ...     AttentionDecoder(150, 50),
    ... ])
    >>> y = model.predict(np.zeros((2, 5, 50), "float32"), verbose=0)
    >>> y.shape
    (2, 5, 50)
    >>> bool(np.allclose(y.sum(axis=-1), 1.0, atol=1e-5))  # a softmax over 50 symbols per step
    True
    >>> [w.shape for w in model.layers[-1].get_weights()][:4]  # legacy names and order: V_a, W_a, U_a, b_a
    [(150,), (150, 150), (150, 150), (150,)]
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
        *,
        output_length=None,
        return_attention=False,
        mask_attention=False,
        teacher_forcing=False,
        output_activation="softmax",
        decode_chains="auto",
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
            output_activation=output_activation,
            return_attention=return_attention,
            name="attention_decoder_cell",
            dtype=kwargs.get("dtype"),
        )
        rnn_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in RNN_KWARGS}
        super().__init__(cell, name=name, activity_regularizer=activity_regularizer, **rnn_kwargs, **kwargs)
        self.activation = keras.activations.get(activation)
        if output_length is not None and int(output_length) <= 0:
            raise ValueError("AttentionDecoder: output_length must be a positive integer or None; got %r."
                             % (output_length,))
        self.output_length = None if output_length is None else int(output_length)
        self.mask_attention = bool(mask_attention)
        self.teacher_forcing = bool(teacher_forcing)
        self.decode_chains = loops.check_decode_chains(decode_chains)

    # The legacy attribute names, read-only views of the cell's settings.
    units = property(lambda self: self.cell.units)
    output_dim = property(lambda self: self.cell.output_dim)
    return_probabilities = property(lambda self: self.cell.return_probabilities)
    return_attention = property(lambda self: self.cell.return_attention)
    output_activation = property(lambda self: self.cell.output_activation)

    def __call__(self, inputs, *args, initial_state=None, targets=None, **kwargs):
        # The base RNN.__call__ of Keras 2 reads ``initial_state`` as the cell's full state
        # list ([s, y] here) and rewires it as extra inputs; ours is the decoder state s_0
        # only, so both keywords go straight to Layer.__call__, which every flavour tracks
        # as call arguments of the node (and serializes with the model).
        if initial_state is not None:
            kwargs["initial_state"] = initial_state
        if targets is not None:
            kwargs["targets"] = targets
        return keras.layers.Layer.__call__(self, inputs, *args, **kwargs)

    def build(self, input_shape):
        input_shape = as_tuple(input_shape)
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(
                "AttentionDecoder expects a 3D input (batch, timesteps, features) with a known "
                "feature size, e.g. the output of LSTM(..., return_sequences=True); got shape %s."
                % (input_shape,)
            )
        super().build(input_shape)

    def call(self, inputs, mask=None, training=None, initial_state=None, targets=None, inputs_mask=None):
        # The legacy decoder never read the mask: it attends over padded steps too.
        attention_mask = None
        if self.mask_attention:
            # When the call has tensors besides `inputs` (initial_state=, targets=), Keras 3
            # passes the mask of `inputs` as `inputs_mask`, not `mask` (inside a compiled predict
            # on JAX, Keras 3.5, it is found nowhere else); Keras 2 passes neither.
            attention_mask = mask if mask is not None else inputs_mask
            if attention_mask is None:
                attention_mask = keras_mask_of(inputs)
        state = self._initial_decoder_state(initial_state)
        if targets is not None and not self.teacher_forcing:
            raise ValueError("AttentionDecoder got `targets` but was built with teacher_forcing=False; "
                             "pass teacher_forcing=True to the constructor to train with them.")
        if targets is None or not self.teacher_forcing:
            return self._decode(inputs, state, attention_mask, self._free_running_driver(inputs), training)
        targets = self._check_targets(targets, inputs)
        return in_train_phase(
            lambda: self._decode(inputs, state, attention_mask, _shift_right(targets), training, forced=True),
            lambda: self._decode(inputs, state, attention_mask, self._free_running_driver(inputs), training),
            training,
        )

    def _decode(self, inputs, initial_state, attention_mask, driver, training, forced=False):
        """Run the loop over ``driver`` (one step per driver step) attending over ``inputs``."""
        states, constants = self.cell.precompute(
            inputs, initial_state=initial_state, attention_mask=attention_mask, prev_from_inputs=forced)
        result = loops.decode(self, driver, states, constants, training)
        if not self.return_attention:
            return result
        rest = []
        if isinstance(result, (list, tuple)):  # return_state=True: [outputs, s, y]
            result, rest = result[0], list(result[1:])
        outputs, attention = ops.split(result, (self.output_dim, -1))
        return (outputs, attention, *rest) if rest else (outputs, attention)

    def _free_running_driver(self, inputs):
        """The sequence the loop steps over when the cell reads nothing from it.

        The legacy layer stepped over its input; with ``output_length`` the loop
        steps over N zeros instead (one feature: the step never reads it).
        """
        if self.output_length is None:
            return inputs
        return ops.zeros((ops.shape(inputs)[0], self.output_length, 1), dtype=inputs.dtype)

    def _initial_decoder_state(self, initial_state):
        if initial_state is None:
            return None
        parts = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        widths = [p.shape[-1] for p in parts]
        if None not in widths and sum(widths) != self.units:
            raise ValueError(
                "AttentionDecoder(units=%d) got an initial_state of width %s; its widths must add up to "
                "units (e.g. Bidirectional(LSTM(%d)) states, forward + backward, for units=%d)."
                % (self.units, " + ".join(str(w) for w in widths), self.units // 2 or 1, self.units))
        return parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)

    def _check_targets(self, targets, inputs):
        # Decoded steps: output_length, else (the legacy rule) as many as the input has.
        want = (self.output_length if self.output_length is not None else inputs.shape[1], self.output_dim)
        got = tuple(targets.shape)[1:]
        if len(got) != 2 or any(w is not None and g is not None and w != g for w, g in zip(want, got)):
            raise ValueError(
                "AttentionDecoder: `targets` must be the true outputs, shape (batch, %s, %d); got %s."
                % (want[0] or "timesteps", self.output_dim, tuple(targets.shape)))
        return targets

    def compute_output_shape(self, input_shape):
        batch, steps = as_tuple(input_shape)[:2]
        out_steps = steps if self.output_length is None else self.output_length
        if self.return_attention:
            outputs, attention = (batch, out_steps, self.output_dim), (batch, out_steps, steps)
            if not self.return_sequences:
                outputs, attention = (batch, self.output_dim), (batch, steps)
            return (outputs, attention)
        width = steps if self.return_probabilities else self.output_dim
        if self.return_sequences:
            return (batch, out_steps, width)
        return (batch, width)

    def compute_mask(self, inputs, mask=None):
        # Decoded steps are all real when their number is not the input's; otherwise the
        # legacy rule: the input mask goes on to the outputs.
        output_mask = mask if (self.output_length is None and self.return_sequences) else None
        if self.return_attention:
            return [output_mask, None]
        return output_mask

    def get_config(self):
        config = super().get_config()
        config.pop("cell", None)
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config.update(cell_config)
        config["activation"] = keras.activations.serialize(self.activation)
        config.update(output_length=self.output_length, mask_attention=self.mask_attention,
                      teacher_forcing=self.teacher_forcing, decode_chains=self.decode_chains)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild from ``get_config()``, or from a config written by Keras 2.0.x.

        A Keras 2.0.8 config carries ``implementation``, ``unroll``, ... and no
        initializers; the missing ones get the legacy defaults.
        """
        return cls(**dict(config))


def _shift_right(targets):
    """(B, N, O) true outputs -> the previous output of each step: y_0 = 0, then targets[:, :-1]."""
    start = ops.zeros_like(targets[:, :1, :])
    return ops.concatenate([start, targets[:, :-1, :]], axis=1)
