"""compat_attention.io.h5file: a Keras 2 .h5 read once, read-only; its optimizer state when asked for; JSON bounded."""

import os

import h5py
import numpy as np
import pytest

from compat_attention import errors
from compat_attention.io import h5file
from compat_attention.io.h5file import parse_json, read_legacy_file
from legacy_reference import oracle
from support import DATA, ROOT
from support.harness import sha256

COMPILED = os.path.join(ROOT, "legacy_reference", "zoo", "compiled_adam.h5")


def test_a_model_file_is_read_with_its_weights_and_sizes():
    path = oracle.golden_path("echo_seq_full.h5")
    before = sha256(path)
    legacy = read_legacy_file(path)
    assert (legacy.keras_version, legacy.format, legacy.is_weights_only) == ("2.0.8", "h5", False)
    assert legacy.model_config["class_name"] == "Sequential" and isinstance(legacy.training_config, dict)
    decoder = [name for name in legacy.weights if "attention" in name.lower()][0]
    assert len(legacy.weights[decoder]) == 21
    assert legacy.stored_parameters[decoder] == sum(a.size for _, a in legacy.weights[decoder])
    assert legacy.optimizer_weights == [] and legacy.source is None
    assert sha256(path) == before


def test_optimizer_weights_are_read_only_when_asked_for_and_size_checked():
    assert read_legacy_file(COMPILED).optimizer_weights == []
    legacy = read_legacy_file(COMPILED, optimizer_weights=True)
    names = [name for name, _ in legacy.optimizer_weights]
    assert names[0] == "Adam/iterations:0" and names[1:] == ["training/Adam/Variable%s:0" % ("_%d" % i if i else "")
                                                             for i in range(8)]
    assert legacy.optimizer_weights[0][1].shape == ()
    model_total = sum(legacy.stored_parameters.values())
    with pytest.raises(errors.ResourceLimitError, match="layer 'optimizer_weights', weight 'training/Adam/Variable_3:0'"):
        read_legacy_file(COMPILED, max_parameters=model_total, optimizer_weights=True)
    read_legacy_file(COMPILED, max_parameters=model_total)  # the model's own weights fit that cap


def test_a_version_no_source_reads_is_refused_before_its_weights_are_read(monkeypatch, tmp_path):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the weights were read")

    monkeypatch.setattr(h5file, "_read_weights", must_not_run)
    with pytest.raises(errors.UnsupportedVersionError) as caught:
        read_legacy_file(oracle.golden_path("echo_seq.h5"), keras_versions=("3.",))
    assert str(caught.value).endswith("was written by Keras 2.0.8; this reader handles Keras 3.x files; "
                                      "load it with keras.models.load_model")
    assert caught.value.version == "2.0.8"


def test_a_weights_h5_of_tf_keras_2_13_is_refused_as_one():
    path = os.path.join(DATA, "attention_pkg", "luong_functional.weights.h5")
    with pytest.raises(errors.NotAKerasFileError, match=r"is a \.weights\.h5 file"):
        read_legacy_file(path)


def test_parse_json_bounds_depth_and_names_what_is_wrong():
    assert parse_json("m.h5", b'{"a": [1, {"b": null}]}', "model_config") == {"a": [1, {"b": None}]}
    assert parse_json("m.h5", np.array('{"a": 1}', dtype=object), "model_config") == {"a": 1}
    with pytest.raises(errors.MalformedFileError, match="model_config nests deeper than 100 levels"):
        parse_json("m.h5", "[" * 101 + "]" * 101, "model_config")
    assert parse_json("m.h5", '"[[[[" ', "x") == "[[[["  # brackets inside strings do not count
    with pytest.raises(errors.MalformedFileError, match="model_config is not valid JSON"):
        parse_json("m.h5", "{'a': 1}", "model_config")
    with pytest.raises(errors.MalformedFileError, match="is not UTF-8 text"):
        parse_json("m.h5", b"\xff\xfe", "model_config")
    with pytest.raises(errors.MalformedFileError, match="is not a JSON string \\(an HDF5 int\\)"):
        parse_json("m.h5", 5, "model_config")


def test_a_weight_stored_as_text_is_refused(tmp_path):
    path = str(tmp_path / "w.h5")
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"d"])
        f.attrs["keras_version"] = b"2.0.8"
        group = f.create_group("d")
        group.attrs["weight_names"] = np.array([b"d/kernel:0"])
        group.create_dataset("d/kernel:0", data=np.array([b"abc"]))
    with pytest.raises(errors.WeightMismatchError, match="layer 'd', weight 'd/kernel:0' is stored as"):
        read_legacy_file(path)
