"""compat_attention.io.archive: a tf.keras 2 .keras archive read as an .h5 is, so that it gets the same checks.

The archives of ``tests/data/attention_pkg/`` were written by the attention package on TF 2.14; the
edited copies here test that the structure and resource checks every .h5 gets reach archives too.
"""

import json
import os
import zipfile

import pytest

from compat_attention import errors, load_attention_package_model
from compat_attention._keras.saving import READS_KERAS_V3_FILES
from compat_attention._keras.flavour import describe
from compat_attention.io.archive import read_archive
from support import DATA

LUONG = os.path.join(DATA, "attention_pkg", "luong_functional.keras")
pytestmark = pytest.mark.skipif(not READS_KERAS_V3_FILES, reason="%s reads no .keras archive: refused before it is "
                                "opened (test_attention_package.py)" % describe())


def _edited(tmp_path, edit):
    """A copy of the Luong archive whose config.json went through ``edit``."""
    path = str(tmp_path / "edited.keras")
    with zipfile.ZipFile(LUONG) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode("utf-8")
            target.writestr(name, data)
    return path


def test_read_archive_gives_what_the_h5_reader_gives():
    legacy = read_archive(LUONG)
    assert (legacy.format, legacy.keras_version, legacy.is_weights_only) == ("keras", "2.14.0", False)
    assert legacy.model_config["class_name"] == "Functional" and legacy.weights == {}
    # Stored under the archive's attribute paths: LSTM 8*64 + 16*64 + 64, Attention 16*16 + 32*32, Dense 32*3 + 3.
    assert legacy.stored_parameters == {"attention": 1280, "dense": 99, "input_layer": 0, "lstm": 1600}
    assert legacy.training_config == {"optimizer_config": {"class_name": "adam", "config": {}}, "loss": "mse",
                                      "metrics": None, "loss_weights": None}


def test_the_structure_checks_reach_archives(tmp_path):
    def rename(config):
        config["config"]["layers"][2]["name"] = config["config"]["layers"][1]["name"]
    path = _edited(tmp_path, rename)
    with pytest.raises(errors.MalformedFileError, match="also that of layer 1"):
        load_attention_package_model(path)


def test_the_resource_checks_reach_archives(tmp_path):
    def widen(config):
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "LSTM":
                layer["config"]["units"] = 10 ** 5
    path = _edited(tmp_path, widen)
    with pytest.raises(errors.ResourceLimitError, match="need at least .* parameters, over the limit of"):
        load_attention_package_model(path)


def test_an_archive_of_a_version_no_source_reads_is_refused():
    path = os.path.join(DATA, "attention_pkg", "ours_keras3_luong_functional.keras")
    with pytest.raises(errors.UnsupportedVersionError, match="written by Keras 3.*this reader handles Keras 2.x files"):
        read_archive(path, keras_versions=("2.",))
