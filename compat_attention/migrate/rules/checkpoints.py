"""File names Keras 3 dictates: ``.weights.h5`` for weights, ``.keras``/``.h5`` for models.

Keras 3's ``save_weights`` and ``ModelCheckpoint(save_weights_only=True)`` require names
ending in ``.weights.h5``, and ``load_weights(..., by_name=...)`` refuses such files (Keras
3.15 accepts ``by_name`` only for a legacy ``.h5``/``.hdf5`` file, which it still loads by
name). Whole-model checkpoints must end in ``.keras`` or ``.h5``.

A new name is a function of the name alone (:func:`new_name`): ``'w.h5'`` saved as weights
becomes ``'w.weights.h5'`` in every file that uses it. Every equal string literal in the file
is renamed too, so the ``load_weights`` or ``os.path.exists`` that reads the file back finds
it; and so is a literal another file of the project saves (``FileContext.project``, a
:class:`SavedFiles` from ``project.scan_project``), so that ``predict.py`` loads what
``train.py`` now writes. A ``load_weights(..., by_name=True)`` of a file renamed to
``.weights.h5`` loses ``by_name``: Keras 3 loads such a file by the order of the model's
layers, which is what ``by_name`` loaded when the model is built by the same code (checked on
Keras 3.15: a model built otherwise gets the weights by layer order where their shapes fit,
names ignored, and Keras' own error where they do not). A legacy ``.h5`` no program of the
project saves keeps its name and ``by_name``.
"""

import os
import re
from collections import namedtuple

import libcst as cst

from .. import cstwalk, spec
from .base import NOT_LITERAL, Rule, drop_kwargs, kwarg, literal, method_name, positionals

WEIGHTS, MODEL = "weights", "model"
#: Where ``ModelCheckpoint`` takes these arguments by position (Keras 2.0.8's order).
SAVE_WEIGHTS_ONLY_AT = spec.MODEL_CHECKPOINT_SIGNATURE.index("save_weights_only")
PERIOD_AT = spec.MODEL_CHECKPOINT_SIGNATURE.index("period")


def new_name(value, kind):
    """The Keras 3 spelling of a file name, or None when it needs none.

    Example:
        >>> new_name("w.{epoch:02d}.hdf5", WEIGHTS), new_name("best.hdf5", MODEL), new_name("m.h5", MODEL)
        ('w.{epoch:02d}.weights.h5', 'best.h5', None)
    """
    if kind == WEIGHTS and not value.endswith(spec.WEIGHTS_SUFFIX):
        for suffix in spec.HDF5_SUFFIXES:
            if value.endswith(suffix):
                return value[:-len(suffix)] + spec.WEIGHTS_SUFFIX
    if kind == MODEL and value.endswith(".hdf5"):
        return value[:-5] + ".h5"
    return None


def _template(name):
    """A regex matching the names a checkpoint template such as ``'w.{epoch:02d}.h5'`` fills in."""
    return re.compile("".join(".*?" if part.startswith("{") else re.escape(part)
                              for part in re.split(r"(\{[^}]*\})", name)) + "$")


def _fits(name, saved):
    """Whether ``name`` is ``saved``, or a name its template fills in."""
    return name == saved or ("{" in saved and _template(saved).match(name) is not None)


def _nested(one, other):
    """Whether one of two folders holds the other (or they are the same)."""
    try:
        return os.path.commonpath([one, other]) in (one, other)
    except ValueError:  # two drives on Windows
        return False


def folder_of(path):
    """The folder of a program's file: file names in it are read relative to that folder."""
    return os.path.dirname(os.path.abspath(path))


class SavedFiles(namedtuple("SavedFiles", "weights models")):
    """The files the programs of a project save, each name spelled as Keras 3 names it.

    A name spelled either way (``'w.h5'`` or ``'w.weights.h5'``) gives the same entry, so
    these facts are the same before and after the project is migrated. A load in another
    program follows a save when both name the file alike and one program's folder holds the
    other's (two projects migrated together do not mix their ``'model.h5'``), or when the two
    names, each read from its own program's folder, are the same path (``'../w.h5'`` in
    ``notebooks/``, ``'w.h5'`` beside it).

    Attributes:
        weights: frozenset of ``(folder, name)``: weights files (``save_weights``, weights-only
            checkpoints), with the folder of the program that saves each.
        models: frozenset of ``(folder, name)``: model files (``save``, whole-model checkpoints).
    """

    __slots__ = ()

    @classmethod
    def of(cls, saved, folder):
        """From ``{name as written: kind}`` of one program in ``folder``."""
        return cls(*(frozenset((folder, new_name(name, k) or name) for name, k in saved.items() if k == kind)
                     for kind in (WEIGHTS, MODEL)))

    def union(self, other):
        """The facts of both."""
        return SavedFiles(self.weights | other.weights, self.models | other.models)

    def saves(self, name, kind, folder):
        """Whether a program saves ``name`` (Keras 3 spelling), read from ``folder``, as ``kind``."""
        for saved_folder, saved in self.weights if kind == WEIGHTS else self.models:
            same_path = _fits(os.path.normpath(os.path.join(folder, name)),
                              os.path.normpath(os.path.join(saved_folder, saved)))
            if same_path or (_nested(folder, saved_folder) and _fits(name, saved)):
                return True
        return False


NOTHING_SAVED = SavedFiles(frozenset(), frozenset())


class _Strings(cst.CSTVisitor):
    def __init__(self):
        self.found = []

    def visit_SimpleString(self, node):
        value = literal(node)
        if value is not NOT_LITERAL:
            self.found.append(value)


class _Scan(_Strings):
    """One walk of the module: the values assigned to each simple name, every call (in order), and every
    string literal (``found``)."""

    def __init__(self):
        super().__init__()
        self.values, self.calls = {}, []

    def visit_Assign(self, node):
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.values.setdefault(target.target.value, []).append(node.value)

    def visit_Call(self, node):
        self.calls.append(node)


class _Plan(cst.CSTVisitor):
    """First pass: which file-name literals to rename, and what could not be seen."""

    def __init__(self, rule, assigned):
        super().__init__()
        self.rule, self.assigned, self.renames, self.unseen = rule, assigned, {}, []
        self.saved = {}  # every file name saved here, as written: its kind

    def strings(self, node, depth=0):
        if isinstance(node, cst.Name) and depth < 3:
            out = []
            for value in self.assigned.get(node.value, []):
                out += self.strings(value, depth + 1)
            return out
        visitor = _Strings()
        cstwalk.visit(node, visitor)
        return [s for s in visitor.found if s.endswith(spec.MODEL_FILE_SUFFIXES)]

    def plan(self, call, path_arg, kind):
        names = self.strings(path_arg.value) if path_arg is not None else []
        if not names:
            self.unseen.append((call, kind))
        for value in names:
            self.saved.setdefault(value, kind)
            renamed = new_name(value, kind)
            if renamed:
                self.renames[value] = renamed

    def visit_Call(self, node):
        symbol = self.rule.callee_symbol(node)
        method = method_name(node)
        first = positionals(node)[0] if positionals(node) else None
        if symbol == "ModelCheckpoint":
            path = kwarg(node, "filepath") or first
            flag = kwarg(node, "save_weights_only")
            if flag is None and len(positionals(node)) > SAVE_WEIGHTS_ONLY_AT:
                flag = positionals(node)[SAVE_WEIGHTS_ONLY_AT]
            kind = WEIGHTS if flag is not None and literal(flag.value) is True else MODEL
            if flag is not None and literal(flag.value) not in (True, False):
                self.unseen.append((node, "flag"))
                return
            self.plan(node, path, kind)
        elif method == "save_weights":
            self.plan(node, kwarg(node, "filepath") or first, WEIGHTS)
        elif method == "save" and (kwarg(node, "filepath") or first) is not None:
            names = self.strings((kwarg(node, "filepath") or first).value)
            for value in names:
                self.saved.setdefault(value, MODEL)
                if new_name(value, MODEL):
                    self.renames[value] = new_name(value, MODEL)


class Keras3FileNames(Rule):
    """Rename checkpoint/weights file literals; drop ``by_name`` and ``period=1`` where Keras 3 needs it."""

    name = "keras3_file_names"
    fact = ("Keras 3 saves weights only to names ending in .weights.h5 (and then refuses load_weights(by_name=True)), "
            "whole models to .keras or .h5, and its ModelCheckpoint has no period=.")
    targets = ("keras3",)
    #: Names are planned from these calls (``save`` is part of ``save_weights``), and renamed
    #: in the loads of a file that saves nothing when the project's other files save them.
    triggers = ("ModelCheckpoint", "save", "load_weights", "load_model")

    def plan(self, module):
        """The first pass: which literals this file saves, and how each is renamed (one walk, ``_Scan``)."""
        self.scan = _Scan()
        cstwalk.visit(module, self.scan)
        self.planner = _Plan(self, self.scan.values)
        for call in self.scan.calls:
            self.planner.visit_Call(call)
        return self.planner

    def visit_Module(self, node):
        self.plan(node)
        self._templates(node)
        self._saved_elsewhere(node)
        for call, kind in self.planner.unseen:
            what = "ModelCheckpoint(save_weights_only=<expression>)" if kind == "flag" else \
                "the file name of this %s" % ("weights file" if kind == WEIGHTS else "checkpoint")
            self.report(call, what, "Keras 3 needs weights files named *.weights.h5 and models *.keras or *.h5, "
                        "and the name is not a literal here", "make the name end in .weights.h5 (weights) or "
                        ".keras (model), and use the same name where it is loaded")
        return True

    @property
    def project(self):
        """What the project's other files save (:class:`SavedFiles`)."""
        return self.file.project if self.file.project is not None else NOTHING_SAVED

    def _saved_elsewhere(self, module):
        """Rename a literal that another file of the project saves (as ``new_name`` renames it there)."""
        if not (self.project.weights or self.project.models):
            return
        folder = folder_of(self.file.path)
        for value in self.scan.found:
            for kind in (WEIGHTS, MODEL):
                renamed = new_name(value, kind)
                if value not in self.planner.renames and renamed and self.project.saves(renamed, kind, folder):
                    self.planner.renames[value] = renamed

    def _templates(self, module):
        """A load of ``'w.03.hdf5'`` matches a checkpoint template ``'w.{epoch:02d}.hdf5'``: rename it too."""
        patterns = [(_template(old), old) for old in self.planner.renames if "{" in old]
        if not patterns:
            return
        for value in self.scan.found:
            for pattern, old in patterns:
                if value not in self.planner.renames and pattern.match(value):
                    kind = WEIGHTS if self.planner.renames[old].endswith(spec.WEIGHTS_SUFFIX) else MODEL
                    if new_name(value, kind):
                        self.planner.renames[value] = new_name(value, kind)

    def leave_SimpleString(self, original, updated):
        value = literal(original)
        if value not in self.planner.renames:
            return updated
        new = self.planner.renames[value]
        suffix = ".hdf5" if value.endswith(".hdf5") else ".h5"
        replacement = new[len(value) - len(suffix):]
        raw = original.value
        quote = 3 if raw.endswith(("\'\'\'", '"""')) else 1
        body = raw[:-quote]
        if not body.endswith(suffix):
            return updated
        return updated.with_changes(value=body[:-len(suffix)] + replacement + raw[-quote:])

    def leave_Call(self, original, updated):
        if self.callee_symbol(original) == "ModelCheckpoint":
            period = kwarg(updated, "period")
            if period is None and len(positionals(updated)) > PERIOD_AT:
                period = positionals(updated)[PERIOD_AT]
            if period is not None and literal(period.value) == 1:
                return drop_kwargs(updated, {"period"}) if period.keyword is not None else updated
            if period is not None:
                self.report(original, "ModelCheckpoint(period=...)", "Keras 3's ModelCheckpoint has no period=",
                            "use save_freq=<period * steps_per_epoch> (in batches), or save in a callback's "
                            "on_epoch_end every N epochs")
            return updated
        if method_name(original) == "load_weights" and kwarg(updated, "by_name") is not None:
            path = kwarg(updated, "filepath") or (positionals(updated)[0] if positionals(updated) else None)
            names = self.planner.strings(path.value) if path is not None else []
            names = [self.planner.renames.get(n, n) for n in names]
            if names and all(n.endswith(spec.WEIGHTS_SUFFIX) for n in names):
                return drop_kwargs(updated, {"by_name"})
            if not names and (self.planner.renames or self.project.weights):
                self.report(original, "load_weights(..., by_name=...)", "Keras 3 refuses by_name for .weights.h5 "
                            "files, and the file name is not a literal here", "drop by_name if the file is one this "
                            "program saved with save_weights/ModelCheckpoint; keep it for a legacy .h5 file")
        return updated
