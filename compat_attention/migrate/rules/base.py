"""What every rule shares: the :class:`Rule` base class, name resolution, argument editing.

A rule is a LibCST transformer class that carries its ``name``, its ``fact``, its ``targets``
and its ``triggers`` as class attributes; the engine runs it over one version of a program's
tree with :class:`Names` (what each name refers to: bindings.py, one walk, tested equal to LibCST's
scope providers) and a
``CodemodContext`` in which it asks for imports to be added or removed.
"""

import libcst as cst

from .. import spec
from ..bindings import Names, dotted  # noqa: F401 - what each name refers to; ``a.b.c`` of a Name/Attribute chain


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
        self.file.report_at(self.tree, node, self.name, what, why, fix)

    def note(self, node, what, why, stated):
        """Record a Keras 2.0.8 value this rule stated (informational), at the line of ``node``."""
        self.file.report_at(self.tree, node, self.name, what, why,
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
