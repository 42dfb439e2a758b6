"""Bad files get one clear line (file, problem, fix), a non-zero exit, and lose nothing.

The files are one corpus (``support/bad_files.py``), given to every loader that reads model
files and, for the Keras 2.0.x reader, to the CLI commands built on it.
"""

import os

import pytest

from compat_attention import errors, load_attention_package_model, load_legacy_model
from compat_attention.cli import main as cli
from compat_attention._keras.saving import SAVE_SUFFIXES
from legacy_reference import oracle
from support.bad_files import LEGACY, LOADERS, MARKER, PACKAGE, cases
from support.harness import sha256

ECHO = oracle.golden_path("echo_seq.h5")
LOAD = {LEGACY: load_legacy_model, PACKAGE: load_attention_package_model}


@pytest.mark.parametrize("loader,maker,error,words", cases(*LOADERS))
def test_loader_raises_a_typed_one_line_error(tmp_path, loader, maker, error, words):
    path = maker(str(tmp_path))
    before = sha256(path)
    with pytest.raises(error) as info:
        LOAD[loader](path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(path + ": ")
    assert words in message
    assert info.value.problem and info.value.fix  # says what is wrong and what to do
    assert sha256(path) == before
    assert not os.path.exists(os.path.join(str(tmp_path), MARKER))


@pytest.mark.parametrize("loader,maker,error,words", cases(LEGACY))
@pytest.mark.parametrize("command", ["inspect", "verify", "convert"])
def test_cli_exits_non_zero_with_one_line_and_touches_nothing(tmp_path, capsys, loader, maker, error, words, command):
    path = maker(str(tmp_path))
    out = str(tmp_path / ("existing" + SAVE_SUFFIXES[0]))
    with open(out, "wb") as f:
        f.write(b"precious earlier output")
    before = (sha256(path), sha256(out))
    argv = {"inspect": ["inspect", path],
            "verify": ["verify", path, "--io", oracle.golden_path("echo_seq_io.npz")],
            "convert": ["convert", path, out, "--overwrite"]}[command]
    code = cli.main(argv)
    err = capsys.readouterr().err.strip()
    if command == "inspect" and (error in (errors.UnknownLayerError, errors.WeightMismatchError,
                                           errors.UnsafeLambdaError) or maker.__name__.endswith("weights_only")):
        assert code == 0  # inspect only describes (weights-only files too); it builds and runs nothing
    else:
        assert code != 0
        assert len(err.splitlines()) == 1 and path in err and words in err
    assert (sha256(path), sha256(out)) == before
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
