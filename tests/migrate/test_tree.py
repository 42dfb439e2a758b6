"""Whole trees (issues 25 and 26): odd files reported and skipped, never stopping the run; one file's problem
(size, nesting, a crash) costs one report line; ``--report`` in Markdown and JSON lists every change and
refusal with its rule, legacy fact and totals."""

import json

import pytest

from compat_attention.cli.main import main
from compat_attention.migrate import engine, limits, runner, walk

LEGACY = "from keras.layers.core import Dense\nDense(output_dim=3)\n"
CLEAN = "from keras.layers import Dense\nDense(units=3)\n"


def cli(*argv):
    return main(["migrate", *argv, "--target", "keras3", "--jobs", "1"])


@pytest.fixture
def odd_tree(tmp_path):
    """A project with every kind of file a real tree holds besides programs."""
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "train.py").write_text(LEGACY)
    (root / "pkg" / "model.py").write_text(LEGACY)
    (root / "._train.py").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \xff\xfe")
    (root / "latin.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    (root / "blob.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "py2.py").write_text("import keras\nprint 'hello'\n")
    (root / "notes.txt").write_text("not a program")
    return root


def test_odd_files_are_reported_and_skipped_and_the_programs_migrated(odd_tree, capsys):
    before = {p.name: p.read_bytes() for p in odd_tree.iterdir() if p.is_file()}
    assert cli(str(odd_tree), "--write") == 2
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if not line.startswith("migrated ")]
    assert sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in lines) == [
        "._train.py", "blob.py", "latin.py", "py2.py"]
    assert "._train.py: a macOS AppleDouble file (Finder metadata, not Python) (tree)" in out
    assert "blob.py: binary data (NUL bytes), not Python source (source)" in out
    assert "latin.py:1: not UTF-8 text (source)" in out
    assert "py2.py:2: this file does not parse as Python 3" in out
    assert (odd_tree / "train.py").read_text() == CLEAN and (odd_tree / "pkg" / "model.py").read_text() == CLEAN
    for name in ("._train.py", "latin.py", "blob.py", "py2.py", "notes.txt"):
        assert (odd_tree / name).read_bytes() == before[name] and not (odd_tree / (name + ".bak")).exists()


def test_report_lists_every_change_and_refusal_with_rule_fact_and_totals(odd_tree, tmp_path):
    assert cli(str(odd_tree), "--check", "--report", str(tmp_path / "r.json")) == 2
    assert cli(str(odd_tree), "--check", "--report", str(tmp_path / "r.md")) == 2
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["target"] == "keras3" and report["mode"] == "check"
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert sorted(by_name) == ["._train.py", "blob.py", "latin.py", "model.py", "py2.py", "train.py"]
    train = by_name["train.py"]
    assert train["status"] == "would migrate" and train["changed_lines"] == [[1, 2]]
    assert [c["rule"] for c in train["changes"]] == ["keras1_layer_names", "moved_keras_modules"]
    assert all(c["fact"] for c in train["changes"])
    assert [(p["rule"], p["line"]) for p in by_name["py2.py"]["problems"]] == [("parse", 2)]
    assert by_name["._train.py"]["status"] == "skipped" and by_name["._train.py"]["problems"][0]["rule"] == "tree"
    assert report["totals"]["files"] == 6 and report["totals"]["problems"] == 4
    assert report["totals"]["by_status"] == {"skipped": 3, "not migrated": 1, "would migrate": 2}
    assert report["totals"]["changes_by_rule"] == {"keras1_layer_names": 2, "moved_keras_modules": 2}
    markdown = (tmp_path / "r.md").read_text()
    assert "6 file(s): 3 skipped, 1 not migrated, 2 would migrate; 4 problem(s) left for a hand." in markdown
    assert "| keras1_layer_names | 2 | 0 | " in markdown and "| source | 0 | 2 | " in markdown
    assert "- **line 2** this file does not parse as Python 3" in markdown


def test_a_long_plus_chain_and_deep_nesting_cost_one_report_line(tmp_path, capsys):
    chain = " + ".join("a%d" % i for i in range(1000))
    (tmp_path / "chain.py").write_text(LEGACY + "x = " + chain + "\n")
    (tmp_path / "deep.py").write_text(LEGACY + "y = " + "[" * 400 + "]" * 400 + "\n")
    (tmp_path / "ok.py").write_text(LEGACY)
    # 450 terms: once the rewriter's own limit (LibCST's walk rebuilt every node), now migrated.
    long = "x = " + " + ".join("a%d" % i for i in range(450)) + "\n"
    (tmp_path / "long.py").write_text(LEGACY + long)
    assert cli(str(tmp_path), "--write") == 2
    out = capsys.readouterr().out
    problems = [line for line in out.splitlines() if not line.startswith("migrated ")]
    assert len(problems) == 2 and all("(limits): " in line or "does not parse" in line for line in problems)
    assert "chain.py: nesting too deep for the rewriter (RecursionError)" in out
    assert (tmp_path / "ok.py").read_text() == CLEAN and (tmp_path / "long.py").read_text() == CLEAN + long
    assert (tmp_path / "chain.py").read_text().startswith(LEGACY) and not (tmp_path / "chain.py.bak").exists()


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, capsys):
    (tmp_path / "big.py").write_text(LEGACY + "x = 1\n" * 1000)
    (tmp_path / "ok.py").write_text(LEGACY)
    assert cli(str(tmp_path), "--write", "--max-bytes", "4000") == 2
    size = len(LEGACY + "x = 1\n" * 1000)
    assert "big.py: %d bytes, over the size limit of 4000 (limits)" % size in capsys.readouterr().out
    assert (tmp_path / "ok.py").read_text() == CLEAN and not (tmp_path / "big.py.bak").exists()
    assert limits.DEFAULT_MAX_BYTES <= 2000000  # LibCST: ~200 bytes of memory a byte; 500 MB at most


def test_a_rule_that_crashes_or_a_file_over_time_costs_that_file_only(tmp_path, monkeypatch, capsys):
    (tmp_path / "a.py").write_text(LEGACY)
    (tmp_path / "b.py").write_text(LEGACY)
    real = engine.migrate_module_text

    def crash_on_a(text, target, path, *args, **kwargs):
        if path.endswith("a.py"):
            raise KeyError("surprise")
        return real(text, target, path, *args, **kwargs)

    monkeypatch.setattr(engine, "migrate_module_text", crash_on_a)
    assert cli(str(tmp_path), "--write") == 2
    out = capsys.readouterr().out
    assert "a.py: the migration failed (KeyError: 'surprise') (limits)" in out
    assert (tmp_path / "a.py").read_text() == LEGACY and (tmp_path / "b.py").read_text() == CLEAN
    entry = walk.collect([str(tmp_path / "b.py")])[0]
    monkeypatch.setattr(engine, "migrate_module_text", lambda *a, **k: __import__("time").sleep(5))
    slow = runner.migrate_data(entry, b"x = 1\n", "keras3", limits.Limits(max_seconds=0.05))
    assert slow[0] is None and "took longer than 0.05 s" in slow[2][0].format()


def test_a_file_result_depends_only_on_its_own_text(tmp_path):
    """Whether a neighbour was migrated already changes nothing (so an interrupted run + a rerun = one run)."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "migrate_corpus"
    fresh, half = tmp_path / "fresh", tmp_path / "half"
    for root in (fresh, half):
        root.mkdir()
        for name in ("nmt_dates.py", "echo_generator.py", "attention_decoder.py", "custom_recurrents.py"):
            (root / name).write_bytes((corpus / name).read_bytes())
    assert cli(str(half / "attention_decoder.py"), str(half / "custom_recurrents.py"), "--write") in (0, 2)
    assert cli(str(fresh), "--write") in (0, 2)
    assert cli(str(half / "nmt_dates.py"), str(half / "echo_generator.py"), "--write") in (0, 2)
    for name in ("nmt_dates.py", "echo_generator.py"):
        assert (half / name).read_text() == (fresh / name).read_text() != (corpus / name).read_text()
