"""Bad files get one clear line (file, problem, fix), a non-zero exit, and lose nothing."""

import hashlib
import json
import os
import shutil

import h5py
import numpy as np
import pytest

import legacy_writer
from compat_attention import errors, load_legacy_model
from compat_attention.cli import main as cli
from compat_attention._keras.saving import SAVE_SUFFIXES
from legacy_reference import oracle

ECHO = oracle.golden_path("echo_seq.h5")


def _digest(path):
    if os.path.isdir(path):
        return "dir"
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _empty(tmp):
    path = os.path.join(tmp, "empty.h5")
    open(path, "wb").close()
    return path


def _truncated(tmp):
    path = os.path.join(tmp, "truncated.h5")
    with open(ECHO, "rb") as src, open(path, "wb") as dst:
        dst.write(src.read(os.path.getsize(ECHO) // 2))
    return path


def _not_hdf5(tmp):
    path = os.path.join(tmp, "model.h5")
    with open(path, "w") as f:
        f.write("this is a text file that someone renamed to .h5\n")
    return path


def _hdf5_not_keras(tmp):
    path = os.path.join(tmp, "data.h5")
    with h5py.File(path, "w") as f:
        f.create_dataset("measurements", data=np.arange(10))
    return path


def _keras1(tmp):
    path = os.path.join(tmp, "keras1.h5")
    shutil.copy(ECHO, path)
    with h5py.File(path, "a") as f:
        f.attrs["keras_version"] = np.bytes_("1.2.2")
    return path


def _with_config(tmp, name, edit):
    path = os.path.join(tmp, name)
    shutil.copy(ECHO, path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        edit(config)
        f.attrs["model_config"] = np.bytes_(json.dumps(config))
    return path


def _unknown_layer(tmp):
    def edit(config):
        config["config"][0]["class_name"] = "FancyLSTM"
    return _with_config(tmp, "unknown.h5", edit)


def _weight_shape_mismatch(tmp):
    def edit(config):
        config["config"][1]["config"]["units"] = 149
    return _with_config(tmp, "shapes.h5", edit)


def _weight_count_mismatch(tmp):
    path = os.path.join(tmp, "count.h5")
    shutil.copy(ECHO, path)
    with h5py.File(path, "a") as f:
        group = f["model_weights/AttentionDecoder"]
        group.attrs["weight_names"] = list(group.attrs["weight_names"])[:-1]
    return path


def _directory(tmp):
    path = os.path.join(tmp, "a_folder.h5")
    os.mkdir(path)
    return path


MARKER = "compat_attention_lambda_ran"


def _lambda(tmp):
    """A Lambda whose function, if it ever ran, would create a marker file."""
    path = os.path.join(tmp, "lambda.h5")
    marker = os.path.join(tmp, MARKER)
    config = legacy_writer.functional_config([
        ("input_1", legacy_writer.input_config("input_1", (None, 3)), None),
        ("lambda_1", {"class_name": "Lambda", "config": {
            "name": "lambda_1", "trainable": True, "function_type": "lambda", "output_shape": None,
            "arguments": {}, "function": ["open(%r, 'w')" % marker, None, None]}}, "input_1"),
    ], "input_1", "lambda_1")
    legacy_writer.write(path, config, [("input_1", []), ("lambda_1", [])])
    return path


CORPUS = [
    (_empty, errors.NotAFileError, "is empty"),
    (_truncated, errors.NotHDF5Error, "truncated or corrupted"),
    (_not_hdf5, errors.NotHDF5Error, "is not an HDF5 file"),
    (_hdf5_not_keras, errors.NotAKerasFileError, "holds no Keras model"),
    (_keras1, errors.UnsupportedVersionError, "written by Keras 1.2.2"),
    (_unknown_layer, errors.UnknownLayerError, "'FancyLSTM'"),
    (_weight_shape_mismatch, errors.WeightMismatchError, "expects 21 weights of shapes"),
    (_weight_count_mismatch, errors.WeightMismatchError, "the file has 20"),
    (_directory, errors.NotAFileError, "is a directory"),
    (_lambda, errors.UnsafeLambdaError, "is a Lambda"),
]
IDS = [maker.__name__.strip("_") for maker, _, _ in CORPUS]


@pytest.mark.parametrize("maker,error,words", CORPUS, ids=IDS)
def test_library_raises_a_typed_one_line_error(tmp_path, maker, error, words):
    path = maker(str(tmp_path))
    before = _digest(path)
    with pytest.raises(error) as info:
        load_legacy_model(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(path + ": ")
    assert words in message
    assert info.value.fix  # says what to do
    assert _digest(path) == before
    assert not os.path.exists(os.path.join(str(tmp_path), MARKER))


@pytest.mark.parametrize("maker,error,words", CORPUS, ids=IDS)
@pytest.mark.parametrize("command", ["inspect", "verify", "convert"])
def test_cli_exits_non_zero_with_one_line_and_touches_nothing(tmp_path, capsys, maker, error, words, command):
    path = maker(str(tmp_path))
    out = str(tmp_path / ("existing" + SAVE_SUFFIXES[0]))
    with open(out, "wb") as f:
        f.write(b"precious earlier output")
    before = (_digest(path), _digest(out))
    argv = {"inspect": ["inspect", path],
            "verify": ["verify", path, "--io", oracle.golden_path("echo_seq_io.npz")],
            "convert": ["convert", path, out, "--overwrite"]}[command]
    code = cli.main(argv)
    err = capsys.readouterr().err.strip()
    if command == "inspect" and error in (errors.UnknownLayerError, errors.WeightMismatchError,
                                          errors.UnsafeLambdaError):
        assert code == 0  # inspect only describes; it builds and runs nothing
    else:
        assert code != 0
        assert len(err.splitlines()) == 1 and path in err and words in err
    assert (_digest(path), _digest(out)) == before
    assert not os.path.exists(os.path.join(str(tmp_path), MARKER))


def test_convert_refuses_an_existing_output_and_keeps_it(tmp_path, capsys):
    out = str(tmp_path / ("taken" + SAVE_SUFFIXES[0]))
    with open(out, "wb") as f:
        f.write(b"do not lose me")
    assert cli.main(["convert", ECHO, out]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--overwrite" in err
    with open(out, "rb") as f:
        assert f.read() == b"do not lose me"


def test_convert_refuses_an_unknown_format(tmp_path, capsys):
    assert cli.main(["convert", ECHO, str(tmp_path / "model.pb")]) == 1
    assert "use one of" in capsys.readouterr().err
    assert os.listdir(str(tmp_path)) == []


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(errors.NotAFileError, match="no such file"):
        load_legacy_model(str(tmp_path / "nope.h5"))


def test_weights_only_file_given_to_load_legacy_model_says_what_to_call():
    with pytest.raises(errors.NotAKerasFileError, match="load_legacy_weights"):
        load_legacy_model(oracle.golden_path("echo_seq_weights.h5"))
