"""notebooks.py and ipython.py: Jupyter notebooks migrated cell by cell, as one program.

What is checked: code cells see the names earlier cells import; IPython lines (magics, shell
escapes, help) come back as written and the code around them is migrated; outputs, metadata,
ids, execution counts and the nbformat version are kept; a notebook with no Keras change comes
back byte for byte, and a changed one differs from a Jupyter-saved file only in the changed
source lines; migrating twice changes nothing; bad files give one typed report line; reports
say FILE:CELL:LINE.
"""

import difflib
import json
import os
import re

import pytest

from compat_attention.errors import NotebookError, UsageError
from compat_attention.migrate import migrate_notebook_text, migrate_source
from compat_attention.migrate.ipython import Masker
from compat_attention.migrate.notebooks import notebook_program, read_notebook

nbformat = pytest.importorskip("nbformat")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}


def notebook(*cells, minor=2, metadata=KERNEL):
    """A notebook's text as Jupyter saves it; ``cells`` are ``(cell_type, source)`` pairs.

    Each code cell gets an execution count and a stream output; ids from nbformat 4.5 on.
    """
    out = []
    for number, (kind, source) in enumerate(cells, 1):
        cell = {"cell_type": kind, "metadata": {}, "source": source.splitlines(True)}
        if kind == "code":
            cell.update(execution_count=number, outputs=[{"name": "stdout", "output_type": "stream",
                                                          "text": ["out %d\n" % number]}])
        if minor >= 5:
            cell["id"] = "cell-%d" % number
        out.append(cell)
    nb = {"cells": out, "metadata": metadata, "nbformat": 4, "nbformat_minor": minor}
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"


def sources(text):
    """Every cell's source, as one string each."""
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in json.loads(text)["cells"]]


def migrate(text, target="keras3", path="nb.ipynb"):
    """Migrate, and check that migrating the result again changes nothing."""
    result = migrate_notebook_text(text, target, path)
    again = migrate_notebook_text(result.code, target, path)
    assert again.code == result.code and again.applied == [] and not again.changed, "not idempotent"
    return result


SGD_IMPORT = "from keras.optimizers import SGD"


def test_a_cell_sees_the_names_earlier_cells_import():
    text = notebook(("markdown", "# Tutorial"), ("code", "import numpy as np\n" + SGD_IMPORT),
                    ("code", "x = np.zeros(3)"), ("code", "opt = SGD(lr=0.1)"))
    result = migrate(text)
    assert sources(result.code) == ["# Tutorial", "import numpy as np\n" + SGD_IMPORT, "x = np.zeros(3)",
                                    "opt = SGD(learning_rate=0.1)"]
    assert [(c.cell, c.source, c.code) for c in result.cells] == [(4, "opt = SGD(lr=0.1)", "opt = SGD(learning_rate=0.1)")]
    assert result.applied == ["optimizer_lr_decay"] and result.issues == []
    # the same cell alone does not know what SGD is: the context is what migrated it
    assert not migrate_source("opt = SGD(lr=0.1)", target="keras3").changed


def test_backend_imported_in_one_cell_used_in_another():
    text = notebook(("code", "from keras import backend as K"), ("code", "def acc(y, p):\n    return K.mean(K.eval(p))"))
    assert sources(migrate(text).code) == ["from compat_attention.legacy import backend as K",
                                           "def acc(y, p):\n    return K.mean(K.eval(p))"]
    assert migrate(text, "keras2").code == text  # tf.keras 2 keeps its backend: nothing to change


def test_an_added_import_goes_into_the_first_code_cell_with_imports():
    text = notebook(("code", "%matplotlib inline"), ("code", "import numpy as np\n%s\nrate = 0.1" % SGD_IMPORT),
                    ("code", "import os"), ("code", "def build():\n    return SGD(lr=rate, decay=1e-4)"))
    assert sources(migrate(text).code) == [
        "%matplotlib inline",
        "import numpy as np\n%s\nfrom compat_attention.legacy.optimizers import legacy_decay\nrate = 0.1" % SGD_IMPORT,
        "import os", "def build():\n    return SGD(learning_rate=legacy_decay(rate, 1e-4))"]


MAGICS = ("%matplotlib inline\n"
          "!pip install -q h5py\n"
          "files = !ls *.h5\n"
          "SGD?\n"
          "??SGD\n"
          "!pip install a \\\n"
          "    b\n"
          "for f in files:\n"
          "    !echo {f}\n"
          "opt = SGD(lr=0.1)\n"
          "%time opt2 = SGD(lr=0.2)  # timed\n"
          "get_ipython().run_line_magic('load_ext', 'autoreload')\n"
          "text = '''\n%d items\n!not a magic\n'''\n"
          "total = (len(files)\n"
          "         % 3)")


def test_magics_shell_escapes_and_help_come_back_as_written():
    result = migrate(notebook(("code", SGD_IMPORT), ("code", MAGICS)))
    expected = MAGICS.replace("SGD(lr=0.1)", "SGD(learning_rate=0.1)").replace("SGD(lr=0.2)", "SGD(learning_rate=0.2)")
    assert sources(result.code) == [SGD_IMPORT, expected] and result.issues == []


def test_the_masker_keeps_line_numbers_and_leaves_code_that_continues_alone():
    masker = Masker("_m")
    masked = masker.mask(MAGICS)
    assert len(masked.text.splitlines()) == len(MAGICS.splitlines())
    kept = [line for line, original in zip(masked.text.splitlines(), MAGICS.splitlines()) if line == original]
    assert "%d items" in kept and "!not a magic" in kept and "         % 3)" in kept and "opt = SGD(lr=0.1)" in kept
    assert "opt2 = SGD(lr=0.2)  # timed  # _m" in masked.text  # %time's statement is exposed to the rules
    compile(masked.text, "<cell>", "exec")
    assert masker.restore(masked.text) == MAGICS


def test_python_cell_magics_are_migrated_other_cell_magics_left_alone():
    writefile = "%%writefile helper.py\nfrom keras.optimizers import SGD\nopt = SGD(lr=0.1)"
    text = notebook(("code", SGD_IMPORT), ("code", "%%time\nopt = SGD(lr=0.1)"), ("code", writefile),
                    ("code", "%%bash\necho hi"), ("code", "%%html\n<b>SGD(lr=0.1)</b>"))
    result = migrate(text)
    assert sources(result.code) == [SGD_IMPORT, "%%time\nopt = SGD(learning_rate=0.1)", writefile, "%%bash\necho hi",
                                    "%%html\n<b>SGD(lr=0.1)</b>"]
    assert [(i.where, i.rule) for i in result.issues] == [("nb.ipynb:3:1", "notebook")]  # Keras code it cannot reach
    assert "%%writefile" in result.issues[0].what


def test_markdown_raw_outputs_metadata_and_version_kept():
    text = notebook(("markdown", "Use `SGD(lr=0.1)`"), ("code", SGD_IMPORT + "\nopt = SGD(lr=0.1)"),
                    ("raw", "SGD(lr=0.1)"), metadata=dict(KERNEL, custom={"a": [1, 2]}))
    result = migrate(text)
    before, after = json.loads(text), json.loads(result.code)
    assert after["cells"][1]["source"] == [SGD_IMPORT + "\n", "opt = SGD(learning_rate=0.1)"]
    after["cells"][1]["source"] = before["cells"][1]["source"]
    assert after == before  # everything else as it was: nbformat 4.2, no ids, outputs, counts, metadata


def test_a_notebook_with_no_keras_change_comes_back_byte_for_byte():
    nb = json.loads(notebook(("code", "import numpy as np\nx = np.zeros(3)  # caf\u00e9"), ("markdown", "caf\u00e9")))
    odd = json.dumps(dict(reversed(list(nb.items()))), indent=2, ensure_ascii=True).replace("\n", "\r\n")
    for text in (odd, notebook(("code", "%matplotlib inline\n!ls"), minor=5)):
        result = migrate(text)
        assert result.code is text and not result.changed and result.cells == () and result.applied == []


def test_a_jupyter_saved_notebook_changes_only_in_the_changed_source_lines():
    text = notebook(("markdown", "# caf\u00e9"), ("code", SGD_IMPORT + "\nopt = SGD(lr=0.1)\nprint(opt)"),
                    ("code", "x = 1"), minor=5)
    assert text == nbformat.writes(nbformat.reads(text, as_version=nbformat.NO_CONVERT)) + "\n"  # as Jupyter saves
    result = migrate(text)
    diff = [line for line in difflib.unified_diff(text.splitlines(), result.code.splitlines(), n=0, lineterm="")
            if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert diff == ['-    "opt = SGD(lr=0.1)\\n",', '+    "opt = SGD(learning_rate=0.1)\\n",']


def test_a_changed_notebook_written_otherwise_keeps_its_newlines_ending_and_escapes():
    nb = json.loads(notebook(("code", SGD_IMPORT + "\nopt = SGD(lr=0.1)  # caf\u00e9")))
    text = json.dumps(dict(reversed(list(nb.items()))), indent=2, ensure_ascii=True).replace("\n", "\r\n")
    result = migrate(text)
    node = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    node.cells[0].source = SGD_IMPORT + "\nopt = SGD(learning_rate=0.1)  # caf\u00e9"
    # nbformat's layout (1-space indent, sorted keys), with the file's \r\n, missing final newline and \u escapes
    assert result.code == nbformat.writes(node, ensure_ascii=True).replace("\n", "\r\n")
    assert result.code.isascii() and not result.code.endswith("\n")


def test_cells_nbformat_gives_an_id_get_the_same_id_every_run():
    nb = json.loads(notebook(("code", SGD_IMPORT), ("code", "opt = SGD(lr=0.1)"), minor=5))
    for cell in nb["cells"]:
        del cell["id"]  # an invalid 4.5 notebook: nbformat adds random ids when it reads it
    text = json.dumps(nb, indent=1)
    first, second = (migrate_notebook_text(text, "keras3", "nb.ipynb") for _ in range(2))
    assert first.code == second.code
    ids = [cell["id"] for cell in json.loads(first.code)["cells"]]
    assert len(set(ids)) == 2 and all(re.fullmatch(r"[0-9a-f]{8}", i) for i in ids)


def test_reports_name_file_cell_and_line():
    copied = open(os.path.join(ROOT, "tests", "migrate_corpus", "attention_decoder.py"), encoding="utf-8").read()
    text = notebook(("markdown", "# A"), ("code", "from keras.callbacks import ModelCheckpoint"), ("code", copied),
                    ("markdown", "# B"), ("code", "x = 1\nck = ModelCheckpoint('m.keras', period=5)"),
                    ("code", "y = 2\nprint 'done'"))
    result = migrate(text)
    assert "legacy_attention_module" in result.applied  # removed lines above the issue, in another cell
    assert [(i.where, i.rule) for i in result.issues] == [("nb.ipynb:5:2", "keras3_file_names"), ("nb.ipynb:6:2", "parse")]
    assert result.issues[0].format().startswith("nb.ipynb:5:2: ModelCheckpoint(period=...) (keras3_file_names): ")
    assert "this cell does not parse" in result.issues[1].what
    assert sources(result.code)[4] == "x = 1\nck = ModelCheckpoint('m.keras', period=5)"


def test_a_cell_that_does_not_parse_is_kept_and_the_others_migrated():
    text = notebook(("code", SGD_IMPORT), ("code", "print 'python 2'"), ("code", "opt = SGD(lr=0.1)"))
    result = migrate(text)
    assert sources(result.code) == [SGD_IMPORT, "print 'python 2'", "opt = SGD(learning_rate=0.1)"]
    assert [(i.cell, i.line, i.rule) for i in result.issues] == [(2, 1, "parse")]


def test_an_old_keras_pinned_by_pip_is_reported():
    text = notebook(("code", "!pip install keras==2.0.8 h5py\n%pip install tensorflow-gpu==1.3.0\n!pip install keras==2.15"))
    assert [(i.where, i.rule) for i in migrate(text).issues] == [("nb.ipynb:1:1", "notebook"), ("nb.ipynb:1:2", "notebook")]


BAD = {
    "not JSON": ('{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}', 3, "not valid JSON"),
    "empty": ("", 1, "not valid JSON"),
    "a JSON list": ("[1, 2]", 1, "not a Jupyter notebook"),
    "no version": ('{"cells": []}', 1, "not a Jupyter notebook"),
    "nbformat 3": ('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', 1, "nbformat 3"),
    "cells not a list": ('{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": {"a": 1}}', 1, "cells"),
    "a cell without type": ('{"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [{"source": ""}]}', 1,
                            "cells"),
    "an R notebook": (notebook(("code", "library(keras)"), metadata={"kernelspec": {"language": "R", "name": "ir"}}),
                      1, "in r, not Python"),
    "no metadata": ('{"nbformat": 4, "nbformat_minor": 2, "cells": []}', 1, "nbformat cannot read it"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_notebook_gives_one_typed_line_and_no_change(case):
    text, line, problem = BAD[case]
    result = migrate_notebook_text(text, "keras3", "bad.ipynb")
    assert result.code is text and not result.changed and result.cells == ()
    [issue] = result.issues
    assert (issue.rule, issue.line, issue.cell) == ("notebook", line, None) and problem in issue.what
    assert "\n" not in issue.format() and issue.format().startswith("bad.ipynb:%d: " % line)
    with pytest.raises(NotebookError) as error:
        read_notebook(text, "bad.ipynb")
    assert isinstance(error.value, UsageError) and str(error.value).startswith("bad.ipynb: ") and "\n" not in str(error.value)
    assert notebook_program(text) is None


def test_the_program_of_a_notebook_runs_as_python():
    text = notebook(("code", "%matplotlib inline\nimport math"), ("markdown", "x"), ("code", "%%time\ny = math.pi"),
                    ("code", "%%bash\nexit 1"), ("code", "z = y * 2\nz?"))
    namespace = {}
    exec(compile(notebook_program(text), "nb.ipynb", "exec"), namespace)  # noqa: S102 - the test's own notebook
    assert namespace["z"] == pytest.approx(2 * 3.141592653589793)


def test_unknown_target_is_refused():
    with pytest.raises(ValueError):
        migrate_notebook_text(notebook(("code", "x = 1")), "keras4", "nb.ipynb")


def test_lines_are_counted_as_python_counts_them():
    # a form feed (old page breaks) or U+2028 in a string ends no line for Python, unlike str.splitlines
    text = notebook(("code", "from keras.callbacks import ModelCheckpoint\n\x0c\ns = 'a\u2028b'\nx = 1"),
                    ("code", "ck = ModelCheckpoint('m.keras', period=5)"))
    assert [i.where for i in migrate(text).issues] == ["nb.ipynb:2:1"]


def cli(*argv):
    from compat_attention.cli.main import main

    return main(["migrate", *argv])


def test_the_command_migrates_notebooks_and_goes_on_past_bad_ones(tmp_path, capsys):
    files = {"a_tutorial.ipynb": notebook(("code", "%matplotlib inline\n" + SGD_IMPORT), ("code", "opt = SGD(lr=0.1)")),
             "b_clean.ipynb": notebook(("code", "import numpy as np\n!ls")),
             "c_broken.ipynb": BAD["not JSON"][0], "d_v3.ipynb": BAD["nbformat 3"][0],
             "e_list.ipynb": BAD["a JSON list"][0], "f_train.py": SGD_IMPORT + "\nSGD(lr=0.1)\n"}
    project = tmp_path / "project"
    project.mkdir()
    for name, text in files.items():
        (project / name).write_text(text, encoding="utf-8")
    (project / ".ipynb_checkpoints").mkdir()
    (project / ".ipynb_checkpoints" / "a_tutorial-checkpoint.ipynb").write_text(files["a_tutorial.ipynb"])

    assert cli(str(project), "--write", "--target", "keras3") == 2
    out = capsys.readouterr().out.splitlines()
    assert sorted(line.split(" -> ")[0] for line in out if line.startswith("migrated ")) == [
        "migrated %s" % (project / "a_tutorial.ipynb"), "migrated %s" % (project / "f_train.py")]
    problems = [line for line in out if not line.startswith("migrated ")]
    assert [line.split(": ")[0] for line in problems] == [str(project / n) + ":" + str(BAD[case][1]) for n, case in (
        ("c_broken.ipynb", "not JSON"), ("d_v3.ipynb", "nbformat 3"), ("e_list.ipynb", "a JSON list"))]
    assert "(notebook)" in problems[1] and "jupyter nbconvert --to notebook --inplace" in problems[1]
    assert all("; " in line for line in problems)  # what; the fix
    assert sources((project / "a_tutorial.ipynb").read_text(encoding="utf-8")) == [
        "%matplotlib inline\n" + SGD_IMPORT, "opt = SGD(learning_rate=0.1)"]
    assert (project / "a_tutorial.ipynb.bak").read_text(encoding="utf-8") == files["a_tutorial.ipynb"]
    for name in ("b_clean.ipynb", "c_broken.ipynb", "d_v3.ipynb", "e_list.ipynb"):  # untouched, no backup
        assert (project / name).read_text(encoding="utf-8") == files[name] and not (project / (name + ".bak")).exists()
    assert (project / ".ipynb_checkpoints" / "a_tutorial-checkpoint.ipynb").read_text() == files["a_tutorial.ipynb"]

    for name in ("c_broken.ipynb", "d_v3.ipynb", "e_list.ipynb"):
        (project / name).unlink()
    assert cli(str(project), "--check", "--target", "keras3") == 0  # migrating twice changes nothing


def test_the_command_copies_unchanged_notebooks_byte_for_byte_and_diffs_changed_ones(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clean = json.dumps(json.loads(notebook(("code", "x = 1  # caf\u00e9"))), indent=2, ensure_ascii=True)
    (tmp_path / "clean.ipynb").write_bytes(clean.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "old.ipynb").write_text(notebook(("code", SGD_IMPORT + "\nSGD(lr=0.1)")), encoding="utf-8")
    assert cli("clean.ipynb", "old.ipynb", "--target", "keras3") == 0
    diff = [line for line in capsys.readouterr().out.splitlines() if line[:1] in "+-"]
    assert diff == ["--- a/old.ipynb", "+++ b/old.ipynb", '-    "SGD(lr=0.1)"', '+    "SGD(learning_rate=0.1)"']
    assert cli("clean.ipynb", "old.ipynb", "--write", "--out", "out", "--target", "keras3") == 0
    assert (tmp_path / "out" / "clean.ipynb").read_bytes() == (tmp_path / "clean.ipynb").read_bytes()
    assert sources((tmp_path / "out" / "old.ipynb").read_text(encoding="utf-8")) == [SGD_IMPORT + "\nSGD(learning_rate=0.1)"]
