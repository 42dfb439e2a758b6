"""How the decoder's steps are run: the speed policy, apart from the math of a step.

Two choices, both with the same numbers as the plain RNN loop:

* **Unrolling.** Sequences with a static length up to ``AUTO_UNROLL_MAX_STEPS`` are
  decoded by a Python loop (unrolled into the graph) whatever ``unroll`` says; the
  unrolled loop knows its first step (``y_0 = 0``: its product is skipped) and its last
  (nothing reads the new state: only the output is computed). Longer or dynamic ones use
  ``keras.layers.RNN``'s symbolic loop. Unrolling drops the loop's per-step bookkeeping,
  which at the tutorial's T=5 costs more than the step itself (see benchmarks/); graph size
  and compile time grow with T, hence the bound.
* **Batch chains.** A decoder step is a chain of small ops (a (64, 150) matrix product,
  a tanh over (64, 5, 150)), each too small for TensorFlow to spread over several cores.
  Its graph executor does run independent ops at once, though, so two half-batch decoding
  chains keep two CPU cores busy where one chain leaves one idle: on the tutorial model the
  attention/baseline speed ratio goes from 0.84 to 0.96 in training and predict on Keras 3
  (benchmarks/results/). The rows never mix. ``AttentionDecoder(decode_chains=...)`` sets
  it: ``"auto"`` cuts in two where that helps (``_keras.ops.parallel_executor_cores``) and
  the batch has at least ``MIN_CHAIN_ROWS`` rows per piece; an integer forces the count
  where a cut is possible (``1`` turns it off). The environment variable
  ``COMPAT_ATTENTION_CHAINS`` overrides both (the benchmark uses it to time either way).
"""

import os

from .._keras.flavour import keras
from .._keras.ops import as_tuple, can_cut_here, cut_rows, if_rows_at_least, ops, parallel_executor_cores

#: Sequences with a static length up to this are decoded by an unrolled Python loop.
AUTO_UNROLL_MAX_STEPS = 16

#: Fewest batch rows per chain worth a chain of its own.
MIN_CHAIN_ROWS = 8

#: The environment variable that overrides ``decode_chains``.
CHAINS_VARIABLE = "COMPAT_ATTENTION_CHAINS"


def check_decode_chains(value):
    """Validate a ``decode_chains`` setting: ``"auto"`` or a positive int. Returns it."""
    if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return value
    raise ValueError("AttentionDecoder(decode_chains=%r): pass 'auto' or a positive integer "
                     "(1 decodes the batch as one chain)." % (value,))


def _forced_chains():
    forced = os.environ.get(CHAINS_VARIABLE, "").strip()
    if not forced:
        return None
    if not forced.isdigit() or int(forced) < 1:
        raise ValueError("%s=%r: set it to a positive integer (1 turns the cut off), or unset it."
                         % (CHAINS_VARIABLE, forced))
    return int(forced)


def chain_count(batch_size=None, setting="auto"):
    """Into how many pieces to cut the batch so the pieces decode side by side (1: no cut).

    Args:
        batch_size: The static batch size, or None when it is only known at run time
            (the caller then checks it there, ``if_rows_at_least``).
        setting: The layer's ``decode_chains``: ``"auto"`` or a positive int.

    Returns:
        A positive int.
    """
    if not can_cut_here():
        return 1
    if batch_size is not None and batch_size < 2 * MIN_CHAIN_ROWS:
        return 1
    forced = _forced_chains()
    if forced is not None:
        return forced
    if setting != "auto":
        return setting
    return parallel_executor_cores()


def unrolls(layer, driver):
    """Whether the steps over ``driver`` run as an unrolled Python loop (else the RNN's loop)."""
    steps = as_tuple(driver.shape)[1]
    return (steps is not None and 0 < steps <= AUTO_UNROLL_MAX_STEPS
            and not (layer.return_state or layer.go_backwards))


def decode(layer, driver, states, constants, training):
    """Run ``layer``'s steps over ``driver`` from ``states``, in chains where that pays.

    Args:
        layer: the ``AttentionDecoder``.
        driver: the sequence the loop steps over (one step per driver step).
        states: ``[s_0, y_0]``.
        constants: the cell's ``StepConstants`` for this batch.
        training: the call's ``training``.

    Returns:
        What ``keras.layers.RNN.call`` returns for this layer.
    """
    # Only the unrolled loop is cut: XLA cannot compile an RNN while loop inside the tf.cond
    # that picks the pieces at run time, and long sequences gain little from it.
    chains = chain_count(as_tuple(driver.shape)[0], layer.decode_chains) if unrolls(layer, driver) else 1

    def whole():
        return _loop(layer, driver, states, constants, training)

    def in_pieces():
        def cut(tensor):
            return cut_rows(tensor, chains)

        pieces = [
            _loop(layer, piece_driver, list(piece_states), piece_constants, training)
            for piece_driver, piece_states, piece_constants
            in zip(cut(driver), zip(*map(cut, states)), _cut_constants(constants, cut))
        ]
        return ops.concatenate(pieces, axis=0)

    return whole() if chains == 1 else if_rows_at_least(driver, chains * MIN_CHAIN_ROWS, in_pieces, whole)


def _loop(layer, driver, states, constants, training):
    with layer.cell.bind(constants):
        if unrolls(layer, driver):
            return _unrolled(layer, driver, states, constants, training)
        return keras.layers.RNN.call(layer, driver, initial_state=states, mask=None, training=training)


def _unrolled(layer, driver, states, constants, training):
    """The steps as a Python loop: the first skips ``y_0``'s zero product, the last computes
    only the output (nothing reads its state).

    With one or two steps, those short cuts would leave the previous-output gate kernels
    (``W_r``, ``W_z``, ``W_p``) out of the graph, and Keras would warn that they have no
    gradient; there every step runs whole, so they get their exact gradient, zero.
    """
    cell, steps, outputs = layer.cell, as_tuple(driver.shape)[1], []
    short_cuts = steps >= 3
    for t in range(steps):
        step_input = driver[:, t] if constants.prev_from_inputs else None
        first = short_cuts and t == 0
        if short_cuts and t == steps - 1:
            outputs.append(cell.last_step_output(constants, step_input, states, first=first))
        else:
            output, states = cell.step(constants, step_input, states, first=first)
            outputs.append(output)
    return ops.stack(outputs, axis=1) if layer.return_sequences else outputs[-1]


def _cut_constants(constants, cut):
    """The ``StepConstants`` of each piece of the batch (the weights are shared by all pieces)."""
    sequences, projections = cut(constants.sequence), cut(constants.projected)
    biases = [None] * len(sequences) if constants.score_bias is None else cut(constants.score_bias)
    return [constants._replace(sequence=x, projected=p, score_bias=b)
            for x, p, b in zip(sequences, projections, biases)]
