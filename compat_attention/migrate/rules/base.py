"""What every rule shares: the :class:`Rule` base class, name resolution, argument editing.

A rule is a LibCST transformer class that carries its ``name``, its ``fact``, its ``targets``
and its ``triggers`` as class attributes; the engine runs it over one version of a program's
tree with :class:`Names` (what each name refers to, from LibCST's scope analysis) and a
``CodemodContext`` in which it asks for imports to be added or removed.
"""

import re

import libcst as cst
from libcst.metadata import (ImportAssignment, PositionProvider, QualifiedNameProvider, QualifiedNameSource,
                             ScopeProvider)

from .. import spec


def dotted(expr):
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        head = dotted(expr.value)
        return head + "." + expr.attr.value if head else None
    return None


def module_name(node):
    """The dotted module of an ``ImportFrom`` (None for relative imports)."""
    if node.relative or node.module is None:
        return None
    return dotted(node.module)


def is_keras(full):
    """Whether a dotted name lies in Keras (standalone, tf.keras or tf_keras)."""
    return bool(full) and any(full == root or full.startswith(root + ".") for root in spec.KERAS_ROOTS)


def keras_relative(full):
    """``'layers.Dense'`` for ``'tensorflow.keras.layers.Dense'``; None outside Keras."""
    for root in sorted(spec.KERAS_ROOTS, key=len, reverse=True):
        if full == root:
            return ""
        if full and full.startswith(root + "."):
            return full[len(root) + 1:]
    return None


def alias_local(alias):
    """The name an ``ImportAlias`` binds (its ``as`` name, else its own)."""
    return alias.asname.name.value if alias.asname is not None else alias.name.value


def last_comma_dropped(aliases):
    """Import aliases as a statement's list: the last one without a trailing comma."""
    aliases = list(aliases)
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases


STAR_IMPORT = re.compile(r"\bimport\s*\*")


class _StarImports(cst.CSTVisitor):
    def __init__(self):
        super().__init__()
        self.modules = []

    def visit_ImportFrom(self, node):
        if isinstance(node.names, cst.ImportStar) and module_name(node) is not None:
            self.modules.append(module_name(node))


class Names:
    """What the names of one version of a module refer to.

    Read from LibCST's ``QualifiedNameProvider`` and ``ScopeProvider`` (computed once per
    version of the tree, for every rule that reads it): ``K.mean`` after ``from keras import
    backend as K`` is ``'keras.backend.mean'``, where that import is in reach (a function's own
    import counts in that function only). A ``def`` or ``class`` of the name in reach hides the
    import (the program defines its own); an assignment does not (``LSTM = CuDNNLSTM if gpu else
    LSTM`` still names a Keras layer). Of several imports of one name, the one written last
    counts. Keras 2.0 programs often star-import (``from keras.layers import *``), which scope
    analysis cannot follow: a name no import binds resolves into the first star-imported module.

    Args:
        wrapper: the ``libcst.metadata.MetadataWrapper`` of the module.
        code: the module's source text (star imports are looked for only when it has ``import *``).
    """

    def __init__(self, wrapper, code):
        self._scopes = wrapper.resolve(ScopeProvider)
        self._qualified = wrapper.resolve(QualifiedNameProvider)
        self._wrapper, self._module = wrapper, wrapper.module
        self.star = []
        if STAR_IMPORT.search(code):
            stars = _StarImports()
            self._module.visit(stars)
            self.star = stars.modules

    def _scope(self, node):
        scope = self._scopes.get(node)
        return scope if scope is not None else self._scopes.get(self._module)

    def _defined_here(self, head, where):
        """Whether a ``def`` or ``class`` named ``head`` is in reach of node ``where``."""
        return any(isinstance(getattr(assignment, "node", None), (cst.FunctionDef, cst.ClassDef))
                   for assignment in self._scope(where)[head])

    def _qualified_names(self, expr, text, where):
        if where is None and expr in self._qualified:
            names = self._qualified[expr]
            return names() if callable(names) else names
        scope = self._scope(where if where is not None else expr)
        return scope.get_qualified_names_for(text) if scope is not None else set()

    def _written_last(self, text, where):
        """The target of the import of ``text``'s head written last in the file."""
        scope = self._scope(where)
        positions = self._wrapper.resolve(PositionProvider)
        imports = [a for a in scope[text.split(".")[0]] if isinstance(a, ImportAssignment)]
        imports.sort(key=lambda a: (positions[a.node].start.line, positions[a.node].start.column))
        for assignment in reversed(imports):
            names = sorted(q.name for q in assignment.get_qualified_names_for(text))
            if names:
                return names[0]
        return None

    def resolve(self, expr, where=None):
        """The dotted target an expression names (``'keras.layers.Dense'``), or None.

        Args:
            expr: a Name/Attribute chain.
            where: a node of the tree the expression stands in, for an expression built by a
                rule (it has no scope of its own); None for a node of the tree.
        """
        text = dotted(expr)
        if text is None:
            return None
        names = self._qualified_names(expr, text, where)
        at = where if where is not None else expr
        if any(q.source is QualifiedNameSource.LOCAL for q in names) and self._defined_here(text.split(".")[0], at):
            return None
        imported = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
        if len(imported) == 1:
            return imported.pop()
        if imported:
            return self._written_last(text, at)
        if self.star:
            return self.star[0] + "." + text
        return None

    def keras_symbol(self, expr, where=None):
        """The last component of the Keras object an expression names, else None."""
        full = self.resolve(expr, where)
        return full.rsplit(".", 1)[-1] if is_keras(full) else None

    def bound_to(self, local):
        """The dotted targets every module-level import of ``local`` binds it to."""
        scope = self._scopes.get(self._module)
        return {q.name for q in scope.get_qualified_names_for(local) if q.source is QualifiedNameSource.IMPORT}

    def used(self, local, where):
        """Whether ``local``, as bound in the scope of node ``where`` (an import), is read anywhere."""
        return any(assignment.references for assignment in self._scope(where)[local])

    def imported_roots(self):
        """The top-level packages the file imports from (absolute imports, any scope)."""
        roots = set()
        for scope in {scope for scope in self._scopes.values() if scope is not None}:
            for assignment in scope.assignments:
                if isinstance(assignment, ImportAssignment):
                    module = assignment.get_module_name_for_import() or assignment.name
                    if not module.startswith("."):
                        roots.add(module.split(".")[0])
        return roots


class Rule(cst.CSTTransformer):
    """Base of every rule: one legacy fact, fixed in a program's LibCST tree.

    Each rule sets these class attributes:

    * ``name``: short unique name, shown in reports and in ``MigrationResult.applied``;
    * ``fact``: the legacy fact the rule fixes, one sentence;
    * ``targets``: the Keras generations it runs for (``spec.TARGETS`` or one of them);
    * ``triggers``: words of which one at least appears in every file the rule changes or
      reports on, so the engine skips it, with no pass over the tree, in a file with none of
      them (a call to ``fit_generator`` is written ``fit_generator``); None: every file;
    * ``semantics``: ``'2017'`` for a rule that states Keras 2.0.8's values where a default
      changed (skipped with ``modern_defaults``), ``'modern'`` for one that runs only then,
      None (the default) for every run.

    Args:
        file: the file's ``engine.FileContext`` (target, reports, sibling modules).
        tree: the ``engine.Tree`` this pass runs over (its :class:`Names` and positions).

    Attributes:
        target: ``'keras2'`` or ``'keras3'``.
        context: the pass's ``libcst.codemod.CodemodContext`` in which imports were asked for
            to be added or dropped; None while none was.
        changed: whether a ``leave_*`` method returned another node than the one it was given
            (the engine prints the tree only then, to learn whether the text changed).

    Example:
        >>> class EpochsKeyword(Rule):
        ...     name, fact, triggers = "epochs_keyword", "Keras 1 called epochs nb_epoch.", ("nb_epoch",)
        >>> EpochsKeyword.triggered_by("model.fit(x, y, nb_epoch=3)"), EpochsKeyword.triggered_by("x = 1")
        (True, False)
    """

    name = None
    fact = None
    targets = spec.TARGETS
    triggers = None
    semantics = None

    def __init__(self, file, tree):
        super().__init__()
        self.file, self.tree, self.context = file, tree, None
        self.target = file.target
        self.changed = False

    @classmethod
    def triggered_by(cls, code):
        """Whether the rule can change or report anything in source ``code`` (see ``triggers``)."""
        return cls.triggers is None or any(word in code for word in cls.triggers)

    @property
    def names(self):
        """:class:`Names` of the tree this pass runs over."""
        return self.tree.names()

    def on_leave(self, original_node, updated_node):
        result = super().on_leave(original_node, updated_node)
        if result is not updated_node:
            self.changed = True
        return result

    def report(self, node, what, why, fix):
        """Record something this rule will not rewrite, at the line of ``node`` (a node of the tree)."""
        self.file.report(self.tree.line(node), self.name, what, why, fix)

    def note(self, node, what, why, stated):
        """Record a Keras 2.0.8 value this rule stated (informational), at the line of ``node``."""
        self.file.report(self.tree.line(node), self.name, what, why,
                         "%s (--modern-defaults keeps today's)" % stated, kind="pin")

    @property
    def modern_defaults(self):
        """Whether this run keeps today's defaults (``--modern-defaults``)."""
        return self.file.semantics == "modern"

    def _imports(self):
        from .. import imports  # libcst.codemod, imported once a rule asks for an import

        if self.context is None:
            self.context = imports.new_context(self.file.path)
        return imports

    def need_import(self, module, name, asname=None):
        """Ask for ``from module import name [as asname]`` after this rule (unless already imported)."""
        self._imports().ask_to_add(self.context, module, name, asname)

    def drop_import_if_unused(self, module, name, asname=None):
        """Ask for ``from module import name [as asname]`` to go after this rule, if nothing reads it."""
        self._imports().ask_to_drop(self.context, module, name, asname)

    def callee_symbol(self, call):
        """The Keras name a call calls (``'Dense'``), or None."""
        return self.names.keras_symbol(call.func)


# -- call and argument helpers -------------------------------------------------------------
def method_name(call):
    """``'fit'`` for ``anything.fit(...)``, else None."""
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


def kwarg(call, name):
    """The keyword argument ``name=`` of a call, or None."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_star(call):
    """Whether a call passes ``*args`` or ``**kwargs``."""
    return any(arg.star for arg in call.args)


def positionals(call):
    """The leading positional arguments of a call."""
    out = []
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            break
        out.append(arg)
    return out


def set_args(call, args):
    """``call`` with a new argument list, keeping the original trailing comma style."""
    args = list(args)
    if args and call.args:
        last_comma = call.args[-1].comma
        if args[-1] is not call.args[-1]:
            args[-1] = args[-1].with_changes(comma=last_comma)
    return call.with_changes(args=args)


def make_kwarg(name, value):
    """A new ``name=value`` argument in the usual spacing."""
    return cst.Arg(value=value, keyword=cst.Name(name),
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))


def append_kwarg(call, name, value):
    """``call`` with ``name=value`` added after its last argument (trailing comma style kept)."""
    return set_args(call, list(call.args) + [make_kwarg(name, value)])


def to_keywords(call, signature, keep=0):
    """Turn positional arguments beyond the first ``keep`` into keywords of ``signature``.

    Returns the new call, or None when there are more positionals than names.
    """
    pos = positionals(call)
    if len(pos) <= keep:
        return call
    if len(pos) > len(signature):
        return None
    args = list(call.args)
    for i in range(keep, len(pos)):
        args[i] = make_kwarg(signature[i], pos[i].value).with_changes(comma=pos[i].comma)
    return call.with_changes(args=args)


def rename_kwargs(call, mapping):
    """Rename keyword arguments per ``mapping`` (old -> new); returns the new call."""
    args = []
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in mapping:
            arg = arg.with_changes(keyword=cst.Name(mapping[arg.keyword.value]))
        args.append(arg)
    return call.with_changes(args=args)


def drop_kwargs(call, names):
    """Remove keyword arguments named in ``names``; returns the new call."""
    kept = [a for a in call.args if a.keyword is None or a.keyword.value not in names]
    return set_args(call, kept) if len(kept) != len(call.args) else call


def literal(expr):
    """The Python value of a simple literal (number, string, True/False/None, -number), or a sentinel."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else NOT_LITERAL
    if isinstance(expr, cst.Integer):
        return int(expr.value.replace("_", ""), 0)
    if isinstance(expr, cst.Float):
        return float(expr.value)
    if isinstance(expr, cst.Name) and expr.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[expr.value]
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        inner = literal(expr.expression)
        return -inner if isinstance(inner, (int, float)) and not isinstance(inner, bool) else NOT_LITERAL
    return NOT_LITERAL


NOT_LITERAL = object()


def expr(text):
    """Parse a Python expression."""
    return cst.parse_expression(text)
