"""What one file of a project needs to know about the others: the file names they save.

A training script saves ``ModelCheckpoint('weights.h5', save_weights_only=True)``, which Keras 3
renames ``'weights.weights.h5'`` (:mod:`.rules.checkpoints`); the prediction script and the
notebook that load ``'weights.h5'`` must follow. :func:`scan_project` reads every program of the
project once, before any is migrated, and gives a
:class:`~compat_attention.migrate.rules.checkpoints.SavedFiles`; the runner passes it to each
file's migration (``migrate_module_text(..., project=facts)``, ``migrate_notebook_text(...,
project=facts)``).

A name is recorded as Keras 3 spells it, whether the file that saves it is migrated yet or not,
so the facts of a half-migrated project (a run interrupted, then run again) are those of the
original one, and each file's result depends only on its own text, the target and these facts.
"""

import libcst as cst

from .engine import FileContext, Tree
from .notebooks import NOTEBOOK_SUFFIX, notebook_program
from .rules.checkpoints import NOTHING_SAVED, Keras3FileNames, SavedFiles, folder_of

#: A program saves nothing this module looks for unless its text holds one of these.
_SAVED_SUFFIXES = (".h5", ".hdf5")


def saved_files(text, path="<string>"):
    """The weights and model files a Python program saves, as Keras 3 spells them.

    Args:
        text: the program's source.
        path: its file name: the names it saves are read from its folder.

    Returns:
        A :class:`SavedFiles` (empty when the text cannot be read as a tree, or saves nothing literal).

    Example:
        >>> facts = saved_files("model.save_weights('w.h5')\\nmodel.save('m.hdf5')\\n", "/project/train.py")
        >>> sorted(facts.weights), sorted(facts.models)
        ([('/project', 'w.weights.h5')], [('/project', 'm.h5')])
    """
    if not (Keras3FileNames.triggered_by(text) and any(s in text for s in _SAVED_SUFFIXES)):
        return NOTHING_SAVED
    try:
        module = cst.parse_module(text)
        rule = Keras3FileNames(FileContext("keras3", path, lambda name: None), Tree(module, text))
        return SavedFiles.of(rule.plan(module).saved, folder_of(path))
    except Exception:  # noqa: BLE001 - syntax LibCST refuses, nesting too deep: the file gets its report when migrated
        return NOTHING_SAVED


def scan_project(sources):
    """What the programs of a project save (see the module docstring).

    Args:
        sources: iterable of ``(path, text)``: Python files and notebooks (``.ipynb``, read as
            their code cells); a notebook that cannot be read adds nothing.

    Returns:
        A :class:`SavedFiles`, the union over all programs.
    """
    facts = NOTHING_SAVED
    for path, text in sources:
        try:
            if str(path).endswith(NOTEBOOK_SUFFIX):
                text = notebook_program(text)
                if text is None:
                    continue
            facts = facts.union(saved_files(text, path))
        except Exception:  # noqa: BLE001 - a file the scan cannot read saves nothing seen (its report comes when migrated)
            continue
    return facts


__all__ = ["SavedFiles", "saved_files", "scan_project"]
