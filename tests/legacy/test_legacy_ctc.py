"""K.ctc_batch_cost against a brute-force CTC over every alignment, and K.ctc_decode on hand cases."""

import itertools

import numpy as np
import pytest

from compat_attention._keras import keras_ops
from compat_attention.legacy import backend as K

EPS = 1e-7


def collapse(path, blank):
    """CTC's many-to-one map: merge repeats, then drop blanks."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return [c for c in merged if c != blank]


def brute_force_ctc(probs, label):
    """-log of the total probability of the alignments of ``probs`` (T, C) that collapse to
    ``label``, with Keras 2.0's ``y_pred + epsilon`` renormalised per step; blank = C - 1."""
    probs = probs.astype("float64") + EPS
    probs = probs / probs.sum(-1, keepdims=True)
    steps, classes = probs.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        if collapse(path, classes - 1) == list(label):
            total += np.prod(probs[np.arange(steps), path])
    return -np.log(total)


def softmax_rows(logits):
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def test_ctc_batch_cost_matches_brute_force():
    rng = np.random.default_rng(7)
    y_pred = softmax_rows(rng.normal(size=(4, 5, 4)) * 2)  # B=4, T=5, 3 labels + blank (3)
    y_pred[3, 2, :] = [0.0, 0.0, 0.0, 1.0]  # an exact 0: epsilon keeps the loss finite
    y_true = np.array([[0, 1, 9], [1, 1, 9], [2, 9, 9], [0, 2, 1]])  # 9: padding past label_length
    label_length = np.array([[2], [2], [1], [3]])
    input_length = np.array([[5], [5], [3], [5]])
    loss = K.ctc_batch_cost(y_true, y_pred, input_length, label_length)
    got = K.get_value(loss)
    assert got.shape == (4, 1) and got.dtype == np.float32
    expected = [brute_force_ctc(y_pred[b, :input_length[b, 0]], y_true[b, :label_length[b, 0]]) for b in range(4)]
    np.testing.assert_allclose(got[:, 0], expected, rtol=2e-5)


def test_ctc_batch_cost_accepts_flat_lengths_and_batch_of_one():
    y_pred = softmax_rows(np.random.default_rng(3).normal(size=(1, 4, 3)))
    got = K.get_value(K.ctc_batch_cost(np.array([[1, 0]]), y_pred, np.array([4]), np.array([2])))
    assert got.shape == (1, 1)
    assert got[0, 0] == pytest.approx(brute_force_ctc(y_pred[0], [1, 0]), rel=2e-5)


def one_hot_probs(best, classes, sure=0.9):
    probs = np.full((len(best), classes), (1 - sure) / (classes - 1), dtype="float32")
    probs[np.arange(len(best)), best] = sure
    return probs


def test_ctc_decode_greedy_hand_case(backend_dtype):
    blank = 3
    y_pred = np.stack([
        one_hot_probs([0, 0, blank, 0, 1, 1], 4),  # -> 0 (repeat merged), 0 (after a blank), 1
        one_hot_probs([2, blank, 2, 2, 0, 0], 4),  # only 4 valid steps -> 2, 2
    ])
    decoded, log_prob = K.ctc_decode(y_pred, np.array([6, 4]), greedy=True)
    assert len(decoded) == 1
    paths = K.get_value(decoded[0])
    assert paths.dtype == np.dtype(backend_dtype("int64"))  # int32 on JAX without x64
    assert paths.tolist() == [[0, 0, 1], [2, 2, -1]]  # width: the longest decoded path
    # TensorFlow's greedy score, which Keras 2.0 returned: minus the sum of the best log-probability.
    expected = [-6 * np.log(0.9 + EPS), -4 * np.log(0.9 + EPS)]
    got = K.get_value(log_prob)
    assert got.shape == (2, 1)
    np.testing.assert_allclose(got[:, 0], expected, rtol=1e-5)


def test_ctc_decode_beam_search_finds_what_greedy_misses():
    # One label (0) and the blank (1): each step 0.4 / 0.6. Best path: blank, blank (0.36);
    # most probable labelling: "0" (0.4*0.4 + 0.4*0.6 + 0.6*0.4 = 0.64).
    y_pred = np.array([[[0.4, 0.6], [0.4, 0.6]]], dtype="float32")
    greedy, _ = K.ctc_decode(y_pred, np.array([2]), greedy=True)
    assert K.get_value(greedy[0]).shape == (1, 0)
    beams, log_prob = K.ctc_decode(y_pred, np.array([2]), greedy=False, beam_width=10, top_paths=2)
    assert [K.get_value(b).tolist() for b in beams] == [[[0]], [[]]]
    np.testing.assert_allclose(K.get_value(log_prob), [[np.log(0.64), np.log(0.36)]], atol=1e-4)


def test_flavour_helper_takes_log_probabilities_and_lengths():
    """The flavour-specific helper (keras.ops on Keras 3, tf.nn on Keras 2): blank last, lengths honoured."""
    rng = np.random.default_rng(5)
    y_pred = softmax_rows(rng.normal(size=(2, 4, 3)))
    logits = np.log(y_pred + EPS)
    loss = K.get_value(keras_ops.ctc_loss_blank_last(np.array([[1, 0], [0, 9]]), logits,
                                                         np.array([2, 1]), np.array([4, 3])))
    expected = [brute_force_ctc(y_pred[0], [1, 0]), brute_force_ctc(y_pred[1, :3], [0])]
    np.testing.assert_allclose(loss, expected, rtol=2e-5)
