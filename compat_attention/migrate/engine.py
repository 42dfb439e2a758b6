"""The engine: parse once, run the pipeline's rules for the target, apply the imports they asked for.

Each rule is one pass over the current version of the tree. What a pass needs beyond the tree
is computed once per version and only when asked for: scope analysis (:class:`Names`) when a
rule resolves a name, positions when it reports a line. A rule whose ``triggers`` do not occur
in the current text is skipped without a pass; a pass that returned every node it was given
leaves the tree (and its computed metadata) as it was, without printing it.
"""

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import spec
from .pipeline import RULES
from .report import Issue, MigrationResult
from .rules.base import Names

TARGETS = spec.TARGETS


class FileContext:
    """What the rules share while migrating one file.

    Attributes:
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name used in reports.
        resolve_module: callable ``name -> source text or None`` for sibling modules.
        issues: the :class:`Issue` list, without duplicates.
    """

    def __init__(self, target, path, resolve_module):
        self.target, self.path, self.resolve_module = target, path, resolve_module
        self.issues = []

    def report(self, line, rule, what, why, fix):
        """Record an :class:`Issue` (once)."""
        issue = Issue(self.path, line, rule, what, why, fix)
        if issue not in self.issues:
            self.issues.append(issue)


class Tree:
    """One version of the program: its tree, its text, and its metadata once a rule asks for it.

    Attributes:
        module: the ``libcst.Module``.
        code: its source text.
    """

    def __init__(self, module, code):
        self.module, self.code = module, code
        self._wrapper = self._names = None

    def _metadata(self):
        if self._wrapper is None:
            self._wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return self._wrapper

    def names(self):
        """:class:`Names` of this version (LibCST's scope analysis, computed on first use)."""
        if self._names is None:
            self._names = Names(self.module, self.code)
        return self._names

    def line(self, node):
        """1-based line of a node of this version (0 for a node a rule built)."""
        position = self._metadata().resolve(PositionProvider).get(node)
        return position.start.line if position is not None else 0


def _syntax_issue(path, text, error):
    try:  # Python's own parser names the line and the problem best ("Missing parentheses in call to 'print'")
        compile(text, path, "exec", dont_inherit=True)
        line, message = getattr(error, "raw_line", 0) or 0, str(error).strip().splitlines()[0]
    except SyntaxError as python_error:
        line, message = python_error.lineno or 0, python_error.msg
    except (ValueError, TypeError) as other:  # null bytes and the like
        line, message = 1, str(other)
    text = message or "syntax error"
    return Issue(path, line, "parse", "this file does not parse as Python 3 (%s)" % text,
                 "the tool only rewrites Python 3 code (Keras 2.0 also ran on Python 2: `print x`, `except E, e`)",
                 "convert it to Python 3 first (e.g. `python -m lib2to3 -w FILE` on Python <= 3.12, "
                 "or by hand), then run migrate again")


def run_rule(rule, tree, file):
    """One pass of ``rule`` over ``tree``, then the imports it asked to add or drop.

    Returns:
        ``(module, code)`` of the new version, or None when the pass changed nothing.
    """
    transformer = rule(file, tree)
    new = tree.module.visit(transformer)
    if not transformer.changed and transformer.context is None:
        return None
    if transformer.context is not None:
        from . import imports  # libcst.codemod: imported once a rule asks for an import

        new = imports.apply(new, transformer.context)
    code = new.code  # a rule that built an invalid tree fails here, inside the caller's guard
    return (new, code) if code != tree.code else None


def migrate_module_text(text, target, path, resolve_module=None, rules=None):
    """Run the rule pipeline over one source text (see ``migrate_source``).

    Args:
        text: the source.
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name used in reports.
        resolve_module: callable ``module name -> source text or None`` for sibling modules.
        rules: the rule classes to run, in order (default: the pipeline's ``RULES``).

    Returns:
        A :class:`MigrationResult`.

    Raises:
        ValueError: an unknown target.
    """
    if target not in TARGETS:
        raise ValueError("target must be one of %s, got %r" % (TARGETS, target))
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return MigrationResult(path, text, text, [], [_syntax_issue(path, text, error)])
    file = FileContext(target, path, resolve_module or (lambda name: None))
    tree, applied = Tree(module, text), []
    for rule in rules if rules is not None else RULES:
        if target not in rule.targets or not rule.triggered_by(tree.code):
            continue
        issues_before = list(file.issues)
        try:
            new = run_rule(rule, tree, file)
        except Exception as error:  # noqa: BLE001 - a rule bug must cost one report, never the run
            file.issues[:] = issues_before
            file.report(1, rule.name, "rule %s skipped for this file (%s: %s)" % (rule.name, type(error).__name__, error),
                        "the rule failed on code it did not expect, so it changed nothing here",
                        "check what the rule covers by hand, and please report the file")
            continue
        if new is not None:
            applied.append(rule.name)
            tree = Tree(*new)
    issues = sorted(file.issues, key=lambda i: (i.line, i.rule, i.what))
    return MigrationResult(path, text, tree.code, applied, issues)


__all__ = ["FileContext", "TARGETS", "Tree", "migrate_module_text", "run_rule"]
