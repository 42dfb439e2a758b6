"""The pipeline: parse once, run each rule for the target, add the imports rules asked for."""

import libcst as cst
from libcst.metadata import MetadataWrapper

from .report import Issue, MigrationResult
from .rules.pipeline import RULES
from .rules.base import Bindings

TARGETS = ("keras2", "keras3")


class Context:
    """What rules share while migrating one file.

    Attributes:
        target: ``'keras2'`` or ``'keras3'``.
        path: the file name used in reports.
        resolve_module: callable ``name -> source text or None`` for sibling modules.
        issues: the :class:`Issue` list.
        bindings: :class:`Bindings` of the module as the current rule sees it.
    """

    def __init__(self, target, path, resolve_module):
        self.target, self.path, self.resolve_module = target, path, resolve_module
        self.issues, self.imports, self.bindings = [], [], None

    def report(self, line, rule, what, why, fix):
        issue = Issue(self.path, line, rule, what, why, fix)
        if issue not in self.issues:
            self.issues.append(issue)

    def need_import(self, module, name, asname=None):
        if (module, name, asname) not in self.imports:
            self.imports.append((module, name, asname))


def _is_import_line(stmt):
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_docstring(stmt):
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, cst.SimpleString))


def add_imports(module, wanted):
    """Insert ``from M import N [as A]`` lines for those not already bound.

    New lines go after the last top-level import that precedes the first function or
    class (after a docstring or ``__future__`` import when there is none).
    """
    bindings = Bindings(module)
    grouped = {}
    for mod, name, asname in wanted:
        local = asname or name
        if bindings.names.get(local) == mod + "." + name:
            continue
        grouped.setdefault(mod, [])
        if (name, asname) not in grouped[mod]:
            grouped[mod].append((name, asname))
    if not grouped:
        return module
    lines = []
    for mod, names in grouped.items():
        spec = ", ".join(n + (" as " + a if a else "") for n, a in names)
        lines.append(cst.parse_statement("from %s import %s\n" % (mod, spec)))
    body = list(module.body)
    at = 0
    for i, stmt in enumerate(body):
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            break
        if _is_import_line(stmt) or (i == 0 and _is_docstring(stmt)):
            at = i + 1
    return module.with_changes(body=body[:at] + lines + body[at:])


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


def migrate_module_text(text, target, path, resolve_module=None, rules=None):
    """Run the rule pipeline over one source text (see ``migrate_source``)."""
    if target not in TARGETS:
        raise ValueError("target must be one of %s, got %r" % (TARGETS, target))
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        return MigrationResult(path, text, text, [], [_syntax_issue(path, text, error)])
    ctx = Context(target, path, resolve_module or (lambda name: None))
    applied = []
    for rule in rules if rules is not None else RULES:
        if target not in rule.targets:
            continue
        ctx.bindings, ctx.imports = Bindings(module), []
        issues_before = list(ctx.issues)
        try:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            new = wrapper.visit(rule.transformer(ctx))
            if ctx.imports:
                new = add_imports(new, ctx.imports)
            new.code  # noqa: B018 - a rule that built an invalid tree fails here, inside the guard
        except Exception as error:  # noqa: BLE001 - a rule bug must cost one report, never the run
            ctx.issues[:] = issues_before
            ctx.report(1, rule.name, "rule %s skipped for this file (%s: %s)" % (rule.name, type(error).__name__, error),
                       "the rule failed on code it did not expect, so it changed nothing here",
                       "check what the rule covers by hand, and please report the file")
            continue
        if new.code != module.code:
            applied.append(rule.name)
        module = new
    issues = sorted(ctx.issues, key=lambda i: (i.line, i.rule, i.what))
    return MigrationResult(path, text, module.code, applied, issues)


__all__ = ["Context", "TARGETS", "add_imports", "migrate_module_text"]
