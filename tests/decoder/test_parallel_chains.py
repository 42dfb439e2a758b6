"""The decoder's speed paths give the numbers of the plain one.

The unrolled loop (T <= 16) against the RNN's symbolic loop, for every option, is checked in
``test_beyond_legacy.py``. In TensorFlow graph mode on a multi-core CPU the layer also decodes
the batch as two independent half-batch chains (``decoder/loops.py``,
``AttentionDecoder(decode_chains=...)``); eager calls do not cut, so graph against eager
compares the two.
"""

import os

import numpy as np
import pytest

from compat_attention import AttentionDecoder
from compat_attention._keras import ops as keras_ops
from compat_attention._keras.flavour import BACKEND, CAN_CUT_BATCH, keras
from compat_attention.decoder import loops

tensorflow_only = pytest.mark.skipif(BACKEND != "tensorflow", reason="the cut is for TensorFlow's graph executor")
cut_supported = pytest.mark.skipif(
    not CAN_CUT_BATCH, reason="TF < 2.12 decodes as one chain (test_old_tensorflow_never_cuts)")


@pytest.mark.skipif(BACKEND != "tensorflow" or CAN_CUT_BATCH, reason="TF 2.8-2.11 only")
def test_old_tensorflow_never_cuts(two_cpu_cores):
    import tensorflow as tf

    seen = []

    @tf.function
    def graph():
        seen.append(loops.chain_count(None))
        return tf.constant(0)

    graph()
    assert seen == [1]


@pytest.fixture
def two_cpu_cores(monkeypatch):
    """A CPU-only machine with two cores, whatever runs the tests."""
    import tensorflow as tf

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delenv("COMPAT_ATTENTION_CHAINS", raising=False)
    real = tf.config.list_logical_devices
    monkeypatch.setattr(tf.config, "list_logical_devices",
                        lambda kind=None: [] if kind == "GPU" else real(kind))


def chains_in(fn, *args):
    """How many pieces ``fn`` cuts the batch into, seen through the layer's loop calls."""
    calls = []
    loop = loops._loop

    def counting(*a, **k):
        calls.append(1)
        return loop(*a, **k)

    loops._loop = counting
    try:
        result = fn(*args)
    finally:
        loops._loop = loop
    return len(calls), result


@tensorflow_only
@cut_supported
def test_cut_only_where_the_executor_runs_pieces_side_by_side(two_cpu_cores, monkeypatch):
    import tensorflow as tf

    def in_graph(batch):
        seen = []

        @tf.function  # a new function each time: a cached trace would not ask again
        def graph():
            seen.append(loops.chain_count(batch))
            return tf.constant(0)

        graph()
        return seen[0]

    assert in_graph(None) == 2
    assert in_graph(64) == 2
    assert in_graph(2 * loops.MIN_CHAIN_ROWS - 1) == 1  # too few rows for two pieces
    assert loops.chain_count(64) == 1  # eager: ops run one by one anyway
    monkeypatch.setenv("COMPAT_ATTENTION_CHAINS", "1")  # the user's switch
    assert in_graph(None) == 1
    monkeypatch.setenv("COMPAT_ATTENTION_CHAINS", "3")
    assert in_graph(None) == 3
    monkeypatch.setenv("COMPAT_ATTENTION_CHAINS", "two")
    with pytest.raises(ValueError, match="COMPAT_ATTENTION_CHAINS='two': set it to a positive integer"):
        in_graph(None)
    monkeypatch.delenv("COMPAT_ATTENTION_CHAINS")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert in_graph(None) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(tf.config, "list_logical_devices", lambda kind=None: ["a GPU"])
    assert in_graph(None) == 1


@tensorflow_only
def test_small_batches_decode_whole_when_the_size_is_known_only_at_run_time():
    import tensorflow as tf

    def pick(x):
        return keras_ops.if_rows_at_least(x, 16, lambda: tf.constant("pieces"), lambda: tf.constant("whole"))

    dynamic = tf.function(pick, input_signature=[tf.TensorSpec((None, 3))])
    assert [dynamic(tf.zeros((n, 3))).numpy() for n in (1, 15, 16, 40)] == [b"whole", b"whole", b"pieces", b"pieces"]
    static = tf.function(pick)
    assert static(tf.zeros((15, 3))).numpy() == b"whole" and static(tf.zeros((16, 3))).numpy() == b"pieces"
    # A static size decides when traced: no tf.cond is built.
    assert "If" not in {op.type for op in static.get_concrete_function(tf.zeros((16, 3))).graph.get_operations()}


CASES = {
    "legacy": dict(),
    "attention_and_mask": dict(return_attention=True, mask_attention=True),
    "probabilities": dict(return_probabilities=True),
    "longer_output": dict(output_length=7),
    "return_state": dict(return_state=True),
}


#: Every option on the unrolled loop (5 steps); on 20 input steps, the RNN's symbolic loop (not
#: cut) and a 7-step output decoded by the unrolled loop from a 20-step encoder.
PIECE_CASES = [(case, 5) for case in sorted(CASES)] + [("legacy", 20), ("longer_output", 20)]


@tensorflow_only
@cut_supported
@pytest.mark.parametrize("batch", [17])  # two uneven pieces
@pytest.mark.parametrize("case,steps", PIECE_CASES)
def test_pieces_decode_to_the_numbers_of_the_whole_batch(two_cpu_cores, case, batch, steps):
    import tensorflow as tf

    rng = np.random.RandomState(batch + steps)
    x = rng.normal(size=(batch, steps, 12)).astype("float32")
    x[:, -2:] = 0.0  # padding for the mask case
    inputs = keras.layers.Input((steps, 12))
    masked = keras.layers.Masking(0.0)(inputs) if CASES[case].get("mask_attention") else inputs
    outputs = AttentionDecoder(16, 10, **CASES[case])(masked)
    model = keras.Model(inputs, outputs)

    def loss_and_grads(data):
        with tf.GradientTape() as tape:
            result = tf.nest.flatten(model(data, training=True))
            loss = tf.add_n([tf.reduce_sum(r ** 2) for r in result])
        return result, tape.gradient(loss, model.trainable_weights)

    eager_chains, (eager_out, eager_grads) = chains_in(loss_and_grads, tf.constant(x))
    graph_fn = tf.function(loss_and_grads, input_signature=[tf.TensorSpec((None, steps, 12))])
    graph_chains, (graph_out, graph_grads) = chains_in(graph_fn, tf.constant(x))

    # Eager decodes the whole batch. The graph of the unrolled loop holds both the whole batch
    # and two pieces (the batch size picks one at run time); the RNN's loop is not cut.
    decoded = CASES[case].get("output_length", steps)
    unrolled = decoded <= loops.AUTO_UNROLL_MAX_STEPS and not CASES[case].get("return_state")
    assert (eager_chains, graph_chains) == (1, 3 if unrolled else 1)
    assert len(graph_out) == len(eager_out)
    for got, want in zip(graph_out, eager_out):
        assert got.shape == want.shape
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    for got, want in zip(graph_grads, eager_grads):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-5)


@tensorflow_only
@cut_supported
def test_decode_chains_is_a_constructor_setting_that_serializes(two_cpu_cores, monkeypatch):
    import tensorflow as tf

    def in_graph(setting, batch=None):
        seen = []

        @tf.function
        def graph():
            seen.append(loops.chain_count(batch, setting))
            return tf.constant(0)

        graph()
        return seen[0]

    assert (in_graph("auto"), in_graph(1), in_graph(3)) == (2, 1, 3)
    assert in_graph(3, batch=2 * loops.MIN_CHAIN_ROWS - 1) == 1  # too few rows, whatever the setting
    monkeypatch.setenv("COMPAT_ATTENTION_CHAINS", "1")  # the variable overrides the setting
    assert in_graph(3) == 1
    layer = AttentionDecoder(8, 4, decode_chains=1)
    assert layer.get_config()["decode_chains"] == 1
    assert AttentionDecoder.from_config(layer.get_config()).decode_chains == 1
    assert AttentionDecoder(8, 4).decode_chains == "auto"
    for bad in (0, -2, "two", True, 1.5):
        with pytest.raises(ValueError, match="decode_chains=.*pass 'auto' or a positive integer"):
            AttentionDecoder(8, 4, decode_chains=bad)
