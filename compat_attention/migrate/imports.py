"""The imports rules ask for, added and removed with LibCST's codemod helpers.

A rule asks in a ``CodemodContext`` (``AddImportsVisitor.add_needed_import``,
``RemoveImportsVisitor.remove_unused_import``); after its pass the engine calls :func:`apply`.
The engine and the rules import this module only once a rule asks: ``libcst.codemod`` imports
``libcst.matchers``, which costs about as much as LibCST itself.
"""

import dataclasses

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, GatherImportsVisitor, RemoveImportsVisitor
from libcst.metadata import MetadataWrapper


def new_context(path):
    """A ``CodemodContext`` for one rule's pass over file ``path``."""
    return CodemodContext(filename=path)


def ask_to_add(context, module, name, asname=None):
    """Ask for ``from module import name [as asname]`` (unless the file imports it already)."""
    AddImportsVisitor.add_needed_import(context, module, name, asname)


def ask_to_drop(context, module, name, asname=None):
    """Ask for ``from module import name [as asname]`` to go, if nothing reads it after the pass."""
    RemoveImportsVisitor.remove_unused_import(context, module, name, asname)


def _is_import_line(stmt):
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in stmt.body)


def _is_docstring(stmt):
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr) and isinstance(stmt.body[0].value, cst.SimpleString))


class _ImportsPresent(GatherImportsVisitor):
    """LibCST's ``GatherImportsVisitor`` over statements only: imports are statements, so it does not
    descend into expressions (most of a tree's nodes)."""

    def on_visit(self, node):
        if isinstance(node, cst.BaseExpression):
            return False
        return super().on_visit(node)


class AddImports(AddImportsVisitor):
    """LibCST's ``AddImportsVisitor`` for the imports rules asked for, placed where this tool puts them.

    The requests come from the pass's ``CodemodContext`` (``AddImportsVisitor.add_needed_import``)
    and the imports the file has already are found by LibCST's ``GatherImportsVisitor``; the
    placement keeps the program's own lines as written, which the stock visitor does not (it
    merges names into an existing ``from`` line, sorts them, and adds a blank line after them):

    * one new ``from M import a, b as c`` line per module, names in the order they were asked
      for; the program's statements are not visited, so no line of it changes;
    * after the last top-level import that comes before the first function or class (after a
      leading docstring when there is none), with no blank line added.

    Args:
        context: the ``CodemodContext`` the rule asked in.
    """

    def visit_Module(self, node):
        present = _ImportsPresent(self.context)
        node.visit(present)
        self.wanted = {}
        for item in self.context.scratch.get(AddImportsVisitor.CONTEXT_KEY, []):
            if item.alias is None and item.obj_name in present.object_mapping.get(item.module, ()):
                continue
            if item.alias is not None and (item.obj_name, item.alias) in present.alias_mapping.get(item.module, ()):
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


def drop_unused_imports(module, context):
    """LibCST's ``RemoveImportsVisitor`` over ``module``: the imports asked to go that nothing reads."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    wrapper.resolve_many(RemoveImportsVisitor.get_inherited_dependencies())
    return wrapper.visit(RemoveImportsVisitor(dataclasses.replace(context, wrapper=wrapper)))


def apply(module, context):
    """``module`` with the imports asked for in ``context`` dropped, then added.

    Dropping first: a line that goes does not decide where the new lines go.
    """
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        module = drop_unused_imports(module, context)
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        module = module.visit(AddImports(context))
    return module
