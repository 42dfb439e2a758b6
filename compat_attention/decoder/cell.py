"""The math of one step of the legacy Bahdanau attention decoder."""

import collections
import contextlib
import contextvars
import numbers

from .._keras.flavour import keras, register_serializable
from .._keras.internals import resolve_weight_settings
from .._keras.ops import ops, padding_bias, softmax_float32

#: The 21 legacy weights, in creation order (``.h5`` files map weights back by this order).
WEIGHT_NAMES = (
    "V_a", "W_a", "U_a", "b_a",
    "C_r", "U_r", "W_r", "b_r",
    "C_z", "U_z", "W_z", "b_z",
    "C_p", "U_p", "W_p", "b_p",
    "C_o", "U_o", "W_o", "b_o",
    "W_s",
)


def weight_shapes(input_dim, units, output_dim):
    """The shapes of the 21 legacy weights, by name, in creation order (``WEIGHT_NAMES``).

    Args:
        input_dim: D, the encoder's feature size.
        units: U, the size of the decoder state.
        output_dim: O, the size of each output.

    Returns:
        A dict ``name -> shape``: the attention's ``V_a`` (U,), ``W_a`` (U, U), ``U_a`` (D, U),
        ``b_a`` (U,); per gate r, z, p (width U) and the output o (width O) ``C_*`` (D, width),
        ``U_*`` (U, width), ``W_*`` (O, width), ``b_*`` (width,); and ``W_s`` (D, U).

    Example:

    >>> shapes = weight_shapes(input_dim=5, units=3, output_dim=2)
    >>> shapes["U_a"], shapes["C_o"], shapes["W_s"], len(shapes)
    ((5, 3), (5, 2), (5, 3), 21)
    """
    shapes = {"V_a": (units,), "W_a": (units, units), "U_a": (input_dim, units), "b_a": (units,),
              "W_s": (input_dim, units)}
    for gate, width in (("r", units), ("z", units), ("p", units), ("o", output_dim)):
        shapes.update({"C_" + gate: (input_dim, width), "U_" + gate: (units, width),
                       "W_" + gate: (output_dim, width), "b_" + gate: (width,)})
    return {name: shapes[name] for name in WEIGHT_NAMES}


def weight_kind(name):
    """Which settings make legacy weight ``name``: ``'kernel'`` (the attention's ``V_a``, ``W_a``,
    ``U_a``), ``'bias'`` (``b_*``) or ``'recurrent'`` (every other matrix)."""
    if name.startswith("b_"):
        return "bias"
    return "kernel" if name in ("V_a", "W_a", "U_a") else "recurrent"


# Per-call tensors that every step reads (the encoder sequence, its projection and
# the fused kernels). Keras 3's RNN has no ``constants=`` argument, so the layer binds
# them here for the duration of its loop, on every flavour alike. A context variable
# keeps concurrent replicas (tf.distribute runs one thread per device) apart.
_STEP_CONSTANTS = contextvars.ContextVar("compat_attention_step_constants", default=None)

#: What a step reads besides its state: built once per sequence by ``precompute``.
StepConstants = collections.namedtuple(
    "StepConstants",
    [
        "sequence",         # x, (B, T, D)
        "projected",        # x . U_a + b_a, (B, T, U)
        "score_vector",     # V_a, (U,)
        "attention_kernel",  # W_a, (U, U)
        "state_kernel",     # [U_r | U_z | U_o], (U, 2U + O)
        "output_kernel",    # [W_r | W_z | W_o | W_p], (O, 3U + O): reads the previous output
        "context_kernel",   # [C_r | C_z | C_o | C_p], (D, 3U + O)
        "gate_bias",        # [b_r | b_z | b_o | b_p], (3U + O,)
        "proposal_kernel",  # U_p, (U, U)
        "output_kernels",   # (W_o, U_o, C_o, b_o): the output's own terms, for a last step
        "score_bias",       # None, or float32 (B, T): 0 on real steps, -1e9 on padded ones
        "prev_from_inputs",  # Python bool: the previous output is the step input (teacher forcing)
    ],
)



@register_serializable()
class AttentionDecoderCell(keras.layers.Layer):
    """Cell for the legacy ``AttentionDecoder``: one GRU-like step with Bahdanau attention.

    With D the encoder feature size, U = ``units`` and O = ``output_dim``, a step
    reads the decoder state ``s`` (B, U) and the previous output ``y`` (B, O), and:

    1. scores every encoder step: ``e = tanh(x . U_a + b_a + s . W_a) . V_a``;
    2. ``a = softmax(e)`` over the encoder steps, context ``c = sum_j a_j x_j``;
    3. updates ``s`` with reset/update gates fed by ``y``, ``s`` and ``c``;
    4. emits ``y' = softmax(y . W_o + s . U_o + c . C_o + b_o)`` from the OLD ``s``.

    The cell keeps the 21 legacy weights under their legacy names and order. Work
    that does not change from step to step (the encoder projection ``x . U_a``,
    the gate kernels fused per source: state, previous output, context) is done
    once per sequence by ``precompute``; a step does five matrix products plus
    the attention, three of them on the path from one state to the next (fewer
    at the first and last steps of an unrolled loop: see ``step``).

    Args:
        units: Positive integer, size of the decoder state (U).
        output_dim: Positive integer, size of each output (O).
        return_probabilities: Boolean. If True the step emits the attention
            weights over the encoder steps instead of ``y``.
        kernel_initializer: Initializer for ``V_a``, ``W_a``, ``U_a``.
        recurrent_initializer: Initializer for every ``C_*``, ``U_*``, ``W_*``
            gate/output matrix and for ``W_s``.
        bias_initializer: Initializer for the biases.
        kernel_regularizer: Regularizer for every matrix (the legacy layer used
            it for the "recurrent" matrices too).
        bias_regularizer: Regularizer for the biases.
        kernel_constraint: Constraint for every matrix (same rule).
        bias_constraint: Constraint for the biases.
        output_activation: Activation of each output ``y`` (name or callable).
            ``"softmax"`` (the legacy one) is computed in float32 whatever the
            compute dtype; ``None`` or ``"linear"`` gives a regression decoder.
        return_attention: Boolean. If True the step emits ``[y | a]``, the output
            and the attention weights side by side (the layer splits them).

    Call arguments:
        inputs: The step's slice of the sequence that drives the loop. It is
            read only under teacher forcing, where it is the previous true
            output (B, O); otherwise, as in the legacy layer, only the number
            of steps matters.
        states: ``[s, y]``, the state (B, U) and the previous output (B, O).
        training: Unused; accepted for the RNN API.

    Returns:
        ``(output, [new_state, y])``: the output is ``y``, the attention weights
        (``return_probabilities``) or both side by side (``return_attention``).
        ``step`` and ``last_step_output`` are the same step with explicit
        constants, for loops that know their first and last steps
        (``decoder/loops.py``).
    """

    def __init__(
        self,
        units,
        output_dim,
        return_probabilities=False,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        output_activation="softmax",
        return_attention=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for argument, value in (("units", units), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
                raise ValueError(
                    "AttentionDecoder needs a positive integer `%s`; got %s=%r (a %s)."
                    % (argument, argument, value, type(value).__name__)
                )
        self.units = int(units)
        self.output_dim = int(output_dim)
        self.return_probabilities = bool(return_probabilities)
        self.return_attention = bool(return_attention)
        if self.return_probabilities and self.return_attention:
            raise ValueError(
                "AttentionDecoder: return_probabilities=True (the legacy option) returns the attention "
                "INSTEAD of the outputs; return_attention=True returns both. Pass only one of them."
            )
        self.output_activation = keras.activations.get(output_activation)
        self._softmax_output = self.output_activation is keras.activations.get("softmax")
        resolve_weight_settings(self, kernel_initializer=kernel_initializer,
                                recurrent_initializer=recurrent_initializer,
                                bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                                bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                                bias_constraint=bias_constraint)
        self.state_size = [self.units, self.output_dim]
        self.output_size = self.output_dim

    def build(self, input_shape):
        kinds = {
            "kernel": (self.kernel_initializer, self.kernel_regularizer, self.kernel_constraint),
            # The legacy layer took the recurrent regularizer/constraint from the kernel ones.
            "recurrent": (self.recurrent_initializer, self.kernel_regularizer, self.kernel_constraint),
            "bias": (self.bias_initializer, self.bias_regularizer, self.bias_constraint),
        }
        for name, shape in weight_shapes(int(input_shape[-1]), self.units, self.output_dim).items():
            initializer, regularizer, constraint = kinds[weight_kind(name)]
            weight = self.add_weight(
                name=name, shape=shape, initializer=_fresh(initializer),
                regularizer=regularizer, constraint=constraint,
            )
            setattr(self, name, weight)
        self.built = True

    # -- per sequence -------------------------------------------------------------------
    def precompute(self, sequence, initial_state=None, attention_mask=None, prev_from_inputs=False):
        """Work done once per sequence, before the loop.

        Args:
            sequence: the encoder sequence ``x``, (B, T, D).
            initial_state: None for the legacy ``s_0 = tanh(x_0 . W_s)``, or a
                (B, U) tensor to start the decoder state from.
            attention_mask: None, or a boolean (B, T) tensor; False steps get
                zero attention weight.
            prev_from_inputs: If True, each step reads its previous output from
                its input (teacher forcing) instead of from its state.

        Returns:
            ``(initial_state, constants)``: ``[s_0, y_0]`` with ``y_0 = 0``, and
            the ``StepConstants`` the steps read.
        """
        if initial_state is None:
            s0 = ops.tanh(ops.dot(sequence[:, 0, :], self.W_s))
        else:
            s0 = ops.cast(initial_state, self.compute_dtype)
        y0 = ops.zeros((ops.shape(sequence)[0], self.output_dim), dtype=s0.dtype)
        projected = ops.dot(sequence, self.U_a) + self.b_a
        # Gate columns in the order [r | z | o | p]. The state kernel stops before p: the
        # proposal takes its state term from r * s later. Each source of the gates (state,
        # previous output, context) has its own kernel, so that only the context's product
        # waits for the attention; see ``call``.
        score_bias = None if attention_mask is None else padding_bias(attention_mask)
        # Every weight the loop needs is read here, once: no variable reads inside the loop.
        constants = StepConstants(
            sequence=sequence,
            projected=projected,
            score_vector=ops.convert_to_tensor(self.V_a),
            attention_kernel=ops.convert_to_tensor(self.W_a),
            state_kernel=ops.concatenate([self.U_r, self.U_z, self.U_o], axis=1),
            output_kernel=ops.concatenate([self.W_r, self.W_z, self.W_o, self.W_p], axis=1),
            context_kernel=ops.concatenate([self.C_r, self.C_z, self.C_o, self.C_p], axis=1),
            gate_bias=ops.concatenate([self.b_r, self.b_z, self.b_o, self.b_p], axis=0),
            proposal_kernel=ops.convert_to_tensor(self.U_p),
            output_kernels=tuple(ops.convert_to_tensor(w) for w in (self.W_o, self.U_o, self.C_o, self.b_o)),
            score_bias=score_bias,
            prev_from_inputs=bool(prev_from_inputs),
        )
        return [s0, y0], constants

    @contextlib.contextmanager
    def bind(self, constants):
        """Make ``constants`` (from ``precompute``) visible to the steps of one loop."""
        token = _STEP_CONSTANTS.set(constants)
        try:
            yield
        finally:
            _STEP_CONSTANTS.reset(token)

    # -- one step -----------------------------------------------------------------------
    def call(self, inputs, states, training=None):
        """One step, the plain RNN-cell contract: ``(output, [new_state, y])``.

        Reads the constants that the layer bound for its loop (``bind``).
        """
        constants = _STEP_CONSTANTS.get()
        if constants is None:
            raise RuntimeError(
                "AttentionDecoderCell reads its encoder sequence from the AttentionDecoder "
                "layer that drives it; use AttentionDecoder(...) rather than RNN(AttentionDecoderCell(...))."
            )
        return self.step(constants, inputs, states)

    def step(self, constants, inputs, states, first=False):
        """One step with explicit constants: ``(output, [new_state, y])``.

        Args:
            constants: the ``StepConstants`` from ``precompute``.
            inputs: the step's slice of the driver (read under teacher forcing only).
            states: ``[s, y]``.
            first: True when the previous output is the ``y_0 = 0`` of the first step
                (a loop that knows its steps): its product, exactly zero, is skipped.
        """
        c = constants
        state = states[0]
        prev_y = inputs if c.prev_from_inputs else states[1]
        units, out = self.units, self.output_dim
        alpha, context = self._attend(c, state)
        # The chain from one state to the next is: s . W_a, the attention, c . C, the gates,
        # (r * s) . U_p. The gate terms from s and from the previous output do not wait for
        # the attention, so they are separate products that the executor can run beside it.
        from_state = ops.dot(state, c.state_kernel)                          # (B, 2U + O)
        from_prev = c.gate_bias if first else ops.dot(prev_y, c.output_kernel) + c.gate_bias
        gates, proposal = ops.split(ops.dot(context, c.context_kernel) + from_prev, (2 * units + out, units))
        gates, logits = ops.split(gates + from_state, (2 * units, out))
        reset, update = ops.split(ops.sigmoid(gates), (units, units))       # one sigmoid for r, z
        proposal = ops.tanh(proposal + ops.dot(reset * state, c.proposal_kernel))
        new_state = state + update * (proposal - state)                      # (1 - z) s + z p
        # Legacy quirk kept on purpose: y_t reads the previous state, not new_state.
        y = self._activate(logits)
        return self._emit(y, alpha), [new_state, y]

    def last_step_output(self, constants, inputs, states, first=False):
        """The output of a step whose new state nothing reads (a loop's last): ``step``'s
        output, computing only the output's own terms (``W_o``, ``U_o``, ``C_o``)."""
        c = constants
        state = states[0]
        prev_y = inputs if c.prev_from_inputs else states[1]
        alpha, context = self._attend(c, state)
        y = None
        if not self.return_probabilities:
            W_o, U_o, C_o, b_o = c.output_kernels
            logits = ops.dot(state, U_o) + ops.dot(context, C_o) + b_o
            if not first:
                logits = logits + ops.dot(prev_y, W_o)
            y = self._activate(logits)
        return self._emit(y, alpha)

    def _attend(self, c, state):
        """The attention weights over the encoder steps and the context, from state ``s``."""
        to_attention = ops.dot(state, c.attention_kernel)                    # (B, U)
        energy = ops.tanh(c.projected + ops.expand_dims(to_attention, 1))     # (B, T, U)
        alpha = softmax_float32(ops.sum(energy * c.score_vector, axis=-1), c.score_bias)  # (B, T)
        # sum_t a_t x_t as a broadcast product and a sum: its gradient is cheaper than an einsum's.
        context = ops.sum(ops.expand_dims(alpha, -1) * c.sequence, axis=1)   # (B, D)
        return alpha, context

    def _activate(self, logits):
        return softmax_float32(logits) if self._softmax_output else self.output_activation(logits)

    def _emit(self, y, alpha):
        """What the step returns as its output: y, the attention, or both side by side."""
        if self.return_attention:
            return ops.concatenate([y, alpha], axis=-1)  # the layer splits them after the loop
        return alpha if self.return_probabilities else y

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zeros; the layer replaces ``s_0`` by ``tanh(x_0 . W_s)`` computed from the input."""
        if batch_size is None and inputs is not None:
            batch_size = ops.shape(inputs)[0]
        dtype = dtype or self.compute_dtype
        return [ops.zeros((batch_size, size), dtype=dtype) for size in self.state_size]

    def get_config(self):
        config = {
            "units": self.units,
            "output_dim": self.output_dim,
            "return_probabilities": self.return_probabilities,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
            "output_activation": keras.activations.serialize(self.output_activation),
            "return_attention": self.return_attention,
        }
        return {**super().get_config(), **config}


def _fresh(initializer):
    """A new instance per weight: an unseeded tf.keras initializer instance repeats its values."""
    return initializer.__class__.from_config(initializer.get_config())
