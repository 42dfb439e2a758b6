"""What a migration found: the problems it could not fix, the result of one file, and a run's report."""

import difflib
import json
from collections import OrderedDict, namedtuple

#: The checks a run makes around the rules, each with the fact behind it (a report's "rule" and
#: "legacy fact" for a file it skipped or did not write).
FILE_CHECKS = OrderedDict([
    ("tree", "A tree is migrated file by file: a link leading out of it, a link loop, a dangling link or a file "
             "that is not Python (a macOS ._* AppleDouble file) is left alone."),
    ("source", "Python 3 reads source as UTF-8 unless a coding line names another encoding; bytes that are "
               "not text in that encoding (or NUL bytes) are no Python 3 program."),
    ("parse", "The tool rewrites Python 3 code; Keras 2.0 also ran on Python 2 (`print x`, `except E, e`)."),
    ("limits", "One file's migration is bounded in size, time and nesting depth, so that no file can stop "
               "the run or take the machine's memory."),
    ("write", "A file is replaced in one step (a complete temporary file renamed over it, after a .bak copy): "
              "never half-written, never through a link, never over a change made meanwhile or an existing file."),
    ("notebook", "Notebooks (.ipynb) are migrated cell by cell by the notebook support."),
])


#: Issue kinds: ``'hand'`` needs a hand edit (``--check`` exits 2); ``'pin'`` is informational: the
#: migrated code states a Keras 2.0.8 value whose default changed since (``--modern-defaults`` drops it).
HAND, PIN = "hand", "pin"


class Issue(namedtuple("Issue", "path line rule what why fix cell kind", defaults=(None, HAND))):
    """One thing the tool reports, with where, why and what to do.

    Attributes:
        path: the file (or ``'<string>'``).
        line: the 1-based line of the code in question (in a notebook: within its cell; 0: the
            file as a whole).
        rule: the name of the rule (or file check, see ``FILE_CHECKS``) that found it.
        what: the code or construct, in a few words.
        why: the legacy fact that breaks it (a pin: what changed since Keras 2.0.8).
        fix: what to do by hand (a pin: what the migrated code states, and how to opt out).
        cell: in a notebook, the 1-based index of the cell among all its cells (markdown and
            raw cells counted, as a reader counts them from the top); None in a Python file.
        kind: :data:`HAND` (the tool could not migrate it safely) or :data:`PIN` (informational).
    """

    __slots__ = ()

    @property
    def where(self):
        """``FILE:LINE``, or ``FILE:CELL:LINE`` in a notebook (``FILE`` for the whole file)."""
        if self.cell is None:
            return "%s:%d" % (self.path, self.line) if self.line else self.path
        return "%s:%d:%d" % (self.path, self.cell, self.line)

    def format(self):
        """The report line: ``FILE:LINE: what (rule): why; fix`` (``FILE:CELL:LINE`` in a notebook,
        ``FILE: ...`` for the whole file; a pin: ``FILE:LINE: note: ...``)."""
        note = "note: " if self.kind == PIN else ""
        return "%s: %s%s (%s): %s; %s" % (self.where, note, self.what, self.rule, self.why, self.fix)


class MigrationResult(namedtuple("MigrationResult", "path source code applied issues notes", defaults=((),))):
    """The result of migrating one source text.

    Attributes:
        path: the file name used in reports.
        source: the text before.
        code: the text after (equal to ``source`` when nothing changed or it did not parse).
        applied: names of the rules that changed something, in pipeline order.
        issues: a list of :class:`Issue` that need a hand, in line order.
        notes: a list of informational :class:`Issue` (kind :data:`PIN`: a Keras 2.0.8 value the
            migrated code now states), in line order.
    """

    __slots__ = ()

    @property
    def changed(self):
        """Whether the migrated text differs from the input."""
        return self.code != self.source


def changed_lines(before, after):
    """``[[first, last], ...]``: the 1-based line ranges of ``before`` that a change replaced or followed.

    A pure insertion after line ``n`` is ``[n, n]`` (``[0, 0]`` at the top).
    """
    ranges = []
    matcher = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            ranges.append([i1 + 1, i2] if i2 > i1 else [i1, i1])
    return ranges


class RunReport:
    """Everything one run did, file by file, for ``--report``: Markdown, or JSON for tools.

    Args:
        target: the Keras generation migrated for.
        mode: ``'write'``, ``'check'`` or ``'diff'``.
        facts: ``rule name -> legacy fact`` of the rules (the file checks are added).
    """

    def __init__(self, target, mode, facts):
        self.target, self.mode = target, mode
        self.facts = OrderedDict(facts)
        self.facts.update(FILE_CHECKS)
        self.files = []

    def add(self, path, status, kind, applied=(), issues=(), lines=(), notes=()):
        """Record one file: ``status`` is what happened to it (``migrated``, ``would migrate``,
        ``unchanged``, ``skipped``, ``not written``)."""
        self.files.append(OrderedDict([
            ("path", path), ("kind", kind), ("status", status),
            ("changes", [OrderedDict([("rule", name), ("fact", self.facts.get(name, ""))]) for name in applied]),
            ("changed_lines", [list(r) for r in lines]),
            ("problems", [OrderedDict([("line", i.line), ("rule", i.rule), ("what", i.what), ("why", i.why),
                                       ("fix", i.fix), ("fact", self.facts.get(i.rule, ""))]) for i in issues]),
            ("notes", [OrderedDict([("line", i.line), ("rule", i.rule), ("what", i.what), ("why", i.why),
                                    ("stated", i.fix)]) for i in notes]),
        ]))

    def totals(self):
        """Counts: files by status, rules applied, problems by rule."""
        status, rules, problems = OrderedDict(), OrderedDict(), OrderedDict()
        for entry in self.files:
            status[entry["status"]] = status.get(entry["status"], 0) + 1
            for change in entry["changes"]:
                rules[change["rule"]] = rules.get(change["rule"], 0) + 1
            for problem in entry["problems"]:
                problems[problem["rule"]] = problems.get(problem["rule"], 0) + 1
        return OrderedDict([("files", len(self.files)), ("by_status", status), ("changes_by_rule", rules),
                            ("problems", sum(problems.values())), ("problems_by_rule", problems)])

    def to_json(self):
        """The report as JSON text."""
        return json.dumps(OrderedDict([("target", self.target), ("mode", self.mode), ("totals", self.totals()),
                                       ("files", self.files)]), indent=1) + "\n"

    def to_markdown(self):
        """The report as Markdown text."""
        totals = self.totals()
        out = ["# compat-attention migrate report", "",
               "Target: %s; mode: %s; %d file(s): %s; %d problem(s) left for a hand." % (
                   self.target, self.mode, totals["files"],
                   ", ".join("%d %s" % (n, s) for s, n in totals["by_status"].items()) or "none",
                   totals["problems"]), ""]
        if totals["changes_by_rule"] or totals["problems_by_rule"]:
            out += ["| rule | files changed | problems | legacy fact |", "|---|---:|---:|---|"]
            for rule in OrderedDict.fromkeys(list(totals["changes_by_rule"]) + list(totals["problems_by_rule"])):
                out.append("| %s | %d | %d | %s |" % (rule, totals["changes_by_rule"].get(rule, 0),
                                                      totals["problems_by_rule"].get(rule, 0),
                                                      _cell(self.facts.get(rule, ""))))
            out.append("")
        for entry in self.files:
            if entry["status"] == "unchanged" and not entry["problems"]:
                continue
            out += ["## %s" % _cell(entry["path"]), "", "%s (%s)." % (entry["status"].capitalize(), entry["kind"]), ""]
            for change in entry["changes"]:
                out.append("- changed by `%s`: %s" % (change["rule"], change["fact"]))
            if entry["changed_lines"]:
                out.append("- lines changed: %s" % ", ".join(
                    str(a) if a == b else "%d-%d" % (a, b) for a, b in entry["changed_lines"]))
            for problem in entry["problems"]:
                out.append("- **line %s** %s (`%s`): %s; %s" % (problem["line"] or "-", problem["what"],
                                                                problem["rule"], problem["why"], problem["fix"]))
            out.append("")
        unchanged = totals["by_status"].get("unchanged", 0)
        if unchanged:
            out += ["%d file(s) needed no change." % unchanged, ""]
        return "\n".join(out)


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")
