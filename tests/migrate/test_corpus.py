"""The corpus: legacy Keras 2.0 programs, migrated by the tool with no hand edit, then run.

Each program in tests/migrate_corpus/ is migrated (with its sibling modules) into a temporary
folder by ``compat-attention migrate --write --out``, then run with this interpreter in that
folder; it must exit 0 and print ``CORPUS_OK <name> loss=<finite number>``. The originals
must fail on the installed Keras (which proves the migration was needed).
"""

import math
import os
import re
import subprocess
import sys

import pytest

from compat_attention.cli.main import main
from compat_attention.migrate import migrate_notebook_text, migrate_source, resolve_target
from compat_attention.migrate.notebooks import notebook_program

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "migrate_corpus")
PROGRAMS = ["nmt_dates", "echo_generator", "speech_ctc", "attention_lstm_3d", "text_attention_pooling",
            "german_english_nmt", "cnn_text_keras1"]
MODULES = ["custom_recurrents", "attention_decoder"]
#: Notebooks (``.ipynb``): migrated by ``migrate_notebook_text``; their code cells run in order in
#: one namespace, IPython lines masked to no-op statements (``notebook_program``).
NOTEBOOKS = ["attention_tutorial"]
SENTINEL = re.compile(r"^CORPUS_OK (\w+) loss=(\S+)$", re.M)


def _cli(*argv):
    return main(["migrate", *argv])


def _env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    return env


#: Runs programs one after the other in ONE subprocess (Keras is imported once: a fresh
#: interpreter per program costs ~8 s of TensorFlow import each). Each program runs as
#: ``__main__`` in its own empty working folder, with its folder first on sys.path and the
#: sibling modules re-imported; its output is framed by BEGIN/END lines.
RUNNER = r"""
import os, runpy, sys, time, traceback
folder, programs = sys.argv[1], sys.argv[2:]
sys.path.insert(0, folder)
for name in programs:
    for module in %r:
        sys.modules.pop(module, None)
    work = os.path.join(os.environ["CORPUS_WORK"], name)
    os.makedirs(work)
    os.chdir(work)
    sys.argv = [name + ".py"]
    print("=== BEGIN", name, flush=True)
    start, status = time.time(), "0"
    try:
        runpy.run_path(os.path.join(folder, name + ".py"), run_name="__main__")
    except SystemExit as error:
        status = "0" if error.code in (None, 0) else "1 SystemExit %%s" %% (error.code,)
    except BaseException as error:
        traceback.print_exc(file=sys.stdout)
        status = "1 %%s %%s" %% (type(error).__name__, str(error).replace(chr(10), " ")[:200])
    sys.stdout.flush()
    try:
        import keras
        keras.backend.clear_session()
    except Exception:
        pass
    print("=== END", name, "%%.1fs" %% (time.time() - start), status, flush=True)
""" % (tuple(MODULES),)
END = re.compile(r"^=== END (\w+) (\S+)s (\d)(.*)$", re.M)


def run_programs(folder, work, programs=PROGRAMS):
    """Run ``programs`` from ``folder``; returns (``{name: (status, seconds, detail, output)}``, the raw result)."""
    result = subprocess.run([sys.executable, "-c", RUNNER, str(folder)] + list(programs), env=dict(_env(), CORPUS_WORK=str(work)),
                            capture_output=True, text=True, timeout=600)
    outcome = {}
    for chunk in result.stdout.split("=== BEGIN ")[1:]:
        name = chunk.split()[0]
        end = END.search(chunk)
        if end:
            outcome[name] = (int(end.group(3)), float(end.group(2)), end.group(4).strip(), chunk)
    return outcome, result


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    out = tmp_path_factory.mktemp("migrated")
    assert _cli(CORPUS, "--write", "--out", str(out), "--target", "auto") == 0
    return out


@pytest.fixture(scope="module")
def runs(migrated, tmp_path_factory):
    outcome, result = run_programs(migrated, tmp_path_factory.mktemp("work"))
    print("\ncorpus run times: " + ", ".join("%s %.1fs" % (n, outcome[n][1]) for n in PROGRAMS if n in outcome))
    return outcome, result


def test_corpus_lists_every_program():
    on_disk = sorted(f[:-3] for f in os.listdir(CORPUS) if f.endswith(".py"))
    assert on_disk == sorted(PROGRAMS + MODULES)


@pytest.mark.parametrize("target", ["keras2", "keras3"])
@pytest.mark.parametrize("name", PROGRAMS + MODULES)
def test_corpus_migrates_cleanly_and_idempotently(name, target):
    with open(os.path.join(CORPUS, name + ".py"), encoding="utf-8") as handle:
        source = handle.read()
    modules = {m: open(os.path.join(CORPUS, m + ".py"), encoding="utf-8").read() for m in MODULES}
    first = migrate_source(source, target=target, path=name, modules=modules)
    assert first.changed and first.issues == []
    second = migrate_source(first.code, target=target, path=name, modules=modules)
    assert second.code == first.code and second.applied == [] and second.issues == []


@pytest.mark.corpus
@pytest.mark.parametrize("name", PROGRAMS)
def test_migrated_program_runs(runs, name):
    outcome, result = runs
    assert name in outcome, result.stdout[-3000:] + result.stderr[-3000:]
    status, _, detail, output = outcome[name]
    assert status == 0, detail + "\n" + output[-3000:]
    found = SENTINEL.findall(output)
    assert [n for n, _ in found] == [name], output[-2000:]
    assert math.isfinite(float(found[0][1]))


@pytest.mark.corpus
def test_unmigrated_originals_fail_on_installed_keras(tmp_path):
    outcome, result = run_programs(CORPUS, tmp_path)
    assert sorted(outcome) == sorted(PROGRAMS), result.stdout[-3000:] + result.stderr[-3000:]
    for name in PROGRAMS:
        status, _, detail, output = outcome[name]
        assert status == 1 and "CORPUS_OK" not in output, (name, detail)
        assert re.match(r"(ImportError|ModuleNotFoundError|AttributeError|TypeError|ValueError) ", detail), (name, detail)


def _notebook(name):
    with open(os.path.join(CORPUS, name + ".ipynb"), encoding="utf-8") as handle:
        return handle.read()


def test_corpus_lists_every_notebook():
    assert sorted(f[:-6] for f in os.listdir(CORPUS) if f.endswith(".ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("target", ["keras2", "keras3"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_corpus_notebook_migrates_cleanly_and_idempotently(name, target):
    first = migrate_notebook_text(_notebook(name), target, name + ".ipynb")
    assert first.changed and first.issues == []
    second = migrate_notebook_text(first.code, target, name + ".ipynb")
    assert second.code == first.code and second.applied == [] and second.issues == []


@pytest.mark.corpus
def test_migrated_notebooks_run_and_the_originals_fail(tmp_path):
    target, names = resolve_target("auto"), []
    for name in NOTEBOOKS:
        text = _notebook(name)
        migrated = migrate_notebook_text(text, target, name + ".ipynb").code
        (tmp_path / (name + ".py")).write_text(notebook_program(migrated), encoding="utf-8")
        (tmp_path / (name + "_original.py")).write_text(notebook_program(text), encoding="utf-8")
        names += [name, name + "_original"]
    outcome, result = run_programs(tmp_path, tmp_path / "work", names)
    assert sorted(outcome) == sorted(names), result.stdout[-3000:] + result.stderr[-3000:]
    for name in NOTEBOOKS:
        status, _, detail, output = outcome[name]
        assert status == 0, detail + "\n" + output[-3000:]
        found = SENTINEL.findall(output)
        assert [n for n, _ in found] == [name] and math.isfinite(float(found[0][1])), output[-2000:]
        status, _, detail, output = outcome[name + "_original"]
        assert status == 1 and "CORPUS_OK" not in output, (name, detail)
        assert re.match(r"(ImportError|ModuleNotFoundError|AttributeError|TypeError|ValueError) ", detail), (name, detail)
