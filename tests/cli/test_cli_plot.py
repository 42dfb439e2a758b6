"""`compat-attention plot`: the heatmap of a saved model's attention, refusals that write nothing."""

import os

import numpy as np
import pytest

from compat_attention.cli import main as cli
from compat_attention._keras.saving import SAVE_SUFFIXES
from support.tutorial import PNG_SIGNATURE, tutorial_inputs, tutorial_model


@pytest.fixture
def model_path(tmp_path):
    """The tutorial's model, saved in the running Keras's first format."""
    path = str(tmp_path / ("model" + SAVE_SUFFIXES[0]))
    tutorial_model().save(path)
    return path


def test_cli_plot_writes_the_heatmap_of_a_saved_model(tmp_path, capsys, model_path):
    pytest.importorskip("matplotlib")
    inputs = str(tmp_path / "x.npy")
    np.save(inputs, tutorial_inputs())
    out = str(tmp_path / "att.png")
    code = cli.main(["plot", model_path, "--input", inputs, "--index", "2", "--out", out,
                     "--input-labels", "a b c d e"])
    assert code == 0
    assert "wrote %s (5 decoded steps x 5 encoder steps)" % out in capsys.readouterr().out
    with open(out, "rb") as f:
        assert f.read(8) == PNG_SIGNATURE


def test_cli_plot_refuses_bad_input_without_writing(tmp_path, capsys, model_path):
    bad = tmp_path / "x.npy"
    bad.write_bytes(b"not numpy at all")
    out = tmp_path / "att.png"
    out.write_bytes(b"existing")
    assert cli.main(["plot", model_path, "--input", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(bad) in err and "numpy.save" in err
    assert bad.read_bytes() == b"not numpy at all" and out.read_bytes() == b"existing"
    good = str(tmp_path / "good.npy")
    np.save(good, tutorial_inputs())
    assert cli.main(["plot", model_path, "--input", good, "--index", "7", "--out", str(out)]) == 1
    assert "--index 7 but the file holds 3 examples" in capsys.readouterr().err
    assert out.read_bytes() == b"existing"
    not_a_model = tmp_path / ("broken" + SAVE_SUFFIXES[0])
    not_a_model.write_bytes(b"garbage")
    assert cli.main(["plot", str(not_a_model), "--input", good, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(not_a_model) in err
    assert out.read_bytes() == b"existing" and os.path.getsize(str(not_a_model)) == 7
