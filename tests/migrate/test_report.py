"""report.py: the report line of an issue, and whether a result changed the text."""

from compat_attention.migrate import Issue, MigrationResult


def test_issue_line_names_file_line_rule_why_and_fix():
    issue = Issue("prog.py", 3, "keras_backend", "K.tf", "Keras 3's backend has no tf", "import tensorflow as tf")
    assert issue.format() == "prog.py:3: K.tf (keras_backend): Keras 3's backend has no tf; import tensorflow as tf"


def test_changed_compares_the_texts():
    assert MigrationResult("a.py", "x = 1\n", "x = 2\n", ["r"], []).changed
    assert not MigrationResult("a.py", "x = 1\n", "x = 1\n", [], []).changed


def test_issue_in_a_notebook_names_file_cell_and_line():
    issue = Issue("tutorial.ipynb", 2, "keras_backend", "K.tf", "why", "fix", cell=7)
    assert issue.format() == "tutorial.ipynb:7:2: K.tf (keras_backend): why; fix"
    assert issue.where == "tutorial.ipynb:7:2" and Issue("a.py", 3, "r", "w", "y", "f").where == "a.py:3"
    assert issue._asdict()["cell"] == 7 and Issue("a.py", 3, "r", "w", "y", "f").cell is None
