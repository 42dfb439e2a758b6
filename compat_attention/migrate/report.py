"""What a migration found: the problems it could not fix, and the result of one file."""

from collections import namedtuple


class Issue(namedtuple("Issue", "path line rule what why fix")):
    """One thing the tool could not migrate safely, with where, why and what to do.

    Attributes:
        path: the file (or ``'<string>'``).
        line: the 1-based line of the code in question.
        rule: the name of the rule that found it.
        what: the code or construct, in a few words.
        why: the legacy fact that breaks it.
        fix: what to do by hand.
    """

    __slots__ = ()

    def format(self):
        """The report line: ``FILE:LINE: what (rule): why; fix``."""
        return "%s:%d: %s (%s): %s; %s" % (self.path, self.line, self.what, self.rule, self.why, self.fix)


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
