"""What a migration found: the problems it could not fix, and the result of one file."""

from collections import namedtuple


class Issue(namedtuple("Issue", "path line rule what why fix cell", defaults=(None,))):
    """One thing the tool could not migrate safely, with where, why and what to do.

    Attributes:
        path: the file (or ``'<string>'``).
        line: the 1-based line of the code in question (in a notebook: within its cell).
        rule: the name of the rule that found it.
        what: the code or construct, in a few words.
        why: the legacy fact that breaks it.
        fix: what to do by hand.
        cell: in a notebook, the 1-based index of the cell among all its cells (markdown and
            raw cells counted, as a reader counts them from the top); None in a Python file.
    """

    __slots__ = ()

    @property
    def where(self):
        """``FILE:LINE``, or ``FILE:CELL:LINE`` in a notebook."""
        if self.cell is None:
            return "%s:%d" % (self.path, self.line)
        return "%s:%d:%d" % (self.path, self.cell, self.line)

    def format(self):
        """The report line: ``FILE:LINE: what (rule): why; fix`` (``FILE:CELL:LINE`` in a notebook)."""
        return "%s: %s (%s): %s; %s" % (self.where, self.what, self.rule, self.why, self.fix)


class MigrationResult(namedtuple("MigrationResult", "path source code applied issues")):
    """The result of migrating one source text.

    Attributes:
        path: the file name used in reports.
        source: the text before.
        code: the text after (equal to ``source`` when nothing changed or it did not parse).
        applied: names of the rules that changed something, in pipeline order.
        issues: a list of :class:`Issue`, in line order.
    """

    __slots__ = ()

    @property
    def changed(self):
        """Whether the migrated text differs from the input."""
        return self.code != self.source
