"""LibCST trees walked in LibCST's order, without rebuilding the nodes nothing changed.

``node.visit(transformer)`` rebuilds (and validates) every node of the tree, changed or not, and
reaches each node's children through ``_visit_and_replace_children``: walking a tree costs as
much as parsing it. The walks here read each node's fields directly, in the order LibCST visits
them, leave out the fields that hold only whitespace and punctuation (no rule reads those), and
rebuild a node (``with_changes``) only when one of its children changed, so the rest of the
tree is shared with the tree walked. A visitor's or transformer's methods are called as LibCST
calls them: ``on_visit(node)`` (False: not into its children), then the children, then
``on_leave``; a transformer's ``on_leave(original, updated)`` may return ``RemovalSentinel`` or
``FlattenSentinel`` as in LibCST.

``tests/migrate/test_cstwalk.py`` checks the order against LibCST's own walk.
"""

import contextlib
import dataclasses

import libcst as cst
from libcst._nodes.internal import CodegenState

#: Fields that hold only whitespace, punctuation or text (never a node a rule reads): not walked.
SKIPPED_FIELDS = frozenset((
    "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "header", "footer",
    "newline", "trailing_whitespace", "colon", "equal", "dot", "operator", "asynchronous", "lbrace", "rbrace",
    "lbracket", "rbracket", "first_colon", "second_colon", "encoding", "default_indent", "default_newline",
    "has_trailing_newline", "star", "posonly_ind", "conversion", "start", "end", "relative", "separator",
    "trailing_comma", "leading_whitespace", "value_str"))
#: Node classes whose dataclass lists their fields in another order than the source (and LibCST's walk).
_SOURCE_ORDER = {
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.Arg: ("keyword", "value"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.MatchCase: ("pattern", "guard", "body"),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params", "star_kwarg"),
}
if hasattr(cst, "TypeAlias"):
    _SOURCE_ORDER[cst.TypeAlias] = ("name", "type_parameters", "value")
for _name in ("ExceptStarHandler",):
    if hasattr(cst, _name):
        _SOURCE_ORDER[getattr(cst, _name)] = ("type", "name", "body")

_FIELDS = {}
_IS_NODE = {}
_REQUIRED = object()
_BODY = object()  # a block's statements: a statement line emptied by a removal is removed
_BODIES = {(cst.Module, "body"), (cst.IndentedBlock, "body")}


def fields(cls):
    """``((field name, what a removed child becomes), ...)`` of a node class, in LibCST's order.

    What a removed child becomes: None or ``MaybeSentinel.DEFAULT`` (an optional field), ``_REQUIRED``
    (an error, as in LibCST), ``_BODY`` (a block's statements: see ``_transform_sequence``); for any
    other sequence, the child is left out.
    """
    found = _FIELDS.get(cls)
    if found is None:
        declared = {f.name: f for f in dataclasses.fields(cls)}
        names = [n for n in _SOURCE_ORDER.get(cls, ()) if n in declared] or [
            n for n in declared if n not in SKIPPED_FIELDS and not n.startswith("whitespace")]
        found = _FIELDS[cls] = tuple(
            (n, _BODY if (cls, n) in _BODIES else declared[n].default
             if declared[n].default in (None, cst.MaybeSentinel.DEFAULT) else _REQUIRED) for n in names)
    return found


def is_node(cls):
    """Whether ``cls`` is a LibCST node class (cached: isinstance on LibCST's ABCs is slow)."""
    found = _IS_NODE.get(cls)
    if found is None:
        found = _IS_NODE[cls] = issubclass(cls, cst.CSTNode)  # isinstance on LibCST's ABCs is slow: once a class
    return found


def children(node):
    """The child nodes of ``node`` that a walk enters, in LibCST's order."""
    out = []
    for name, _ in fields(type(node)):
        value = getattr(node, name)
        cls = value.__class__
        if cls is tuple or cls is list:
            out.extend(item for item in value if is_node(item.__class__))
        elif is_node(cls):
            out.append(value)
    return out


def visit(node, visitor):
    """Walk ``node`` with a ``CSTVisitor`` (``on_visit(node)``, ``on_leave(node)``), changing nothing."""
    if visitor.on_visit(node):
        for child in children(node):
            visit(child, visitor)
    visitor.on_leave(node)


def transform(node, transformer):
    """``node`` as ``transformer`` leaves it (a ``CSTTransformer``'s ``on_visit``/``on_leave``).

    Returns:
        The new node (``node`` itself, and each unchanged child itself, where nothing changed),
        or what ``on_leave`` returned for ``node`` (``RemovalSentinel``, ``FlattenSentinel``).
    """
    updated = node
    if transformer.on_visit(node):
        changes = None
        for name, removed in fields(type(node)):
            value = getattr(node, name)
            cls = value.__class__
            if cls is tuple or cls is list:
                new = _transform_sequence(value, transformer, removed is _BODY)
            elif is_node(cls):
                new = transform(value, transformer)
                if isinstance(new, cst.RemovalSentinel):
                    if removed is _REQUIRED:
                        raise TypeError("%s.%s cannot be removed (it is required)" % (type(node).__name__, name))
                    new = removed
                elif isinstance(new, cst.FlattenSentinel):
                    raise TypeError("%s.%s holds one node, not several" % (type(node).__name__, name))
            else:
                continue
            if new is not value:
                if changes is None:
                    changes = {}
                changes[name] = new
        if changes:
            updated = node.with_changes(**changes)
    return transformer.on_leave(node, updated)


def _transform_sequence(items, transformer, body=False):
    out = None
    for i, item in enumerate(items):
        new = transform(item, transformer) if is_node(item.__class__) else item
        if new is item and out is None:
            continue
        if out is None:
            out = list(items[:i])
        if isinstance(new, cst.RemovalSentinel):
            continue
        for node in new.nodes if isinstance(new, cst.FlattenSentinel) else (new,):
            # A block's statement line left empty by a removal goes with it (LibCST's visit_body_sequence).
            if not (body and node._is_removable() and not item._is_removable()):
                out.append(node)
    return items if out is None else tuple(out)


# -- printing ------------------------------------------------------------------------------------
#: What a print enters at each node instead of a generator-based context manager.
NO_POSITION = contextlib.nullcontext()


class _Print(CodegenState):
    """LibCST's print, without the generator-based context manager it enters at every node."""

    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        return NO_POSITION


def code(module, node=None):
    """The source text of ``node`` (default: the whole ``module``), as ``module.code`` prints it."""
    state = _Print(default_indent=module.default_indent, default_newline=module.default_newline)
    (module if node is None else node)._codegen(state)
    return "".join(state.tokens)


__all__ = ["NO_POSITION", "SKIPPED_FIELDS", "children", "code", "fields", "is_node", "transform", "visit"]
