"""The imports rules ask for, added and removed after their pass.

A rule asks in a ``CodemodContext`` (``AddImportsVisitor.add_needed_import``,
``RemoveImportsVisitor.remove_unused_import``); after its pass the engine calls :func:`apply`.
Adding sees what is imported already as LibCST's ``GatherImportsVisitor`` does (``_imports_present``); dropping checks
that nothing reads the name with :class:`~compat_attention.migrate.bindings.Names` (one walk, where
LibCST's ``RemoveImportsVisitor`` computes its full scope metadata) and edits the import lines as
that visitor does (comments after a dropped name kept). The engine and the rules import this
module only once a rule asks: ``libcst.codemod`` imports ``libcst.matchers``, which costs about
as much as LibCST itself.
"""

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node

from . import cstwalk
from .bindings import Names, dotted_name


def new_context(path):
    """A ``CodemodContext`` for one rule's pass over file ``path``."""
    return CodemodContext(filename=path)


def ask_to_add(context, module, name, asname=None):
    """Ask for ``from module import name [as asname]`` (unless the file imports it already)."""
    AddImportsVisitor.add_needed_import(context, module, name, asname)


def ask_to_drop(context, module, name, asname=None):
    """Ask for ``from module import name [as asname]`` to go, if nothing reads it after the pass."""
    RemoveImportsVisitor.remove_unused_import(context, module, name, asname)


def added_text(context):
    """The words of the import lines asked for in ``context`` (what adding them can write)."""
    return " ".join("%s %s %s" % (item.module, item.obj_name, item.alias or "")
                    for item in context.scratch.get(AddImportsVisitor.CONTEXT_KEY, []))


def _is_import_line(stmt):
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_docstring(stmt):
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, cst.SimpleString))


#: The fields through which a statement holds statements (``IndentedBlock.body``, ``If.orelse``, ``Try.handlers``, ...).
_BLOCK_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")


def _import_statements(module):
    """Every ``Import`` and ``ImportFrom`` of ``module``, in source order, found through the statements that
    hold statements only: an import is a statement, so no expression (most of a tree's nodes) is looked at,
    and no node is rebuilt (a LibCST visit rebuilds every node it passes)."""
    stack = [module.body]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in item.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    yield small
        elif isinstance(item, cst.CSTNode) and not isinstance(item, cst.BaseExpression):
            stack.extend(reversed([getattr(item, f) for f in _BLOCK_FIELDS if getattr(item, f, None) is not None]))


def _imports_present(module):
    """``({module: {name}}, {module: {(name, alias)}})``: the absolute ``from M import N [as A]`` lines of
    ``module``, as LibCST's ``GatherImportsVisitor`` gathers them (``object_mapping``, ``alias_mapping``).
    Gathered here from ``_import_statements`` with LibCST's ``get_full_name_for_node``: the stock visitor's
    matcher set-up alone costs about 30 ms per file and pass, more than finding the imports."""
    names, aliases = {}, {}
    for statement in _import_statements(module):
        if not isinstance(statement, cst.ImportFrom) or statement.relative or statement.module is None:
            continue
        source = get_full_name_for_node(statement.module)
        if isinstance(statement.names, cst.ImportStar):
            names.setdefault(source, set()).add("*")
            continue
        for alias in statement.names:
            name = get_full_name_for_node(alias.name)
            if alias.asname is None:
                names.setdefault(source, set()).add(name)
            else:
                aliases.setdefault(source, set()).add((name, get_full_name_for_node(alias.asname.name)))
    return names, aliases


class AddImports(cst.CSTTransformer):
    """What LibCST's ``AddImportsVisitor`` does for the imports rules asked for, placed where this tool puts them.

    The requests come from the pass's ``CodemodContext`` (``AddImportsVisitor.add_needed_import``)
    and the imports the file has already are found by LibCST's ``GatherImportsVisitor``; the
    placement keeps the program's own lines as written, which the stock visitor does not (it
    merges names into an existing ``from`` line, sorts them, and adds a blank line after them):

    * one new ``from M import a, b as c`` line per module, names in the order they were asked
      for; the program's statements are not visited, so no line of it changes;
    * after the last top-level import that comes before the first function or class (after a
      leading docstring when there is none), with no blank line added.

    It is a plain transformer (the stock visitor's matcher machinery, which it does not use, costs about
    30 ms to set up per file and pass).

    Args:
        context: the ``CodemodContext`` the rule asked in.
    """

    def __init__(self, context):
        super().__init__()
        self.context = context

    def visit_Module(self, node):
        present, present_aliases = _imports_present(node)
        self.wanted = {}
        for item in self.context.scratch.get(AddImportsVisitor.CONTEXT_KEY, []):
            if item.alias is None and item.obj_name in present.get(item.module, ()):
                continue
            if item.alias is not None and (item.obj_name, item.alias) in present_aliases.get(item.module, ()):
                continue
            names = self.wanted.setdefault(item.module, [])
            if (item.obj_name, item.alias) not in names:
                names.append((item.obj_name, item.alias))
        return False

    def leave_Module(self, original_node, updated_node):
        if not self.wanted:
            return updated_node
        lines = [cst.parse_statement("from %s import %s\n" % (module, ", ".join(
            name + (" as " + alias if alias else "") for name, alias in names)))
            for module, names in self.wanted.items()]
        body = list(updated_node.body)
        at = 0
        for i, stmt in enumerate(body):
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                break
            if _is_import_line(stmt) or (i == 0 and _is_docstring(stmt)):
                at = i + 1
        return updated_node.with_changes(body=body[:at] + lines + body[at:])


def _exported(module):
    """The names a module-level ``__all__`` list or tuple of strings holds."""
    names = set()
    for stmt in module.body:
        for small in getattr(stmt, "body", ()) if isinstance(stmt, cst.SimpleStatementLine) else ():
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else \
                [small.target] if isinstance(small, (cst.AugAssign, cst.AnnAssign)) else []
            if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets) \
                    and isinstance(small.value, (cst.List, cst.Tuple)):
                names.update(e.value.evaluated_value for e in small.value.elements
                             if isinstance(e.value, cst.SimpleString) and isinstance(e.value.evaluated_value, str))
    return names


def _merged_whitespace(left, right):
    """The whitespace after a kept name's comma once the next name's comma goes: its comments kept."""
    if not isinstance(right, cst.ParenthesizedWhitespace):
        return left
    if not isinstance(left, cst.ParenthesizedWhitespace):
        return right
    return left.with_changes(empty_lines=tuple(line for line in right.empty_lines if line.comment is not None))


class _DropUnused(cst.CSTTransformer):
    """Drop the ``from M import N [as A]`` names asked for that nothing reads (statements only)."""

    def __init__(self, requests, names, exported):
        super().__init__()
        self.requests, self.names, self.exported = requests, names, exported
        self.dropped = False

    def on_visit(self, node):
        return not isinstance(node, _NOT_HOLDING_IMPORTS)

    def _in_use(self, alias, statement):
        local = alias.asname.name if alias.asname is not None else alias.name
        for name in ([local.value] if isinstance(local, cst.Name) else _dotted_forms(dotted_name(local))):
            if name in self.exported or self.names.import_in_use(name, statement):
                return True
        return False

    def leave_ImportFrom(self, original, updated):
        if isinstance(original.names, cst.ImportStar) or original.relative or original.module is None:
            return updated
        # A name asked to go is matched in any module: a later rule of the same pass may have
        # moved its line to another module (keras.engine.topology -> keras.layers).
        wanted = self.requests
        keep, lpar = [], updated.lpar
        for alias in original.names:
            key = (dotted_name(alias.name), alias.asname.name.value if alias.asname is not None else None)
            if key not in wanted or self._in_use(alias, original):
                keep.append(alias)
                continue
            if isinstance(alias.comma, cst.Comma):  # keep the comments that followed the dropped name
                if keep:
                    prev = keep[-1]
                    keep[-1] = prev.with_deep_changes(prev.comma, whitespace_after=_merged_whitespace(
                        prev.comma.whitespace_after, alias.comma.whitespace_after)) \
                        if isinstance(prev.comma, cst.Comma) else prev.with_changes(comma=alias.comma)
                elif isinstance(lpar, cst.LeftParen):
                    lpar = lpar.with_changes(whitespace_after=_merged_whitespace(
                        lpar.whitespace_after, alias.comma.whitespace_after))
        if len(keep) == len(original.names):
            return updated
        self.dropped = True
        if not keep:
            return cst.RemoveFromParent()
        if keep[-1] is not original.names[-1]:
            keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(names=keep, lpar=lpar)


def _dotted_forms(name):
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


_NOT_HOLDING_IMPORTS = (cst.BaseExpression, cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Expr, cst.Return,
                        cst.Raise, cst.Assert, cst.Del, cst.Pass, cst.Break, cst.Continue, cst.Global,
                        cst.Nonlocal, cst.Decorator, cst.Parameters, cst.Arg, cst.ImportFrom, cst.Import)


def drop_unused_imports(module, context):
    """``module`` without the imports asked to go (``from M import N [as A]``) that nothing reads.

    Returns ``module`` itself when nothing was dropped.
    """
    requests = {(obj, asname) for _, obj, asname in context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY, [])
                if obj is not None}
    if not requests:
        return module
    dropper = _DropUnused(requests, Names(module), _exported(module))
    new = cstwalk.transform(module, dropper)
    return new if dropper.dropped else module


def apply(module, context):
    """``module`` with the imports asked for in ``context`` dropped, then added.

    Dropping first: a line that goes does not decide where the new lines go. Returns ``module``
    itself when nothing changed.
    """
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        module = drop_unused_imports(module, context)
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        module = cstwalk.transform(module, AddImports(context))
    return module
