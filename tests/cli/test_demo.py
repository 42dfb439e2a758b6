"""The tutorial demo: its data follow the tutorial, and a reduced run learns."""

import numpy as np
import pytest

from compat_attention.cli import main as cli
from compat_attention.cli.demo import (echo_attention_model, echo_baseline_model, echo_pairs, exact_sequence_accuracy,
                                       plot_losses, train_and_score)
from support.tutorial import PNG_SIGNATURE


def test_echo_pairs_follow_the_tutorial():
    x, y = echo_pairs(200, np.random.RandomState(0))
    assert x.shape == y.shape == (200, 5, 50)
    np.testing.assert_array_equal(x.sum(-1), 1.0)  # one-hot
    ints, target = x.argmax(-1), y.argmax(-1)
    np.testing.assert_array_equal(target[:, :2], ints[:, :2])  # the first 2 symbols echoed
    assert (target[:, 2:] == 0).all()  # then zeros
    assert ints.min() == 0 and ints.max() == 49  # symbols 0..49, as randint(0, n_unique - 1)


def test_exact_sequence_accuracy_needs_every_position():
    class Fixed(object):
        def __init__(self, out):
            self.out = out

        def predict(self, x, verbose=0):
            return self.out

    _, y = echo_pairs(4, np.random.RandomState(1))
    wrong_last = y.copy()
    wrong_last[0, -1] = np.roll(wrong_last[0, -1], 1)
    assert exact_sequence_accuracy(Fixed(y), None, y) == 1.0
    assert exact_sequence_accuracy(Fixed(wrong_last), None, y) == 0.75


def test_reduced_attention_run_learns_the_echo_task():
    # Guessing the 2 echoed symbols among 50 gets an exact sequence with probability
    # 1/2500; P(>= 5 of 100 by chance) < 1e-9. 5% exact sequences means it learned.
    accuracy, losses = train_and_score(echo_attention_model, np.random.RandomState(3), pairs=2000, epochs=20,
                                       verbose=0)
    print("reduced demo (2000 pairs): attention exact-sequence accuracy %.2f" % accuracy)
    assert accuracy >= 0.05
    assert len(losses) == 20 and losses[-1] < losses[0]


def test_baseline_model_is_the_tutorials():
    model = echo_baseline_model()
    assert [type(l).__name__ for l in model.layers] == ["LSTM", "RepeatVector", "LSTM", "TimeDistributed"]
    assert model.output_shape == (None, 5, 50)


def test_plot_losses_writes_a_png_or_says_how_to_get_one(tmp_path):
    path = str(tmp_path / "loss.png")
    losses = {"baseline": [[3.0, 2.5, 2.4]], "attention": [[3.0, 1.0, 0.2]]}
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match=r"pip install matplotlib \(from a clone of compat_attention: pip install '\.\[plot\]'\)"):
            plot_losses(losses, path)
        return
    plot_losses(losses, path)
    with open(path, "rb") as f:
        assert f.read(8) == PNG_SIGNATURE


def test_cli_demo_runs_end_to_end_in_a_tiny_form(tmp_path, capsys):
    png = str(tmp_path / "demo.png")
    assert cli.main(["demo", "--repeats", "1", "--pairs", "100", "--png", png]) == 0
    out = capsys.readouterr().out
    assert "Encoder-Decoder With Attention" in out and "Mean accuracy over 1 repeats" in out
