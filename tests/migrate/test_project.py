"""project.py and the checkpoint rule across files: a renamed weights file is followed to its loads.

The mini project of tests/migrate_corpus/checkpoint_project/ (2017 style): train.py checkpoints
and saves weights as ``.h5``; predict.py and the notebook explore.ipynb load them with
``load_weights(..., by_name=True)``. For Keras 3 the saves become ``.weights.h5``, so the loads
must follow and lose ``by_name`` (Keras 3.15 refuses it for that format); for tf.keras 2 nothing
is renamed. The ``corpus`` test migrates the project for the installed Keras and runs it.
"""

import os
import re
import shutil

import pytest

from compat_attention.cli.main import main
from compat_attention.migrate import migrate_module_text, migrate_notebook_text, scan_project
from compat_attention.migrate import limits, runner, walk
from compat_attention.migrate.rules.checkpoints import SavedFiles
from test_corpus import CORPUS, SENTINEL, run_programs

PROJECT = os.path.join(CORPUS, "checkpoint_project")
FILES = ["explore.ipynb", "model_def.py", "predict.py", "train.py"]
BY_NAME_LOAD = "model.load_weights('echo_checkpoint.h5', by_name=True)"


def read_project(folder=PROJECT):
    return {name: open(os.path.join(folder, name), encoding="utf-8").read() for name in FILES}


def migrate_project(texts, target, folder=PROJECT):
    """``{name: result}``: every file migrated with the facts of all of them."""
    facts = scan_project((os.path.join(folder, name), text) for name, text in texts.items())
    return {name: (migrate_notebook_text if name.endswith(".ipynb") else migrate_module_text)(
        text, target, os.path.join(folder, name), project=facts, modern_defaults=True) for name, text in texts.items()}


def test_the_run_scans_the_project_over_its_processes_as_in_one():
    entries = walk.collect([PROJECT])
    facts = scan_project((os.path.join(PROJECT, n), t) for n, t in read_project().items())
    assert facts.weights  # the project saves weights files: the scan has something to find
    assert runner.scan(entries, limits.Limits(), jobs=2) == runner.scan(entries, limits.Limits(), jobs=1) == facts


def test_a_file_the_scan_cannot_read_as_a_tree_costs_its_own_report_line_only(tmp_path, capsys):
    """The scan before any file is migrated read only syntax errors as 'saves nothing': LibCST's refusal after
    parsing (bytes + str literals) or nesting too deep stopped the whole run with a traceback."""
    (tmp_path / "mixed.py").write_text("model.save('m.h5')\ns = b'x' 'y'\n")
    (tmp_path / "deep.py").write_text("model.save('m.h5')\ny = " + "[" * 300 + "]" * 300 + "\n")
    (tmp_path / "ok.py").write_text("from keras.layers.core import Dense\n")
    for jobs in ("1", "2"):
        assert main(["migrate", "--check", "--target", "keras3", "--jobs", jobs, str(tmp_path)]) == 2
        out = capsys.readouterr().out
        assert "would migrate %s" % (tmp_path / "ok.py") in out
        assert "mixed.py:2: this file does not parse as Python 3" in out and "deep.py: nesting too deep" in out


def test_a_scan_worker_that_dies_costs_that_file_only(monkeypatch):
    """A file that crashes a scan worker (native code) is scanned again alone; it saves nothing seen."""
    real = runner.scan_project

    def crashes_on_train(sources):
        sources = list(sources)
        if any(path.endswith("train.py") for path, _ in sources):
            os._exit(1)
        return real(sources)
    monkeypatch.setattr(runner, "scan_project", crashes_on_train)
    entries = walk.collect([PROJECT])
    facts = real((os.path.join(PROJECT, n), t) for n, t in read_project().items() if n != "train.py")
    assert runner.scan(entries, limits.Limits(), jobs=2) == facts


def code_lines(result):
    """The lines of code of a result (a notebook's changed cells, or a file)."""
    if hasattr(result, "cells"):
        return [line for change in result.cells for line in change.code.splitlines()]
    return result.code.splitlines()


def test_the_project_saves_the_same_files_before_and_after_migration():
    facts = scan_project((os.path.join(PROJECT, n), t) for n, t in read_project().items())
    assert facts == SavedFiles(frozenset({(PROJECT, "echo_checkpoint.weights.h5"), (PROJECT, "echo_final.weights.h5")}),
                               frozenset())
    migrated = {name: result.code for name, result in migrate_project(read_project(), "keras3").items()}
    assert scan_project((os.path.join(PROJECT, n), t) for n, t in migrated.items()) == facts


def test_for_keras3_the_loads_follow_the_renamed_saves():
    results = migrate_project(read_project(), "keras3")
    assert all(r.issues == [] for r in results.values()), [i.format() for r in results.values() for i in r.issues]
    assert "checkpoint = ModelCheckpoint('echo_checkpoint.weights.h5', monitor='loss', save_weights_only=True)" \
        in code_lines(results["train.py"])
    assert "model.save_weights('echo_final.weights.h5')" in code_lines(results["train.py"])
    predict = code_lines(results["predict.py"])
    assert "WEIGHTS = 'echo_final.weights.h5'" in predict and "model.load_weights(WEIGHTS)" in predict
    assert "model.load_weights('echo_checkpoint.weights.h5')" in code_lines(results["explore.ipynb"])
    assert [c.cell for c in results["explore.ipynb"].cells] == [4]


def test_for_keras2_no_file_is_renamed():
    results = migrate_project(read_project(), "keras2")
    texts = read_project()
    assert not results["predict.py"].changed and not results["explore.ipynb"].changed
    assert results["train.py"].applied == ["generator_methods"]  # nb_epoch only
    assert "model.save_weights('echo_final.h5')" in code_lines(results["train.py"]) and BY_NAME_LOAD in texts["explore.ipynb"]


def test_a_file_migrated_alone_does_not_know_what_the_others_save():
    texts = read_project()
    alone = migrate_module_text(texts["predict.py"], "keras3", os.path.join(PROJECT, "predict.py"))
    assert not alone.changed  # what the project's facts fix: its loads would miss the renamed files


def test_an_interrupted_run_then_a_rerun_equals_one_run():
    one_run = {name: result.code for name, result in migrate_project(read_project(), "keras3").items()}
    half = dict(read_project(), **{name: one_run[name] for name in ("train.py", "model_def.py")})
    rerun = {name: result.code for name, result in migrate_project(half, "keras3").items()}
    assert rerun == one_run
    assert not any(result.changed for result in migrate_project(one_run, "keras3").values())


def two_files(tmp_path, train, predict, predict_name="predict.py"):
    texts = {"train.py": train, predict_name: predict}
    facts = scan_project((str(tmp_path / name), text) for name, text in texts.items())
    return migrate_module_text(predict, "keras3", str(tmp_path / predict_name), project=facts)


CKPT = "from keras.callbacks import ModelCheckpoint\n"


def test_templates_and_whole_models_are_followed_a_legacy_file_is_not(tmp_path):
    train = CKPT + ("ck = ModelCheckpoint('w.{epoch:02d}.hdf5', save_weights_only=True)\n"
                    "best = ModelCheckpoint('best.hdf5', save_best_only=True)\n")
    predict = ("model.load_weights('w.03.hdf5', by_name=True)\nm = load_model('best.hdf5')\n"
               "model.load_weights('pretrained_2017.h5', by_name=True)\n")
    result = two_files(tmp_path, train, predict)
    assert result.code == ("model.load_weights('w.03.weights.h5')\nm = load_model('best.h5')\n"
                           "model.load_weights('pretrained_2017.h5', by_name=True)\n")
    assert result.issues == []


def test_names_are_followed_within_one_project_tree_only(tmp_path):
    train = "model.save_weights('model.h5')\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    texts = {"a/train.py": train, "b/predict.py": "model.load_weights('model.h5', by_name=True)\n",
             "a/notebooks/predict.py": "model.load_weights('../model.h5', by_name=True)\n",
             "a/sub/predict.py": "model.load_weights('model.h5', by_name=True)\n"}
    facts = scan_project((str(tmp_path / name), text) for name, text in texts.items())
    code = {name: migrate_module_text(text, "keras3", str(tmp_path / name), project=facts).code
            for name, text in texts.items()}
    assert code["b/predict.py"] == texts["b/predict.py"]  # another project's model.h5
    assert code["a/notebooks/predict.py"] == "model.load_weights('../model.weights.h5')\n"  # the same file
    assert code["a/sub/predict.py"] == "model.load_weights('model.weights.h5')\n"  # the same name, inside


def test_folders_commonpath_cannot_compare_are_not_related():
    # os.path.commonpath raises ValueError for paths on two Windows drives, or one absolute and
    # one relative: such folders hold no common project, and the question is answered, not raised
    facts = SavedFiles(frozenset({("data", "model.weights.h5")}), frozenset())
    assert facts.saves("model.weights.h5", "weights", os.path.abspath("elsewhere")) is False
    assert facts.saves("model.weights.h5", "weights", "data") is True


def test_a_by_name_load_of_a_computed_name_is_reported(tmp_path):
    result = two_files(tmp_path, "model.save_weights('w.h5')\n", "import sys\nmodel.load_weights(sys.argv[1], by_name=True)\n")
    assert [(i.where, i.rule) for i in result.issues] == [(str(tmp_path / "predict.py") + ":2", "keras3_file_names")]
    assert "by_name" in result.issues[0].what and "drop by_name" in result.issues[0].fix


def test_the_command_follows_the_names_across_the_files_it_is_given(tmp_path, capsys):
    shutil.copytree(PROJECT, str(tmp_path / "project"))
    out = tmp_path / "out"
    assert main(["migrate", str(tmp_path / "project"), "--write", "--out", str(out), "--target", "keras3"]) == 0
    predict = (out / "predict.py").read_text(encoding="utf-8")
    assert "WEIGHTS = 'echo_final.weights.h5'" in predict and "model.load_weights(WEIGHTS)\n" in predict


#: Run in one interpreter by test_corpus's runner (in its own empty folder): the migrated project
#: in order, then (for Keras 3) predict.py as migrated without the project's facts.
DRIVER = r'''
import os, runpy, sys
from compat_attention.migrate.notebooks import notebook_program
here = os.path.dirname(os.path.abspath(__file__))
runpy.run_path(os.path.join(here, "train.py"), run_name="__main__")
runpy.run_path(os.path.join(here, "predict.py"), run_name="__main__")
with open(os.path.join(here, "explore.ipynb"), encoding="utf-8") as handle:
    exec(compile(notebook_program(handle.read()), "explore.ipynb", "exec"), {"__name__": "__main__"})
if os.path.exists(os.path.join(here, "predict_alone.py")):
    try:
        runpy.run_path(os.path.join(here, "predict_alone.py"), run_name="__main__")
    except BaseException as error:
        print("ALONE_FAILS %s %s" % (type(error).__name__, error))
'''


@pytest.mark.corpus
def test_the_migrated_project_trains_predicts_and_reloads(tmp_path):
    from compat_attention.migrate import resolve_target

    target = resolve_target("auto")
    out = tmp_path / "migrated"
    out.mkdir()
    texts = read_project()
    for name, result in migrate_project(texts, target).items():
        assert result.issues == []
        (out / name).write_text(result.code, encoding="utf-8")
    if target == "keras3":
        alone = migrate_module_text(texts["predict.py"], target, "predict.py")
        (out / "predict_alone.py").write_text(alone.code, encoding="utf-8")
    (out / "project_run.py").write_text(DRIVER, encoding="utf-8")
    outcome, result = run_programs(out, tmp_path / "work", ["project_run"])
    status, _, detail, output = outcome["project_run"]
    assert status == 0, detail + "\n" + output[-3000:] + result.stderr[-2000:]
    assert [name for name, _ in SENTINEL.findall(output)] == ["train", "predict", "explore"], output[-2000:]
    assert all(float(value) < 1e-6 for name, value in SENTINEL.findall(output) if name != "train")
    if target == "keras3":  # without the project's facts predict.py looks for the old name
        assert re.search(r"^ALONE_FAILS SystemExit no echo_final\.h5: run train\.py first$", output, re.M), output[-2000:]
