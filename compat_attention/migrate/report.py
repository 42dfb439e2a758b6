"""What a migration found: the problems it could not fix, and the result of one file."""

from collections import namedtuple


#: Issue kinds: ``'hand'`` needs a hand edit (``--check`` exits 2); ``'pin'`` is informational: the
#: migrated code states a Keras 2.0.8 value whose default changed since (``--modern-defaults`` drops it).
HAND, PIN = "hand", "pin"


class Issue(namedtuple("Issue", "path line rule what why fix cell kind", defaults=(None, HAND))):
    """One thing the tool reports, with where, why and what to do.

    Attributes:
        path: the file (or ``'<string>'``).
        line: the 1-based line of the code in question (in a notebook: within its cell).
        rule: the name of the rule that found it.
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
        """``FILE:LINE``, or ``FILE:CELL:LINE`` in a notebook."""
        if self.cell is None:
            return "%s:%d" % (self.path, self.line)
        return "%s:%d:%d" % (self.path, self.cell, self.line)

    def format(self):
        """The report line: ``FILE:LINE: what (rule): why; fix`` (``FILE:CELL:LINE`` in a notebook; a
        pin: ``FILE:LINE: note: ...``)."""
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
