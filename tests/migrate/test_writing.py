"""``migrate --write`` never loses or half-writes a file (issue 26): kills, a full disk, read-only files
and folders, links, files reached twice, edits made meanwhile; permissions, CRLF, BOM and coding lines kept.

The kill tests fork a child that runs ``--write`` over a copy of ``tests/migrate_corpus`` and kill it with
SIGKILL, at seeded random moments and just before seeded random steps of the writing (a write, fsync,
link, rename or unlink); after each kill every file is its original or its complete migration, and a
rerun ends with exactly the tree a run that was never killed gives.
"""

import errno
import os
import random
import shutil
import signal
import time
import warnings
from pathlib import Path

import pytest

from compat_attention.cli.main import main
from compat_attention.migrate import files, runner

CORPUS = Path(__file__).resolve().parent.parent / "migrate_corpus"
LEGACY = "from keras.layers.core import Dense\nDense(output_dim=3)\n"
CLEAN = "from keras.layers import Dense\nDense(units=3)\n"
WRITE_STEPS = ("write", "fsync", "link", "replace", "rename", "unlink", "fchmod", "utime")


def cli(*argv):
    return main(["migrate", *argv, "--target", "keras3", "--jobs", "1"])


def tree_of(root):
    """``{relative name: bytes}`` of every file under ``root``."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def one_shot(tmp_path_factory):
    """The corpus before, and after one uninterrupted ``--write``."""
    root = tmp_path_factory.mktemp("one_shot") / "corpus"
    shutil.copytree(CORPUS, root)
    before = tree_of(root)
    assert cli(str(root), "--write") in (0, 2)
    after = tree_of(root)
    assert any(after[name] != before[name] for name in before)  # the corpus does get migrated
    return before, after


def _fork(child):
    """Run ``child()`` in a forked process (it never returns there); returns the pid."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                child()
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    return pid


def _write_run(root, kill_at=None, count_file=None):
    """The child's run: ``--write`` over ``root``; SIGKILL itself just before write step ``kill_at``."""
    calls = [0]

    def counted(name, real):
        def step(*args, **kwargs):
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return step

    for name in WRITE_STEPS:
        setattr(os, name, counted(name, getattr(os, name)))
    cli(str(root), "--write")
    if count_file is not None:
        Path(count_file).write_text(str(calls[0]))


def _check_every_file(root, before, after):
    """Each file is its original or its complete migration; a ``.bak`` holds the original."""
    for name, data in tree_of(root).items():
        if files.TEMP_MARK in name:
            continue  # a killed run's temporary: never a file of the tree, removed by the rerun
        if name.endswith(".bak"):
            assert data == before[name[:-4]], name
        else:
            assert data in (before[name], after[name]), name


def _kill_and_rerun(tmp_path, before, after, kill):
    root = tmp_path / "corpus"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(CORPUS, root)
    _, status = os.waitpid(kill(root), 0)
    _check_every_file(root, before, after)
    assert cli(str(root), "--write") in (0, 2)
    assert tree_of(root) == after
    return status


def test_killed_before_any_write_step_every_file_is_whole_and_a_rerun_finishes(tmp_path, one_shot):
    before, after = one_shot
    count = tmp_path / "count"
    root = tmp_path / "count_run"
    shutil.copytree(CORPUS, root)
    os.waitpid(_fork(lambda: _write_run(root, count_file=count)), 0)
    steps = int(count.read_text())
    assert tree_of(root) == after and steps > 50
    killed = 0
    for kill_at in sorted(random.Random(26).sample(range(1, steps + 1), 6)):
        status = _kill_and_rerun(tmp_path, before, after, lambda r: _fork(lambda: _write_run(r, kill_at=kill_at)))
        killed += os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert killed == 6


def test_killed_at_random_moments_every_file_is_whole_and_a_rerun_finishes(tmp_path, one_shot):
    before, after = one_shot
    root = tmp_path / "timed"
    shutil.copytree(CORPUS, root)
    started = time.monotonic()
    os.waitpid(_fork(lambda: _write_run(root)), 0)
    took = time.monotonic() - started
    rng = random.Random(2026)

    def kill(r):
        pid = _fork(lambda: _write_run(r))
        time.sleep(rng.uniform(0.0, took))
        os.kill(pid, signal.SIGKILL)
        return pid

    for _ in range(3):
        _kill_and_rerun(tmp_path, before, after, kill)


def test_a_full_disk_leaves_every_file_whole_and_a_rerun_finishes(tmp_path, monkeypatch, capsys):
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(LEGACY * 50)
    real_write = os.write
    budget = [len(LEGACY) * 50 + 100]  # room for one backup and a little, then the disk is full

    def write(fd, data):
        if budget[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written = real_write(fd, bytes(data[:max(1, min(len(data), budget[0]))]))
        budget[0] -= written
        return written

    monkeypatch.setattr(files.os, "write", write)
    assert cli(str(tmp_path), "--write") == 2
    out = capsys.readouterr().out
    assert "cannot write (No space left on device) (write): the file was left as it is; free some disk space" in out
    assert (tmp_path / "a.py").read_text() == LEGACY * 50 and (tmp_path / "b.py").read_text() == LEGACY * 50
    assert not [p for p in tmp_path.iterdir() if files.TEMP_MARK in p.name]
    monkeypatch.undo()
    assert cli(str(tmp_path), "--write") == 0
    for name in ("a.py", "b.py"):
        assert (tmp_path / name).read_text() == CLEAN * 50 and (tmp_path / (name + ".bak")).read_text() == LEGACY * 50


@pytest.mark.parametrize("blocked", ["file", "folder"])
def test_a_read_only_file_or_folder_is_reported_and_the_rest_migrated(tmp_path, capsys, blocked):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "prog.py").write_text(LEGACY)
    (tmp_path / "free.py").write_text(LEGACY)
    target = locked / "prog.py" if blocked == "file" else locked
    target.chmod(0o444 if blocked == "file" else 0o555)
    try:
        assert cli(str(tmp_path), "--write") == 2
    finally:
        target.chmod(0o755)
    out = capsys.readouterr().out
    assert out.count("prog.py: read-only %s" % blocked) == 1
    assert (locked / "prog.py").read_text() == LEGACY and not (locked / "prog.py.bak").exists()
    assert (tmp_path / "free.py").read_text() == CLEAN
    assert cli(str(tmp_path), "--write") == 0 and (locked / "prog.py").read_text() == CLEAN


def test_a_partial_backup_left_by_an_older_run_is_completed(tmp_path):
    """An older ``migrate`` killed while copying left ``prog.py.bak`` empty or cut short."""
    for cut in (0, 20):
        (tmp_path / "prog.py").write_text(LEGACY)
        (tmp_path / "prog.py.bak").write_text(LEGACY[:cut])
        assert cli(str(tmp_path / "prog.py"), "--write") == 0
        assert (tmp_path / "prog.py").read_text() == CLEAN and (tmp_path / "prog.py.bak").read_text() == LEGACY


def test_a_file_edited_during_the_run_is_not_overwritten(tmp_path, monkeypatch, capsys):
    prog = tmp_path / "prog.py"
    prog.write_text(LEGACY)
    real = runner.migrate_data

    def edit_meanwhile(entry, data, target, limits, *project):
        done = real(entry, data, target, limits, *project)
        prog.write_text(LEGACY + "x = 1  # the user's edit\n")
        return done

    monkeypatch.setattr(runner, "migrate_data", edit_meanwhile)
    assert cli(str(prog), "--write") == 2
    assert "prog.py: changed on disk while it was being migrated (write)" in capsys.readouterr().out
    assert prog.read_text() == LEGACY + "x = 1  # the user's edit\n" and not (tmp_path / "prog.py.bak").exists()


def test_links_out_of_the_tree_are_never_followed_or_written_through(tmp_path, capsys):
    outside, tree, out = tmp_path / "outside", tmp_path / "tree", tmp_path / "out"
    outside.mkdir()
    tree.mkdir()
    (outside / "theirs.py").write_text(LEGACY)
    (tree / "mine.py").write_text(LEGACY)
    (tree / "link.py").symlink_to(outside / "theirs.py")
    (tree / "pkg").symlink_to(outside)
    assert cli(str(tree), "--write") == 2
    report = capsys.readouterr().out
    assert "link.py: a link to %s outside the tree; not followed (tree)" % (outside / "theirs.py") in report
    assert (outside / "theirs.py").read_text() == LEGACY and sorted(os.listdir(outside)) == ["theirs.py"]
    assert (tree / "mine.py").read_text() == CLEAN
    # --out: a dangling link already in the output folder is never written through
    (out / "sub").mkdir(parents=True)
    (tree / "sub").mkdir()
    (tree / "sub" / "p.py").write_text(LEGACY)
    (out / "sub" / "p.py").symlink_to(outside / "created.py")
    assert cli(str(tree), "--write", "--out", str(out)) == 2
    assert "p.py is a link (write)" in capsys.readouterr().out
    assert not (outside / "created.py").exists() and (out / "mine.py").read_text() == CLEAN


def test_the_same_file_reached_twice_is_migrated_once(tmp_path):
    (tmp_path / "a.py").write_text(LEGACY)
    (tmp_path / "alias.py").symlink_to(tmp_path / "a.py")
    assert cli(str(tmp_path), str(tmp_path / "a.py"), str(tmp_path / "alias.py"), "--write") == 0
    assert (tmp_path / "a.py").read_text() == CLEAN and (tmp_path / "a.py.bak").read_text() == LEGACY
    assert not (tmp_path / "alias.py.bak").exists()


@pytest.mark.parametrize("out", [False, True])
def test_permissions_line_endings_bom_and_coding_line_are_kept(tmp_path, out):
    src = tmp_path / "src"
    src.mkdir()
    cases = {
        "crlf.py": (LEGACY.replace("\n", "\r\n").encode(), CLEAN.replace("\n", "\r\n").encode()),
        "bom.py": (b"\xef\xbb\xbf" + LEGACY.encode(), b"\xef\xbb\xbf" + CLEAN.encode()),
        "latin.py": (("# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n" + LEGACY).encode("latin-1"),
                     ("# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n" + CLEAN).encode("latin-1")),
        "tool.py": (("#!/usr/bin/env python\n" + LEGACY).encode(), ("#!/usr/bin/env python\n" + CLEAN).encode()),
    }
    for name, (data, _) in cases.items():
        (src / name).write_bytes(data)
    (src / "tool.py").chmod(0o751)
    dest = tmp_path / "out" if out else src
    assert cli(str(src), "--write", *(["--out", str(dest)] if out else [])) == 0
    for name, (data, migrated) in cases.items():
        assert (dest / name).read_bytes() == migrated, name
        if not out:
            assert (src / (name + ".bak")).read_bytes() == data
    assert (dest / "tool.py").stat().st_mode & 0o7777 == 0o751


def test_a_file_cut_short_by_an_older_run_is_reported_not_taken_as_done(tmp_path, capsys):
    """An older ``migrate`` killed while writing left ``prog.py`` empty (or cut) and its original in ``.bak``."""
    for cut in ("", CLEAN[:20]):
        (tmp_path / "prog.py").write_text(cut)
        (tmp_path / "prog.py.bak").write_text(LEGACY)
        assert cli(str(tmp_path / "prog.py"), "--write") == 2
        assert "prog.py: looks cut short by an interrupted earlier run (%d bytes; prog.py.bak holds %d) (write)" % (
            len(cut), len(LEGACY)) in capsys.readouterr().out
        assert (tmp_path / "prog.py").read_text() == cut and (tmp_path / "prog.py.bak").read_text() == LEGACY
    (tmp_path / "prog.py").write_text(CLEAN)  # done: the migration of the .bak, no report
    assert cli(str(tmp_path / "prog.py"), "--write") == 0 and capsys.readouterr().out == ""
