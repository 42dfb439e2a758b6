"""Keras 3.0-3.3.2 cannot reload a .keras file holding a Bidirectional layer: plain Keras.

``RELOADS_BIDIRECTIONAL_ARCHIVES`` (``_keras/saving.py``) says whether the running Keras can;
the first test holds it to what Keras really does, with no layer of ours in the model. Where it
cannot, ``convert_legacy_model`` refuses to write such a ``.keras`` file (one typed line, nothing
written) instead of leaving a file that no Keras of that version loads.
"""

import os

import numpy as np
import pytest

from compat_attention import convert_legacy_model, errors
from compat_attention._keras.flavour import describe, keras
from compat_attention._keras.saving import RELOADS_BIDIRECTIONAL_ARCHIVES, SAVE_SUFFIXES
from compat_attention.cli import main as cli
from legacy_reference import oracle
from support.harness import numbers, sha256

needs_archives = pytest.mark.skipif(".keras" not in SAVE_SUFFIXES,
                                    reason="%s writes no .keras archive" % describe())


@needs_archives
def test_keras_reloads_its_own_bidirectional_archive_as_the_flag_says(tmp_path):
    inputs = keras.Input((5, 3))
    outputs = keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True))(inputs)
    model = keras.Model(inputs, outputs)
    x = np.random.RandomState(0).normal(size=(2, 5, 3)).astype("float32")
    path = str(tmp_path / "plain.keras")
    model.save(path)
    if RELOADS_BIDIRECTIONAL_ARCHIVES:
        again = keras.models.load_model(path)
        np.testing.assert_allclose(numbers(again, x)[0], numbers(model, x)[0], atol=1e-6)
    else:
        with pytest.raises(ValueError, match="expected 3 variables, but received 0"):
            keras.models.load_model(path)


@needs_archives
def test_convert_to_keras_is_refused_where_keras_cannot_reload_a_bidirectional(tmp_path, capsys):
    if RELOADS_BIDIRECTIONAL_ARCHIVES:
        pytest.skip("%s reloads them: the conversion runs (test_legacy_h5.py)" % describe())
    source = oracle.golden_path("nmt_bilstm.h5")
    before = sha256(source)
    out = str(tmp_path / "nmt.keras")
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        convert_legacy_model(source, out)
    message = str(caught.value)
    assert "\n" not in message and out in message
    assert "'bidirectional_1'" in message and "pip install 'keras>=3.3.3'" in message
    assert os.listdir(str(tmp_path)) == []  # nothing written, no temp file left

    existing = tmp_path / "kept.keras"
    existing.write_bytes(b"an earlier output")
    assert cli.main(["convert", source, str(existing), "--overwrite"]) != 0
    assert existing.read_bytes() == b"an earlier output"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bidirectional_1" in err[0]
    assert sha256(source) == before

