"""What every rule shares: name resolution, argument editing, reports and added imports."""

import libcst as cst
from libcst.metadata import PositionProvider

KERAS_ROOTS = ("keras", "tensorflow.keras", "tensorflow.python.keras", "tf_keras")


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
    return bool(full) and any(full == root or full.startswith(root + ".") for root in KERAS_ROOTS)


def keras_relative(full):
    """``'layers.Dense'`` for ``'tensorflow.keras.layers.Dense'``; None outside Keras."""
    for root in sorted(KERAS_ROOTS, key=len, reverse=True):
        if full == root:
            return ""
        if full and full.startswith(root + "."):
            return full[len(root) + 1:]
    return None


class Bindings(cst.CSTVisitor):
    """Which local names the module's imports bind, to which dotted targets.

    ``names['K'] == 'keras.backend'`` after ``from keras import backend as K``; a local
    ``def``/``class`` of the same name wins. ``star`` lists star-imported modules.
    """

    def __init__(self, module):
        self.names, self.star, self.local, self.every = {}, [], set(), {}
        module.visit(self)

    def visit_Import(self, node):
        for alias in node.names:
            full = dotted(alias.name)
            if alias.asname is not None:
                self.names[alias.asname.name.value] = full
            else:
                head = full.split(".")[0]
                self.names[head] = head

    def visit_ImportFrom(self, node):
        mod = module_name(node)
        if mod is None:
            return
        if isinstance(node.names, cst.ImportStar):
            self.star.append(mod)
            return
        for alias in node.names:
            name = alias.name.value
            local = alias.asname.name.value if alias.asname is not None else name
            self.names[local] = mod + "." + name
            self.every.setdefault(local, set()).add(mod + "." + name)

    def visit_ClassDef(self, node):
        self.local.add(node.name.value)

    def visit_FunctionDef(self, node):
        self.local.add(node.name.value)

    def resolve(self, expr):
        """The dotted target an expression names (``'keras.layers.Dense'``), or None."""
        text = dotted(expr)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        if head in self.local:
            return None
        if head in self.names:
            target = self.names[head]
        elif self.star:
            target = self.star[0] + "." + head
        else:
            return None
        if target == "tensorflow" and rest.startswith("keras"):
            return "tensorflow." + rest
        return target + ("." + rest if rest else "")

    def keras_symbol(self, expr):
        """The last component of the Keras object an expression names, else None."""
        full = self.resolve(expr)
        return full.rsplit(".", 1)[-1] if is_keras(full) else None


class RuleTransformer(cst.CSTTransformer):
    """Base of every rule: ``self.ctx`` (target, reports, imports), ``self.bind`` (Bindings)."""

    METADATA_DEPENDENCIES = (PositionProvider,)
    rule_name = "rule"

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.bind = ctx.bindings
        self.target = ctx.target

    def line(self, node):
        """1-based line of an ORIGINAL node (updated nodes carry no position)."""
        try:
            return self.get_metadata(PositionProvider, node).start.line
        except KeyError:
            return 0

    def report(self, node, what, why, fix):
        """Record something this rule will not rewrite."""
        self.ctx.report(self.line(node), self.rule_name, what, why, fix)

    def need_import(self, module, name, asname=None):
        """Ask for ``from module import name [as asname]`` after this rule."""
        self.ctx.need_import(module, name, asname)


# -- call and argument helpers -------------------------------------------------------------
def callee_symbol(bind, call):
    """The Keras name a call calls (``'Dense'``), or None."""
    return bind.keras_symbol(call.func)


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
