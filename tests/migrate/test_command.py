"""command.py: the ``migrate`` subcommand: diff, --write (.bak / --out), --check, errors, exit codes.

Run as a user runs it, through the command line's ``main`` and its one refusal path.
"""

import pytest

from compat_attention.cli.main import main

LEGACY = "from keras.layers.core import Dense\nDense(output_dim=3)\n"
CLEAN = "from keras.layers import Dense\nDense(units=3)\n"
BROKEN = "from keras import backend as K\nK.tf.Print(1)\n"


def cli(*argv):
    return main(["migrate", *argv])


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_diff_is_the_default_and_leaves_files_alone(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = write(tmp_path / "prog.py", LEGACY)
    assert cli("prog.py", "--target", "keras3") == 0
    out = capsys.readouterr().out
    assert out.startswith("--- a/prog.py\n+++ b/prog.py\n@@ -1,2 +1,2 @@\n")
    assert out.endswith("-from keras.layers.core import Dense\n-Dense(output_dim=3)\n"
                        "+from keras.layers import Dense\n+Dense(units=3)\n")
    assert (tmp_path / "prog.py").read_text() == LEGACY and not (tmp_path / "prog.py.bak").exists()


def test_check_exit_codes(tmp_path, capsys):
    assert cli(write(tmp_path / "a.py", LEGACY), "--check", "--target", "keras3") == 1
    assert cli(write(tmp_path / "b.py", CLEAN), "--check", "--target", "keras3") == 0
    assert cli(write(tmp_path / "c.py", BROKEN), "--check", "--target", "keras3") == 2
    out = capsys.readouterr().out
    assert "c.py:2: K.tf (keras_backend): " in out
    assert (tmp_path / "a.py").read_text() == LEGACY


def test_write_in_place_keeps_a_backup(tmp_path):
    f = write(tmp_path / "prog.py", LEGACY)
    assert cli(f, "--write", "--target", "keras3") == 0
    assert (tmp_path / "prog.py").read_text() == CLEAN
    assert (tmp_path / "prog.py.bak").read_text() == LEGACY
    assert cli(f, "--write", "--target", "keras3") == 0  # nothing left to do: no second backup needed


def test_write_refuses_to_overwrite_a_backup(tmp_path, capsys):
    """A ``.bak`` holding something else is someone's file: this file is refused (reported, exit 2), the
    run goes on (issue 26: one file's problem never stops the others)."""
    f = write(tmp_path / "prog.py", LEGACY)
    other = write(tmp_path / "other.py", LEGACY)
    write(tmp_path / "prog.py.bak", "mine")
    assert cli(f, other, "--write", "--target", "keras3") == 2
    out = capsys.readouterr().out
    assert "prog.py: prog.py.bak exists already and holds neither this file nor its migration (write)" in out
    assert (tmp_path / "prog.py").read_text() == LEGACY and (tmp_path / "prog.py.bak").read_text() == "mine"
    assert (tmp_path / "other.py").read_text() == CLEAN and (tmp_path / "other.py.bak").read_text() == LEGACY


def test_write_out_copies_the_folder_and_never_overwrites(tmp_path, capsys):
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    write(src / "prog.py", LEGACY)
    write(src / "pkg" / "util.py", "x = 1\n")
    out = tmp_path / "out"
    assert cli(str(src), "--write", "--out", str(out), "--target", "keras3") == 0
    assert (out / "prog.py").read_text() == CLEAN and (out / "pkg" / "util.py").read_text() == "x = 1\n"
    assert (src / "prog.py").read_text() == LEGACY
    # a rerun finds its own copies done; a copy edited since is never overwritten
    assert cli(str(src), "--write", "--out", str(out), "--target", "keras3") == 0
    write(out / "prog.py", "edited\n")
    capsys.readouterr()
    assert cli(str(src), "--write", "--out", str(out), "--target", "keras3") == 2
    assert "exists already (write): the file was left as it is; --out never overwrites" in capsys.readouterr().out
    assert (out / "prog.py").read_text() == "edited\n"


def test_unparsable_file_is_reported_with_exit_2(tmp_path, capsys):
    f = write(tmp_path / "py2.py", "import keras\nprint 'hi'\n")
    assert cli(f, "--check", "--target", "keras3") == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and ":2: this file does not parse as Python 3" in out


@pytest.mark.parametrize("argv,message", [
    (["missing.py"], "missing.py: no such file or folder"),
    (["notes.txt"], "notes.txt: not a Python file"),
    (["ok.py", "--out", "x"], "only used with --write"),
])
def test_usage_errors_are_one_line(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "notes.txt", "x")
    write(tmp_path / "ok.py", "x = 1\n")
    assert cli(*argv, "--target", "keras3") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("compat-attention migrate: error: ") and message in err


def test_unwritable_out_is_a_usage_error(tmp_path, capsys):
    f = write(tmp_path / "prog.py", LEGACY)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cli(f, "--write", "--out", str(blocker / "sub"), "--target", "keras3") == 1
    assert capsys.readouterr().err.startswith("compat-attention migrate: error: ")


def test_2017_pins_are_noted_and_modern_defaults_opts_out(tmp_path, capsys):
    src = "from keras.layers import LSTM\nLSTM(8)\n"
    f = write(tmp_path / "rnn.py", src)
    assert cli(f, "--check", "--target", "keras2") == 1  # notes never make --check exit 2
    out = capsys.readouterr().out
    assert "rnn.py:2: note: LSTM(...) recurrent_activation (legacy_layer_defaults): Keras 2.0.8's LSTM gates" in out
    assert cli(f, "--check", "--target", "keras2", "--modern-defaults") == 0
    assert "note:" not in capsys.readouterr().out
    assert cli(f, "--write", "--target", "keras2") == 0
    assert (tmp_path / "rnn.py").read_text() == "from keras.layers import LSTM\nLSTM(8, recurrent_activation='hard_sigmoid')\n"


def test_a_latin1_file_is_reported_and_the_others_migrated(tmp_path, capsys):
    (tmp_path / "latin1.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    f = write(tmp_path / "prog.py", LEGACY)
    assert cli(str(tmp_path), "--write", "--target", "keras3") == 2
    out = capsys.readouterr().out
    assert "latin1.py:1: not UTF-8 text (source): left as it is; re-encode it as UTF-8" in out
    assert (tmp_path / "latin1.py").read_bytes() == "s = 'caf\xe9'\n".encode("latin-1")
    assert (tmp_path / "prog.py").read_text() == CLEAN and not (tmp_path / "latin1.py.bak").exists()
