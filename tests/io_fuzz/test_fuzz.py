"""Malformed files: every one gets a typed one-line error, never an escaped exception, a hang, a changed
input, a replaced output or a Lambda run (issue 16).

* ``test_mutations_get_typed_errors``: a few hundred seeded mutations of the golden files (about a
  minute). More for a release: ``FUZZ_N=5000 FUZZ_SEED=7 pytest tests/io_fuzz`` or
  ``python -m tests.io_fuzz.fuzz --n 5000 --seed 7`` (see ``fuzz.py``).
* ``test_corpus_case``: the minimized recipes of ``corpus/`` (failures the fuzzer once found), replayed.
* ``test_cli_*``: the CLI prints exactly one line on stderr and exits 1 for such files.
* ``test_absurd_file_is_refused_in_little_memory``: a file claiming 64 GiB of weights and units=10**6.
"""

import contextlib
import glob
import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

from compat_attention import errors
from compat_attention.cli.main import main as cli_main
from compat_attention._keras.saving import SAVE_SUFFIXES
from io_fuzz import fuzz, mutate

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sorted(glob.glob(os.path.join(HERE, "corpus", "*.json")))
N = int(os.environ.get("FUZZ_N", "300"))
SEED = int(os.environ.get("FUZZ_SEED", "16"))


def _report(findings, limit=15):
    lines = []
    for recipe, failures in findings[:limit]:
        for f in failures:
            lines.append("%s %s %s at %s: %s | %s" % (f["op"], f["why"], f["error"], f["where"], f["message"][:150],
                                                      json.dumps(recipe)[:300]))
    return "\n".join(lines)


@pytest.mark.fuzz
def test_mutations_get_typed_errors(tmp_path):
    counts, findings = fuzz.run(N, SEED, workdir=str(tmp_path))
    print(fuzz.summary(counts))
    assert sum(counts["load"].values()) == N
    assert not findings, "%d of %d mutated files broke a rule:\n%s" % (len(findings), N, _report(findings))


def test_every_mutation_kind_is_drawn():
    drawn = {step["kind"] for recipe in mutate.recipes(N, SEED) for step in recipe["steps"]}
    assert drawn == set(mutate.KINDS)


def test_recipes_replay_the_same_file(tmp_path):
    recipe = mutate.recipes(3, SEED)[2]
    first, second = str(tmp_path / "a.h5"), str(tmp_path / "b.h5")
    mutate.apply(recipe, first, "marker")
    mutate.apply(json.loads(json.dumps(recipe)), second, "marker")
    assert fuzz.sha256(first) == fuzz.sha256(second)


@pytest.mark.parametrize("entry", CORPUS, ids=[os.path.basename(p)[:-5] for p in CORPUS])
def test_corpus_case(entry, tmp_path):
    with open(entry) as f:
        recipe = json.load(f)["recipe"]
    _, failures = fuzz.run_case(recipe, str(tmp_path), fuzz.ops_for(recipe))
    assert not failures, failures


def _cli(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli_main(argv)
    return code, err.getvalue()


#: Corpus recipes for the CLI: one per kind of first step, a dozen at most.
def _cli_sample():
    chosen, kinds = [], set()
    for entry in CORPUS:
        with open(entry) as f:
            recipe = json.load(f)["recipe"]
        kind = recipe["steps"][0]["kind"]
        if kind not in kinds:
            kinds.add(kind)
            chosen.append(recipe)
    return chosen[:12] or mutate.recipes(12, SEED)


@pytest.mark.parametrize("command", ["inspect", "convert", "verify"])
def test_cli_exits_1_with_one_line(command, tmp_path):
    io_path = os.path.join(mutate.ROOT, "legacy_reference", "golden", "echo_seq_io.npz")
    refused = 0
    for index, recipe in enumerate(_cli_sample()):
        path = str(tmp_path / ("case%d.h5" % index))
        mutate.apply(recipe, path, str(tmp_path / "LAMBDA_RAN"))
        before = fuzz.sha256(path)
        argv = {"inspect": ["inspect", path], "convert": ["convert", path, str(tmp_path / ("o%d%s" % (index, SAVE_SUFFIXES[0])))],
                "verify": ["verify", path, "--io", io_path]}[command]
        code, err = _cli(argv)
        assert fuzz.sha256(path) == before
        assert not os.path.exists(str(tmp_path / "LAMBDA_RAN"))
        if code == 1 and err:
            refused += 1
            assert err.count("\n") == 1 and err.endswith("\n"), err
            assert err.startswith("compat-attention %s: error: %s: " % (command, path)), err
        else:
            assert code in (0, 1) and "Traceback" not in err, err
    assert refused


def test_absurd_file_is_refused_in_little_memory(tmp_path):
    """Claims of 2**34 stored parameters and LSTM(units=10**6): refused from metadata, peak RSS under 1 GB."""
    script = textwrap.dedent("""
        import json, sys
        import h5py, numpy as np
        from compat_attention import errors, load_legacy_model
        from compat_attention.io.operations import convert_legacy_model, inspect_legacy_file
        sys.path.insert(0, %(here)r)
        import mutate
        steps = [{"kind": "weight_huge", "layer": "AttentionDecoder", "weight": "AttentionDecoder/U_z:0",
                  "shape": [2 ** 20, 2 ** 14]}]
        other = [{"kind": "config_huge", "path": ["config", 0, "config", "units"], "value": 10 ** 6}]
        def peak_kib():  # this process's own peak (ru_maxrss would carry over pytest's across exec)
            with open("/proc/self/status") as status:
                return int(next(l for l in status if l.startswith("VmHWM:")).split()[1])
        base = peak_kib()
        for n, recipe in enumerate([steps, other]):
            path = %(tmp)r + "/absurd%%d.h5" %% n
            mutate.apply({"source": "legacy_reference/golden/echo_seq_full.h5", "steps": recipe}, path, "m")
            for op in (load_legacy_model, inspect_legacy_file,
                       lambda p: convert_legacy_model(p, p + %(suffix)r)):
                try:
                    op(path)
                    if op is not inspect_legacy_file:
                        raise SystemExit("absurd file loaded")
                except errors.LegacyFileError as exc:
                    pass
        print(json.dumps({"base_kib": base, "peak_kib": peak_kib()}))
    """) % {"here": HERE, "tmp": str(tmp_path), "suffix": SAVE_SUFFIXES[0]}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([mutate.ROOT, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", script], cwd=mutate.ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    usage = json.loads(done.stdout.strip().splitlines()[-1])
    assert usage["peak_kib"] < 1024 * 1024, usage  # Linux reports KiB
    assert usage["peak_kib"] - usage["base_kib"] < 256 * 1024, usage


def test_max_parameters_keyword_and_environment(tmp_path, monkeypatch):
    from compat_attention import load_legacy_model

    path = os.path.join(mutate.ROOT, "legacy_reference", "golden", "echo_seq_full.h5")
    with pytest.raises(errors.ResourceLimitError, match="over the limit of 1000"):
        load_legacy_model(path, max_parameters=1000)
    monkeypatch.setenv("COMPAT_ATTENTION_MAX_PARAMETERS", "1000")
    with pytest.raises(errors.ResourceLimitError, match="COMPAT_ATTENTION_MAX_PARAMETERS"):
        load_legacy_model(path)
    monkeypatch.setenv("COMPAT_ATTENTION_MAX_PARAMETERS", "lots")
    with pytest.raises(errors.UsageError):
        load_legacy_model(path)
    monkeypatch.delenv("COMPAT_ATTENTION_MAX_PARAMETERS")
    assert load_legacy_model(path, max_parameters=10 ** 7) is not None


@pytest.mark.parametrize("bad", [10.5, "10", True, 0, -3, None])
@pytest.mark.parametrize("argument", ["units", "output_dim"])
def test_decoder_sizes_must_be_positive_integers(argument, bad):
    import numpy as np

    from compat_attention import AttentionDecoder

    sizes = {"units": 4, "output_dim": 3}
    sizes[argument] = bad
    with pytest.raises(ValueError, match="`%s`" % argument):
        AttentionDecoder(**sizes)
    sizes[argument] = np.int64(5)
    assert getattr(AttentionDecoder(**sizes), argument) == 5
