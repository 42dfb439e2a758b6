"""The engine: parse once, run the pipeline's rules in as few passes as they allow, print once.

The rules of a pass run together in one walk over the tree (:class:`Pass`): at each node, every
rule's ``visit_*`` method in pipeline order on the way down, every rule's ``leave_*`` method in
pipeline order on the way up, each ``leave_*`` given what the rules before it made of the node.
Every rule of a pass reads the same version of the tree and its metadata: :class:`Names` (what
each name refers to, one walk, computed on first use) and the lines of the nodes it reports
(one print-like walk, only for a pass that reported something). A rule that must leave the tree
to the rules after it (``own_pass = True``: the copied legacy module's, whose removed definitions
are gone before any other rule looks, and Keras 2.0.8's optimizers', whose classes the optimizer
rules after it must not rewrite) ends the pass; so three passes at most for the pipeline of today.
The imports the rules asked for are applied after the pass, rule by rule in pipeline order, as if
each rule had run alone.

The walks (:mod:`.cstwalk`) rebuild only the nodes a rule changed, and the tree is printed once,
when the file is done: what a rule writes is printed when it writes it (a node that prints as it
was is no change; one that cannot be printed is that rule's failure), and those texts with the
text read tell which rules a later pass needs, by their triggers. Should the final print fail all
the same, the file is migrated again printing after every pass.

A rule whose ``triggers`` do not occur in the text is left out of the pass; a pass whose rules
only act on statements (imports, definitions) does not descend into expressions. A rule that
raises costs one report line and its pass is run again without it (so it changes nothing);
nesting too deep for the rewriter (``RecursionError``) or memory running out costs the file one
report line and leaves it unchanged.
"""

import functools

import libcst as cst
from libcst._nodes.internal import CodegenState

from . import cstwalk, spec
from .bindings import Names
from .pipeline import RULES
from .report import HAND, PIN, Issue, MigrationResult

TARGETS = spec.TARGETS


class FileContext:
    """What the rules share while migrating one file.

    Attributes:
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name used in reports.
        resolve_module: callable ``name -> source text or None`` for sibling modules.
        semantics: ``'2017'`` (the default: Keras 2.0.8's values are stated where today's
            defaults differ) or ``'modern'`` (``--modern-defaults``: today's defaults).
        project: what the other files of the project tell (``project.scan_project``: the file
            names they save), or None for a file migrated on its own.
        issues: the reports so far: :class:`Issue`, or ``(tree, node, rule, what, why, fix, kind)`` whose
            line is found when the file is done; kind ``'pin'`` (a note) or ``'hand'``.
    """

    def __init__(self, target, path, resolve_module, semantics="2017", project=None):
        self.target, self.path, self.resolve_module = target, path, resolve_module
        self.semantics, self.project = semantics, project
        self.issues, self.notes = [], []

    def report(self, line, rule, what, why, fix, kind=HAND):
        """Record an :class:`Issue` at ``line`` (once); kind ``'pin'`` for a note."""
        issue = Issue(self.path, line, rule, what, why, fix, kind=kind)
        if issue not in self.issues:
            self.issues.append(issue)

    def report_at(self, tree, node, rule, what, why, fix, kind=HAND):
        """Record an issue (kind ``'pin'``: a note) at the line of ``node`` of ``tree`` (found once the file is done)."""
        self.issues.append((tree, node, rule, what, why, fix, kind))

    def resolved(self, original=None):
        """The issues, each line found, without duplicates, in line order.

        Args:
            original: the :class:`Tree` of the text as read: a reported node that is still the
                one read gets its line in the file (a later version's lines may have moved).
        """
        pending = [entry for entry in self.issues if not isinstance(entry, Issue)]
        lines = original.lines({entry[1] for entry in pending}) if original is not None and pending else {}
        later = {}
        for tree, node in ((entry[0], entry[1]) for entry in pending if entry[1] not in lines):
            later.setdefault(tree, set()).add(node)
        for tree, nodes in later.items():
            found = tree.lines(nodes)
            lines.update((node, found.get(node, 0)) for node in nodes)
        out = []
        for entry in self.issues:
            if not isinstance(entry, Issue):
                rule, what, why, fix, kind = entry[2:]
                entry = Issue(self.path, lines.get(entry[1], 0), rule, what, why, fix, kind=kind)
            if entry not in out:
                out.append(entry)
        return sorted(out, key=lambda i: (i.line, i.rule, i.what))


class Tree:
    """One version of the program: its tree, its text, and its metadata once a rule asks for it.

    Args:
        module: the ``libcst.Module``.
        code: its text, or None to print it when first asked for.
        texts: texts in which every word of its text occurs (default ``[code]``): a later version's
            are the version before's and the code of the nodes the pass wrote, enough to tell which
            rules' triggers occur without printing the module.

    Attributes:
        module: the ``libcst.Module``.
        texts: texts in which every word of this version's text occurs.
    """

    def __init__(self, module, code=None, texts=None):
        self.module, self._code = module, code
        self.texts = [code] if texts is None else texts
        self._names = None

    def triggers(self, rule):
        """Whether a word of ``rule.triggers`` occurs in this version's text (found without printing it)."""
        return any(rule.triggered_by(text) for text in self.texts)

    @property
    def code(self):
        """Its source text (printed on first use)."""
        if self._code is None:
            self._code = cstwalk.code(self.module)
        return self._code

    def names(self):
        """:class:`Names` of this version (one walk, on first use)."""
        if self._names is None:
            self._names = Names(self.module, self._code)
        return self._names

    def lines(self, nodes):
        """``{node: 1-based line}`` for nodes of this version (0 for a node a rule built)."""
        return _lines_of(self.module, set(nodes))

    def line(self, node):
        """1-based line of a node of this version (0 for a node a rule built)."""
        return self.lines([node]).get(node, 0)


class _LineState(CodegenState):
    """A print that keeps no text, only the line each wanted node starts on (as LibCST's
    ``PositionProvider`` gives it: a statement's line is its first token's, after its comments)."""

    def __init__(self, module, wanted):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted, self.line, self.found, self.syntactic = wanted, 1, {}, {}

    def add_indent_tokens(self):
        pass

    def add_token(self, value):
        if "\n" in value or "\r" in value:
            self.line += value.count("\n") + value.count("\r") - value.count("\r\n")

    def before_codegen(self, node):
        if node in self.wanted and node not in self.found:
            self.found[node] = self.line

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        if node in self.wanted:
            self.syntactic[node] = self.line
        return cstwalk.NO_POSITION


def _lines_of(module, wanted):
    state = _LineState(module, wanted)
    module._codegen(state)
    lines = dict(state.found)
    lines.update(state.syntactic)
    return lines


def _syntax_issue(path, text, error):
    try:  # Python's own parser names the line and the problem best ("Missing parentheses in call to 'print'")
        compile(text, path, "exec", dont_inherit=True)
        line, message = getattr(error, "raw_line", 0) or 0, str(error).strip().splitlines()[0]
    except SyntaxError as python_error:
        line, message = python_error.lineno or 0, python_error.msg
    except (ValueError, TypeError, RecursionError, MemoryError) as other:  # null bytes, nesting, ...
        line, message = 1, str(other) or type(other).__name__
    text = message or "syntax error"
    return Issue(path, line, "parse", "this file does not parse as Python 3 (%s)" % text,
                 "the tool only rewrites Python 3 code (Keras 2.0 also ran on Python 2: `print x`, `except E, e`)",
                 "convert it to Python 3 first (e.g. `python -m lib2to3 -w FILE` on Python <= 3.12, "
                 "or by hand), then run migrate again")


def _too_deep(path, error):
    what = "nesting too deep for the rewriter" if isinstance(error, RecursionError) else "out of memory"
    return Issue(path, 0, "limits", "%s (%s); nothing changed" % (what, type(error).__name__),
                 "LibCST walks the tree recursively, and this file nests expressions deeper than Python's "
                 "recursion allows (a long chain like a + b + c + ... or deeply nested brackets)",
                 "split the expression (e.g. sum([...]) for a long + chain), or migrate this file by hand")


# -- one pass: several rules in one walk ---------------------------------------------------------
#: Statements and the blocks holding them: all a pass of statement-level rules walks into.
_STATEMENT_LEVEL = {"visit_Module", "leave_Module", "visit_ImportFrom", "leave_ImportFrom", "visit_Import",
                    "leave_Import", "visit_ImportAlias", "leave_ImportAlias", "visit_FunctionDef",
                    "leave_FunctionDef", "visit_ClassDef", "leave_ClassDef"}
#: Node types a pass never descends into: no rule acts on anything inside them.
_LEAVES = tuple(getattr(cst, n) for n in (
    "BaseParenthesizableWhitespace", "TrailingWhitespace", "EmptyLine", "Comment", "Newline", "Comma", "Colon",
    "Semicolon", "AssignEqual", "Dot", "LeftParen", "RightParen", "LeftSquareBracket", "RightSquareBracket",
    "LeftCurlyBrace", "RightCurlyBrace", "BaseBinaryOp", "BaseBooleanOp", "BaseCompOp", "BaseUnaryOp",
    "BaseAugOp", "ImportStar", "Integer", "Float", "Imaginary", "SimpleString", "Name", "Asynchronous") if hasattr(cst, n))
_STATEMENTS_ONLY_SKIP = (cst.BaseExpression, cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Expr, cst.Return,
                         cst.Raise, cst.Assert, cst.Del, cst.Pass, cst.Break, cst.Continue, cst.Global,
                         cst.Nonlocal, cst.Decorator, cst.Parameters, cst.Arg)


class RuleFailed(Exception):
    """A rule raised while the pass ran; ``args``: ``(rule class, exception)``."""


class Pass(cst.CSTTransformer):
    """Rules of one pass, walked over the tree together (see the module's docstring).

    Args:
        rules: rule instances, in pipeline order.

    Attributes:
        applied: the rule instances that changed the text of some node.
    """

    def __init__(self, rules):
        super().__init__()
        self.rules, self.applied, self.written = rules, set(), []
        self.statements_only = all(
            name in _STATEMENT_LEVEL for rule in rules for name in _handler_names(type(rule)))
        self._visits, self._leaves = {}, {}
        self._descend = {}  # node type -> whether the walk goes into it (isinstance on LibCST's ABCs is slow)
        self._declined = []  # (node, rule): rules that declined a node's children, innermost last

    def _handlers(self, cache, prefix, node_type):
        found = cache.get(node_type)
        if found is None:
            name = prefix + node_type.__name__
            found = cache[node_type] = [(rule, getattr(rule, name)) for rule in self.rules if hasattr(rule, name)]
        return found

    def _active(self, rule):
        return not any(r is rule for _, r in self._declined)

    def _descends(self, node_type):
        found = self._descend.get(node_type)
        if found is None:
            found = self._descend[node_type] = (
                "skip" if self.statements_only and issubclass(node_type, _STATEMENTS_ONLY_SKIP)
                else "leaf" if issubclass(node_type, _LEAVES) else "into")
        return found

    def on_visit(self, node):
        descends = self._descends(type(node))
        if descends == "skip":
            return False
        for rule, method in self._handlers(self._visits, "visit_", type(node)):
            if self._declined and not self._active(rule):
                continue
            try:
                descend = method(node)
            except (RecursionError, MemoryError):
                raise
            except Exception as error:  # noqa: BLE001 - the engine reruns the pass without it
                raise RuleFailed(type(rule), error)
            if descend is False:
                self._declined.append((node, rule))
        return descends == "into"

    def on_leave(self, original, updated):
        for rule, method in self._handlers(self._leaves, "leave_", type(original)):
            if self._declined and not self._active(rule) and not any(
                    n is original and r is rule for n, r in self._declined):
                continue
            before = updated
            try:
                updated = method(original, updated)
                if updated is before:
                    continue
                # what it wrote, printed here: a node that cannot be printed is this rule's failure
                written = [_code(updated)] if isinstance(updated, cst.CSTNode) else [
                    _code(node) for node in updated.nodes] if isinstance(updated, cst.FlattenSentinel) else []
            except (RecursionError, MemoryError):
                raise
            except Exception as error:  # noqa: BLE001 - the engine reruns the pass without it
                raise RuleFailed(type(rule), error)
            if isinstance(updated, cst.CSTNode) and isinstance(before, cst.CSTNode) and written[0] == _code(before):
                updated = before  # a new node with the same text: no change
                continue
            self.applied.add(rule)
            self.written += written
            if not isinstance(updated, cst.CSTNode):  # removed or replaced by several: no other rule sees it
                break
        while self._declined and self._declined[-1][0] is original:
            self._declined.pop()
        return updated

    def on_visit_attribute(self, node, attribute):
        pass

    def on_leave_attribute(self, original_node, attribute):
        pass


_EMPTY = cst.Module(body=[])


def _code(node):
    return cstwalk.code(node) if isinstance(node, cst.Module) else cstwalk.code(_EMPTY, node)


@functools.lru_cache(maxsize=None)
def _handler_names(cls):
    return [name for name in dir(cls) if name.startswith(("visit_", "leave_")) and name not in (
        "visit_", "leave_") and callable(getattr(cls, name, None)) and getattr(cls, name) is not getattr(
        cst.CSTTransformer, name, None)]


def _passes(rules, target, semantics="2017"):
    """The pipeline's rules for ``target`` and ``semantics`` (``'2017'`` or ``'modern'``), grouped into passes."""
    passes, current = [], []
    for rule in rules:
        if target not in rule.targets or rule.semantics not in (None, semantics):
            continue
        if getattr(rule, "own_pass", False):
            if current:
                passes.append(current)
            passes.append([rule])
            current = []
        else:
            current.append(rule)
    if current:
        passes.append(current)
    return passes


def run_pass(rule_classes, tree, file, checked=False):
    """One pass of ``rule_classes`` over ``tree``, then the imports they asked for.

    Args:
        checked: print the new tree (a rule that built a tree that cannot be printed fails
            there, as its own failure) and compare its text; else the tree is printed once the
            file is done (see ``_migrate``).

    Returns:
        ``(new Tree or None when the text did not change, names of the rules that changed it)``.

    Raises:
        RuleFailed: a rule raised (the caller reports it and runs the pass without it).
    """
    rules = [rule(file, tree) for rule in rule_classes]
    walk = Pass(rules)
    module = cstwalk.transform(tree.module, walk)
    applied = [rule for rule in rules if rule in walk.applied]
    changed, written = bool(applied), list(walk.written)
    for rule in rules:  # each rule's imports in pipeline order, as if it had run alone
        if rule.context is None:
            continue
        from . import imports  # libcst.codemod: imported once a rule asks for an import

        try:
            new = imports.apply(module, rule.context)
        except (RecursionError, MemoryError):
            raise
        except Exception as error:  # noqa: BLE001 - the engine reruns the pass without it
            raise RuleFailed(type(rule), error)
        if new is not module:
            module, changed = new, True
            written.append(imports.added_text(rule.context))
            if rule not in applied:
                applied.append(rule)
    if not changed:
        return None, []
    names = [r.name for r in rules if r in applied]
    if not checked:  # every change a rule made changed the text of its node (Pass.on_leave)
        return Tree(module, texts=tree.texts + written), names
    code = cstwalk.code(module)
    if code == tree.code:
        return None, []
    return Tree(module, code), names


def migrate_module_text(text, target, path, resolve_module=None, rules=None, modern_defaults=False, project=None):
    """Run the rule pipeline over one source text (see ``migrate_source``).

    Args:
        text: the source.
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name used in reports.
        resolve_module: callable ``module name -> source text or None`` for sibling modules.
        rules: the rule classes to run, in order (default: the pipeline's ``RULES``).
        modern_defaults: keep today's defaults (run no rule whose ``semantics`` is ``'2017'``).
        project: the project's facts (``project.scan_project``), or None for a file on its own.

    Returns:
        A :class:`MigrationResult`. Never raises for any text (a problem is a report line).

    Raises:
        ValueError: an unknown target.
    """
    if target not in TARGETS:
        raise ValueError("target must be one of %s, got %r" % (TARGETS, target))
    try:
        return _migrate(text, target, path, resolve_module, rules if rules is not None else RULES, project,
                        modern_defaults)
    except (RecursionError, MemoryError) as error:
        return MigrationResult(path, text, text, [], [_too_deep(path, error)])


def _migrate(text, target, path, resolve_module, rules, project=None, modern_defaults=False, checked=False):
    """The pipeline over ``text``; the tree is printed once, at the end (``checked``: after every pass)."""
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, cst.CSTValidationError, ValueError) as error:  # CSTValidationError: "b'x' 'y'"
        return MigrationResult(path, text, text, [], [_syntax_issue(path, text, error)])
    semantics = "modern" if modern_defaults else "2017"
    file = FileContext(target, path, resolve_module or (lambda name: None), semantics, project)
    tree, applied = Tree(module, text), []
    original = tree
    for group in _passes(rules, target, semantics):
        ran = set()
        while True:  # a rule triggered only by what the pass before wrote gets a pass of its own
            remaining = [rule for rule in group if rule not in ran and tree.triggers(rule)]
            if not remaining:
                break
            ran.update(remaining)
            tree, names = _run_guarded(remaining, tree, file, checked)
            applied += names
    try:
        code = tree.code
    except (RecursionError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - a rule built a tree that does not print: find it, pass by pass
        if checked:
            raise
        return _migrate(text, target, path, resolve_module, rules, project, modern_defaults, checked=True)
    found = file.resolved(original)
    return MigrationResult(path, text, code, applied, [i for i in found if i.kind != PIN],
                           [i for i in found if i.kind == PIN])


def _run_guarded(remaining, tree, file, checked=False):
    """:func:`run_pass` of ``remaining``; a rule that raises is reported and the pass run again without it.

    Returns:
        ``(the tree after the pass, names of the rules that changed it)``.
    """
    while remaining:
        issues_before = list(file.issues)
        try:
            new, names = run_pass(remaining, tree, file, checked)
        except RuleFailed as failed:
            rule, error = failed.args
            file.issues[:] = issues_before
            file.report(1, rule.name, "rule %s skipped for this file (%s: %s)" % (rule.name, type(error).__name__, error),
                        "the rule failed on code it did not expect, so it changed nothing here",
                        "check what the rule covers by hand, and please report the file")
            remaining = [r for r in remaining if r is not rule]
            continue
        return (new, names) if new is not None else (tree, [])
    return tree, []


__all__ = ["FileContext", "Pass", "TARGETS", "Tree", "migrate_module_text", "run_pass"]
