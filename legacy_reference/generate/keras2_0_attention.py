"""A legacy ``AttentionDecoder`` for the Keras 2.0.8 stack, written clean-room from LEGACY_SEMANTICS.md.

The corpus programs in ``tests/migrate_corpus/`` copy the legacy attention module, whose body is
left out of this repository (its licence keeps it out). To run those programs on the real Keras
2.0.8 stack, ``record_corpus.py`` puts this class in place of the stub. It is written from the
fact sheet only (constructor, the 21 weights in their order, the recurrence, the configuration),
and checked against the original layer's golden outputs by ``check_keras2_0_attention.py``.

Runs on Python 3.6 with ``keras==2.0.8`` and ``tensorflow==1.3.0`` only (it subclasses Keras
2.0.8's ``Recurrent``); CI never imports it.
"""

from keras import activations, constraints, initializers, regularizers
from keras import backend as K
from keras.engine import InputSpec
from keras.layers.recurrent import Recurrent

#: The weights, in creation order (the order a legacy ``.h5`` stores them), with the
#: initializer family each one takes: "kernel", "recurrent" or "bias".
_ATTENTION_WEIGHTS = (("V_a", "kernel"), ("W_a", "kernel"), ("U_a", "kernel"), ("b_a", "bias"))
_GATES = ("r", "z", "p", "o")
_STATE_WEIGHT = ("W_s", "recurrent")


def _weight_shape(name, input_dim, units, output_dim):
    """Shape of the legacy weight ``name`` for D = ``input_dim``, U = ``units``, O = ``output_dim``."""
    kind, gate = name.split("_")
    width = output_dim if gate == "o" else units
    if name == "V_a":
        return (units,)
    if name == "W_a":
        return (units, units)
    if name in ("U_a", "W_s"):
        return (input_dim, units)
    if kind == "b":
        return (width,)
    rows = {"C": input_dim, "U": units, "W": output_dim}[kind]
    return (rows, width)


def _softmax_plain(scores, axis):
    """exp / sum(exp) without subtracting the maximum, as the legacy layer computed it."""
    raised = K.exp(scores)
    return raised / K.sum(raised, axis=axis, keepdims=True)


class AttentionDecoder(Recurrent):
    """The legacy attention decoder: a GRU-like state that reads an attention context each step.

    Args:
        units: size of the decoder state (U).
        output_dim: size of each output step (O); outputs are a softmax over it.
        activation: stored and returned by nothing: the legacy layer hard-wires ``tanh``.
        return_probabilities: emit the attention weights (B, T, 1) per step instead of outputs.
        name: the layer name; the literal ``'AttentionDecoder'`` by default.
        kernel_initializer: for ``V_a``, ``W_a``, ``U_a``.
        recurrent_initializer: for every ``C_*``, ``U_*``, ``W_*`` gate matrix and ``W_s``.
        bias_initializer: for every ``b_*``.
        kernel_regularizer, kernel_constraint: on the kernel AND the recurrent matrices.
        bias_regularizer, bias_constraint: on the biases.
        activity_regularizer: on the output.
        **kwargs: the ``Recurrent`` arguments.
    """

    def __init__(self, units, output_dim, activation="tanh", return_probabilities=False,
                 name="AttentionDecoder", kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        kwargs.setdefault("return_sequences", True)
        super(AttentionDecoder, self).__init__(**kwargs)
        self.units = units
        self.output_dim = output_dim
        self.activation = activations.get(activation)
        self.return_probabilities = return_probabilities
        self.name = name
        self._initializer = {"kernel": initializers.get(kernel_initializer),
                             "recurrent": initializers.get(recurrent_initializer),
                             "bias": initializers.get(bias_initializer)}
        kernel_reg, bias_reg = regularizers.get(kernel_regularizer), regularizers.get(bias_regularizer)
        kernel_con, bias_con = constraints.get(kernel_constraint), constraints.get(bias_constraint)
        self._regularizer = {"kernel": kernel_reg, "recurrent": kernel_reg, "bias": bias_reg}
        self._constraint = {"kernel": kernel_con, "recurrent": kernel_con, "bias": bias_con}
        self.activity_regularizer = regularizers.get(activity_regularizer)

    def _weight_plan(self):
        """(name, initializer family) for the 21 weights, in the legacy creation order."""
        plan = list(_ATTENTION_WEIGHTS)
        for gate in _GATES:
            plan += [("C_" + gate, "recurrent"), ("U_" + gate, "recurrent"), ("W_" + gate, "recurrent"),
                     ("b_" + gate, "bias")]
        return plan + [_STATE_WEIGHT]

    def build(self, input_shape):
        batch, steps, input_dim = input_shape
        self.input_dim, self.timesteps = input_dim, steps
        self.states = [None, None]  # previous output y, previous state s
        self.w = {}
        for name, family in self._weight_plan():
            self.w[name] = self.add_weight(
                name=name, shape=_weight_shape(name, input_dim, self.units, self.output_dim),
                initializer=self._initializer[family], regularizer=self._regularizer[family],
                constraint=self._constraint[family])
        self.input_spec = [InputSpec(shape=(batch, steps, input_dim))]
        self.built = True

    def _initial_states(self, sequence):
        first = sequence[:, 0, :]
        state = K.tanh(K.dot(first, self.w["W_s"]))                       # s_0, no bias
        per_sample = K.expand_dims(K.sum(K.zeros_like(first), axis=1))   # (B, 1) zeros
        no_output = K.tile(per_sample, [1, self.output_dim])              # y_0 = 0, (B, O)
        return [no_output, state]

    def call(self, x):
        # No ``mask`` argument: Keras 2.0.8 then never hands the mask to the recurrence,
        # so the decoder attends over padded steps too (the legacy behaviour).
        steps = K.int_shape(x)[1]
        projected = K.dot(x, self.w["U_a"]) + self.w["b_a"]               # (B, T, U), once
        _, outputs, _ = K.rnn(self.step, x, self._initial_states(x), constants=[x, projected],
                              input_length=steps)
        return outputs

    def _gate(self, gate, prev_output, state, context):
        return (K.dot(prev_output, self.w["W_" + gate]) + K.dot(state, self.w["U_" + gate])
                + K.dot(context, self.w["C_" + gate]) + self.w["b_" + gate])

    def step(self, inputs, states):
        prev_output, state, sequence, projected = states
        # Attention over every encoder step, from the previous state.
        query = K.expand_dims(K.dot(state, self.w["W_a"]), 1)           # (B, 1, U)
        scores = K.squeeze(K.dot(K.tanh(projected + query), K.expand_dims(self.w["V_a"])), 2)
        weights = _softmax_plain(scores, axis=1)                          # (B, T)
        context = K.sum(K.expand_dims(weights) * sequence, axis=1)        # (B, D)

        reset = K.sigmoid(self._gate("r", prev_output, state, context))
        update = K.sigmoid(self._gate("z", prev_output, state, context))
        proposal = K.tanh(K.dot(prev_output, self.w["W_p"]) + K.dot(reset * state, self.w["U_p"])
                          + K.dot(context, self.w["C_p"]) + self.w["b_p"])
        new_state = (1.0 - update) * state + update * proposal
        # The output reads the state from BEFORE this step's update (a legacy quirk).
        output = K.softmax(self._gate("o", prev_output, state, context))
        emitted = K.expand_dims(weights) if self.return_probabilities else output
        return emitted, [output, new_state]

    def compute_output_shape(self, input_shape):
        width = input_shape[1] if self.return_probabilities else self.output_dim
        return (input_shape[0], input_shape[1], width)

    def get_config(self):
        config = super(AttentionDecoder, self).get_config()
        config.update(units=self.units, output_dim=self.output_dim,
                      return_probabilities=self.return_probabilities)
        return config
