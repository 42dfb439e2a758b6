"""What the names of one version of a module refer to, from one walk over its LibCST tree.

The rules ask what a name or dotted name refers to (``K.mean`` after ``from keras import backend
as K`` is ``'keras.backend.mean'``), whether an imported name is read anywhere, and which
packages a file imports. LibCST's ``ScopeProvider`` and ``QualifiedNameProvider`` answer that by
giving metadata to every node, which costs about five parses of the file; :class:`Names` walks
the tree once, records only the scopes, their bindings and the reads of names, and answers the
same questions with the same scope rules:

* scopes: the module, each function and lambda, each class (whose names a nested function does
  not see), each comprehension (its first iterable is read in the enclosing scope); ``global`` and
  ``nonlocal`` send a name to that scope;
* bindings: imports (``import a.b`` binds ``a.b`` and ``a``), ``def``/``class``, parameters
  (their defaults and annotations are read in the enclosing scope), and every store target
  (assignments, ``for``, ``with ... as``, ``except ... as``, walrus, comprehension targets);
* a bare name read sees the bindings of its scope made before it (else those of the enclosing
  scopes); a dotted name (``K.mean``) is resolved through the longest dotted prefix bound in its
  scope, whatever the order; a name a rule builds is resolved in the scope of the node it stands
  in; a name that is not read or bound (an attribute's ``attr``, a keyword argument's name, the
  names of an import statement) resolves to nothing.

Not modelled (no rule depends on them): names read in string annotations, PEP 695 type-parameter
scopes, the typing-only flags of reads.
"""

import builtins

import libcst as cst

from . import cstwalk

LOAD, STORE, DEL = 0, 1, 2
IMPORT, LOCAL, BUILTIN = "import", "local", "builtin"
_GLOBAL, _FUNCTION, _CLASS, _COMPREHENSION, _BUILTINS = range(5)


class QName(tuple):
    """A qualified name and where it comes from: ``(name, source)``, source ``'import'``,
    ``'local'`` or ``'builtin'``."""

    __slots__ = ()

    @property
    def name(self):
        return self[0]

    @property
    def source(self):
        return self[1]


class _Scope:
    __slots__ = ("kind", "parent", "name", "bindings", "count", "overwrites", "prefix", "accesses")

    def __init__(self, kind, parent=None, name=None):
        self.kind, self.name = kind, name
        self.parent = parent if parent is not None else self
        self.bindings, self.overwrites, self.accesses = {}, {}, {}
        self.count = 0
        base = parent.prefix if parent is not None else ""
        if kind == _FUNCTION:
            parts = [base, name, "<locals>"]
        elif kind == _CLASS:
            parts = [base, name]
        elif kind == _COMPREHENSION:
            parts = [base, "<comprehension>"]
        else:
            parts = []
        self.prefix = ".".join(p for p in parts if p)

    # -- lookups (a class scope is not seen from the scopes nested in it) -----------------------
    def visible_parent(self, first=None):
        parent = first if first is not None else self.parent
        while parent.kind == _CLASS:
            parent = parent.parent
        return parent

    def lookup(self, name):
        """The bindings of ``name`` a read in this scope sees (all of them, in any order)."""
        if self.kind == _BUILTINS:
            found = self.bindings.get(name)
            if found is None and hasattr(builtins, name):
                found = self.bindings[name] = [_Binding(name, self, None, -1, BUILTIN, -1)]
            return found or ()
        if self.kind != _GLOBAL and name in self.overwrites:
            return self.visible_parent(self.overwrites[name]).lookup(name)
        found = self.bindings.get(name)
        if found:
            return found
        return self.visible_parent().lookup(name)

    def contains(self, name):
        if self.kind == _BUILTINS:
            return hasattr(builtins, name)
        if self.kind != _GLOBAL and name in self.overwrites:
            return self.overwrites[name].contains(name)
        if self.bindings.get(name):
            return True
        return self.visible_parent().contains(name)

    def target_for(self, name):
        if self.kind not in (_GLOBAL, _BUILTINS) and name in self.overwrites:
            return self.visible_parent(self.overwrites[name]).target_for(name)
        return self


class _Binding:
    __slots__ = ("name", "scope", "node", "index", "kind", "order", "references", "alias")

    def __init__(self, name, scope, node, index, kind, order, alias=None):
        self.name, self.scope, self.node, self.index, self.kind, self.order = name, scope, node, index, kind, order
        self.references, self.alias = [], alias

    def qnames(self, full):
        if self.kind == LOCAL:
            return {QName((((self.scope.prefix + ".") if self.scope.prefix else "") + full, LOCAL))}
        if self.kind == BUILTIN:
            return {QName(("builtins." + self.name, BUILTIN))}
        return _import_qnames(self.node, full)


class _Access:
    __slots__ = ("node", "scope", "index", "enclosing", "name", "referents")

    def __init__(self, node, scope, enclosing):
        self.node, self.scope, self.index, self.enclosing = node, scope, scope.count, enclosing
        self.name, self.referents = node.value, ()


def dotted_name(node):
    """``'a.b.c'`` for a Name/Attribute chain (a call's callee, as LibCST names it), else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return head + "." + node.attr.value if head is not None else None
    if isinstance(node, cst.Call):
        return dotted_name(node.func)
    return None


def import_module(node):
    """The module an import statement reads from, as LibCST spells it (``'..pkg'``; ``''`` for ``import``)."""
    if isinstance(node, cst.ImportFrom):
        module = dotted_name(node.module) if node.module is not None else ""
        return "." * len(node.relative) + (module or "")
    return ""


def _import_qnames(node, full):
    """The qualified names ``full`` has through import statement ``node`` (LibCST's rule: the first
    alias whose bound name prefixes it, the longest dotted form first)."""
    found = set()
    if isinstance(node.names, cst.ImportStar):
        return found
    module = import_module(node)
    for alias in node.names:
        real = dotted_name(alias.name)
        if not real:
            continue
        parts = real.split(".")
        bound = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) \
            else None
        for end in range(len(parts), 0, -1):
            as_name = real_name = ".".join(parts[:end])
            if module.endswith("."):
                real_name = module + real_name
            elif module:
                real_name = module + "." + real_name
            if bound is not None:
                as_name = bound
            if full.startswith(as_name):
                rest = full.split(as_name, 1)[1]
                if rest and not rest.startswith("."):
                    continue
                rest = rest.lstrip(".")
                found.add(QName((real_name + "." + rest if rest else real_name, IMPORT)))
                break
    return found


def _dotted_prefixes(node):
    """LibCST's dotted forms of an attribute chain, longest first, each with its node."""
    if isinstance(node, cst.Name):
        yield node.value, node
        return
    value = node.value
    if isinstance(value, cst.Call):
        value = value.func
        if isinstance(value, (cst.Attribute, cst.Name)):
            yield from _dotted_prefixes(value)
    elif isinstance(value, (cst.Attribute, cst.Name)):
        inner = list(_dotted_prefixes(value))
        if inner:
            yield inner[0][0] + "." + node.attr.value, node
            yield from inner


#: Nodes after which their scope counts one more binding (a read after them sees what they bound).
_BINDING_NODES = frozenset(getattr(cst, n) for n in (
    "AnnAssign", "AsName", "Assign", "AugAssign", "ClassDef", "CompFor", "FunctionDef", "Global", "Import",
    "ImportFrom", "NamedExpr", "Nonlocal", "Parameters", "WithItem", "TypeVar", "TypeAlias", "TypeVarTuple",
    "ParamSpec") if hasattr(cst, n))
class _Walk:
    """One walk over the tree: scopes, bindings, reads, and the scope of every node walked."""

    def __init__(self, module):
        self.builtins = _Scope(_BUILTINS)
        self.globals = _Scope(_GLOBAL, self.builtins)
        self.scope = self.globals
        self.scope_of = {module: self.globals}
        self.unscoped = set()  # names and attributes of the tree that no scope sees
        self.accesses, self.star = [], []
        self.top = [None]  # the outermost attribute being walked, per call level
        self.order = 0
        self.handlers = {
            cst.Name: self.name, cst.Attribute: self.attribute, cst.Call: self.call, cst.Arg: self.arg,
            cst.Import: self.import_, cst.ImportFrom: self.import_, cst.FunctionDef: self.function,
            cst.Lambda: self.lambda_, cst.Param: self.param, cst.ClassDef: self.class_,
            cst.Global: self.global_, cst.Nonlocal: self.global_, cst.ListComp: self.comprehension,
            cst.SetComp: self.comprehension, cst.GeneratorExp: self.comprehension, cst.DictComp: self.comprehension,
            cst.CompFor: self.comp_for,
            cst.For: self.for_, cst.Assign: self.assign, cst.AugAssign: self.store_target,
            cst.AnnAssign: self.store_target, cst.NamedExpr: self.store_target, cst.AsName: self.as_name,
            cst.Del: self.delete, cst.Subscript: self.subscript, cst.SimpleString: self.nothing,
        }
        for stmt in module.body:
            self.walk(stmt, LOAD)

    # -- the walk ---------------------------------------------------------------------------
    def walk(self, node, ctx):
        handler = self.handlers.get(type(node))
        if handler is not None:
            handler(node, ctx)
        else:
            self.children(node, ctx)
        self.leave(node)

    def leave(self, node):
        self.scope_of[node] = self.scope
        if type(node) in _BINDING_NODES:  # each a concrete class (isinstance on LibCST's ABCs is slow)
            self.scope.count += 1

    def children(self, node, ctx):
        for field, _ in cstwalk.fields(type(node)):  # source order: the order Python runs them
            value = getattr(node, field)
            cls = value.__class__
            if cls is tuple or cls is list:
                for item in value:
                    if cstwalk.is_node(item.__class__):
                        self.walk(item, ctx)
            elif cstwalk.is_node(cls):
                self.walk(value, ctx)

    def nothing(self, node, ctx):
        pass

    def each(self, nodes, ctx=LOAD):
        for node in nodes:
            self.walk(node, ctx)

    def bind(self, name, node, kind=LOCAL, scope=None):
        target = (scope or self.scope).target_for(name)
        target.bindings.setdefault(name, []).append(_Binding(name, target, node, target.count, kind, self.order))
        self.order += 1

    # -- names ------------------------------------------------------------------------------
    def name(self, node, ctx):
        if ctx == STORE:
            self.bind(node.value, node)
        else:
            self.accesses.append(_Access(node, self.scope, self.top[-1]))

    def attribute(self, node, ctx):
        if self.top[-1] is None:
            self.top[-1] = node
        self.walk(node.value, LOAD)
        if self.top[-1] is node:
            self.top[-1] = None
        self.unscoped.add(node.attr)

    def call(self, node, ctx):
        self.top.append(None)
        self.walk(node.func, LOAD)
        self.each(node.args)
        self.top.pop()

    def arg(self, node, ctx):
        self.walk(node.value, LOAD)
        if node.keyword is not None:
            self.unscoped.add(node.keyword)

    def subscript(self, node, ctx):
        self.walk(node.value, LOAD)
        self.each(node.slice)

    # -- bindings ---------------------------------------------------------------------------
    def import_(self, node, ctx):
        if isinstance(getattr(node, "module", None), (cst.Name, cst.Attribute)):
            self._unscope(node.module)
        if isinstance(node.names, cst.ImportStar):
            if isinstance(node, cst.ImportFrom) and not node.relative and node.module is not None:
                self.star.append(dotted_name(node.module))
            return
        for alias in node.names:
            self.scope_of[alias] = self.scope
            self._unscope(alias.name)
            if alias.asname is not None:
                self._unscope(alias.asname.name)
                names = [alias.asname.name.value] if isinstance(alias.asname.name, cst.Name) else []
            else:
                names = [n for n, _ in _dotted_prefixes(alias.name)]
            for bound in names:
                self.bind(bound, node, IMPORT)

    def _unscope(self, node):
        while isinstance(node, cst.Attribute):
            self.unscoped.add(node)
            self.unscoped.add(node.attr)
            node = node.value
        self.unscoped.add(node)

    def function(self, node, ctx):
        self.bind(node.name.value, node)
        self.scope_of[node.name] = self.scope
        outer = self.scope
        self.scope = _Scope(_FUNCTION, outer, node.name.value)
        self.walk(node.params, LOAD)
        self.walk(node.body, LOAD)
        self.scope = outer
        self.each(node.decorators)
        if node.returns is not None:
            self.walk(node.returns, LOAD)

    def lambda_(self, node, ctx):
        outer = self.scope
        self.scope = _Scope(_FUNCTION, outer)
        self.walk(node.params, LOAD)
        self.walk(node.body, LOAD)
        self.scope = outer

    def param(self, node, ctx):
        self.bind(node.name.value, node)
        self.scope_of[node.name] = self.scope
        inner, self.scope = self.scope, self.scope.parent
        for part in (node.default, node.annotation):
            if part is not None:
                self.walk(part, LOAD)
        self.scope = inner

    def class_(self, node, ctx):
        self.bind(node.name.value, node)
        self.scope_of[node.name] = self.scope
        self.each(node.decorators)
        self.each(node.bases)
        self.each(node.keywords)
        outer = self.scope
        self.scope = _Scope(_CLASS, outer, node.name.value)
        self.each(node.body.body)
        self.scope = outer

    def global_(self, node, ctx):
        for item in node.names:
            self.unscoped.add(item.name)
            if self.scope.kind != _GLOBAL:
                self.scope.overwrites[item.name.value] = self.globals if isinstance(node, cst.Global) else self.scope.parent

    def comprehension(self, node, ctx):
        for_in = node.for_in
        self.walk(for_in.iter, LOAD)
        outer = self.scope
        self.scope = _Scope(_COMPREHENSION, outer)
        self.walk(for_in.target, STORE)
        self.scope.count += 1
        self.each(for_in.ifs)
        if for_in.inner_for_in is not None:
            self.walk(for_in.inner_for_in, LOAD)
        if isinstance(node, cst.DictComp):
            self.walk(node.key, LOAD)
            self.walk(node.value, LOAD)
        else:
            self.walk(node.elt, LOAD)
        self.scope = outer

    def comp_for(self, node, ctx):
        self.walk(node.target, STORE)
        self.walk(node.iter, LOAD)
        self.each(node.ifs)
        if node.inner_for_in is not None:
            self.walk(node.inner_for_in, LOAD)

    def for_(self, node, ctx):
        self.walk(node.target, STORE)
        self.scope.count += 1
        self.walk(node.iter, LOAD)
        self.walk(node.body, LOAD)
        if node.orelse is not None:
            self.walk(node.orelse, LOAD)

    def assign(self, node, ctx):
        for target in node.targets:
            self.walk(target.target, STORE)
        self.walk(node.value, LOAD)

    def store_target(self, node, ctx):
        self.walk(node.target, STORE)
        if getattr(node, "annotation", None) is not None:
            self.walk(node.annotation, LOAD)
        if node.value is not None:
            self.walk(node.value, LOAD)

    def as_name(self, node, ctx):
        self.walk(node.name, STORE)

    def delete(self, node, ctx):
        self.walk(node.target, DEL)

    # -- after the walk: what each read sees ------------------------------------------------
    def resolve_reads(self):
        groups = {}
        for access in self.accesses:
            name = access.name
            if access.enclosing is not None:
                for dotted, node in _dotted_prefixes(access.enclosing):
                    if access.scope.contains(dotted):
                        access.node, name = node, dotted
                        break
            access.name = name
            groups.setdefault((access.scope, name), []).append(access)
            scope = access.scope
            found = scope.lookup(name)
            earlier = [b for b in found if b.scope is not scope or b.index < access.index]
            if not earlier and found and scope.parent is not scope:
                earlier = list(scope.parent.lookup(name))
            access.referents = earlier
            scope.accesses.setdefault(access.node, []).append(access)
        return groups


def _record_references(binding, accesses):
    later = [a for a in accesses if a.scope is not binding.scope or binding.index < a.index]
    binding.references.extend(later)
    if len(later) != len(accesses) and binding.scope.parent is not binding.scope:
        earlier = [a for a in accesses if not (a.scope is not binding.scope or binding.index < a.index)]
        for shadowed in binding.scope.parent.lookup(binding.name):
            _record_references(shadowed, earlier)


_UNKNOWN = object()


class Names:
    """What the names of one version of a module refer to.

    ``K.mean`` after ``from keras import backend as K`` is ``'keras.backend.mean'``, where that
    import is in reach (a function's own import counts in that function only). A ``def`` or
    ``class`` of the name in reach hides the import (the program defines its own); an assignment
    does not (``LSTM = CuDNNLSTM if gpu else LSTM`` still names a Keras layer). Of several
    imports of one name, the one written last counts. Keras 2.0 programs often star-import
    (``from keras.layers import *``), which a scope analysis cannot follow: a name no import
    binds resolves into the first star-imported module.

    Args:
        module: the ``libcst.Module``.
        code: the module's source text (unused; kept for the callers that pass it).
    """

    def __init__(self, module, code=None):
        self._module = module
        walk = _Walk(module)
        self._groups = walk.resolve_reads()
        self._referenced = False
        self._scope_of, self._unscoped, self._globals = walk.scope_of, walk.unscoped, walk.globals
        self.star = walk.star
        self._resolved = {}

    def _scope(self, node):
        scope = self._scope_of.get(node)
        return scope if scope is not None else self._globals

    def _text_qnames(self, scope, full, node=None):
        """LibCST's ``Scope.get_qualified_names_for``: through the longest dotted prefix bound in ``scope``."""
        found, prefix = (), full
        while prefix:
            if scope.contains(prefix):
                found = scope.lookup(prefix)
                break
            cut = prefix.rfind(".")
            prefix = prefix[:cut] if cut != -1 else None
        if node is not None:
            for binding in found:
                if binding.kind != BUILTIN and _binds(node, binding.node):
                    return binding.qnames(full)
        names = set()
        for binding in found:
            names |= binding.qnames(full)
        return names

    def _node_qnames(self, node):
        scope = self._scope_of.get(node)
        if scope is None:
            return set()
        accesses = scope.accesses.get(node)
        if accesses:
            return {q for access in accesses for ref in access.referents for q in ref.qnames(ref.name)}
        full = dotted_name(node)
        return self._text_qnames(scope, full, node) if full is not None else set()

    def _in_tree(self, node):
        return node in self._scope_of or node in self._unscoped

    def _defined_here(self, head, where):
        """Whether a ``def`` or ``class`` named ``head`` is in reach of node ``where``."""
        return any(isinstance(b.node, (cst.FunctionDef, cst.ClassDef)) for b in self._scope(where).lookup(head))

    def _written_last(self, text, where):
        """The target of the import of ``text``'s head written last in the file."""
        imports = [b for b in self._scope(where).lookup(text.split(".")[0]) if b.kind == IMPORT]
        for binding in sorted(imports, key=lambda b: b.order, reverse=True):
            names = sorted(q.name for q in binding.qnames(text))
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
        if where is None:  # a node of the tree: every rule of a pass asks about the same callees
            found = self._resolved.get(expr, _UNKNOWN)
            if found is _UNKNOWN:
                found = self._resolved[expr] = self._resolve(expr, None)
            return found
        return self._resolve(expr, where)

    def _resolve(self, expr, where):
        text = dotted(expr)
        if text is None:
            return None
        if where is None and self._in_tree(expr):
            names = self._node_qnames(expr)
        else:
            names = self._text_qnames(self._scope(where if where is not None else expr), text)
        at = where if where is not None else expr
        if any(q.source == LOCAL for q in names) and self._defined_here(text.split(".")[0], at):
            return None
        imported = {q.name for q in names if q.source == IMPORT}
        if len(imported) == 1:
            return imported.pop()
        if imported:
            return self._written_last(text, at)
        if self.star:
            return self.star[0] + "." + text
        return None

    def keras_symbol(self, expr, where=None):
        """The last component of the Keras object an expression names, else None."""
        from .rules.base import is_keras

        full = self.resolve(expr, where)
        return full.rsplit(".", 1)[-1] if is_keras(full) else None

    def bound_to(self, local):
        """The dotted targets every module-level import of ``local`` binds it to."""
        return {q.name for q in self._text_qnames(self._globals, local) if q.source == IMPORT}

    def used(self, local, where):
        """Whether ``local``, as bound in the scope of node ``where`` (an import), is read anywhere."""
        self._references()
        return any(b.references for b in self._scope(where).lookup(local))

    def _references(self):
        if not self._referenced:
            for (scope, name), accesses in self._groups.items():
                for binding in scope.lookup(name):
                    _record_references(binding, accesses)
            self._referenced = True

    def import_in_use(self, name, where):
        """Whether an import binding of ``name`` in reach of node ``where`` is read (LibCST's unused-import test)."""
        self._references()
        return any(b.kind == IMPORT and b.references for b in self._scope(where).lookup(name))

    def imported_roots(self):
        """The top-level packages the file imports from (absolute imports, any scope)."""
        roots = set()
        for scope in set(self._scope_of.values()):
            for bindings in scope.bindings.values():
                for binding in bindings:
                    if binding.kind == IMPORT:
                        module = import_module(binding.node) or binding.name
                        if not module.startswith("."):
                            roots.add(module.split(".")[0])
        return roots


def dotted(expr):
    """``a.b.c`` for a Name/Attribute chain, else None."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        head = dotted(expr.value)
        return head + "." + expr.attr.value if head else None
    return None


def _binds(node, statement):
    """Whether ``node`` is the binding node itself, or a name of import statement ``statement``."""
    if node is statement:
        return True
    if isinstance(statement, (cst.Import, cst.ImportFrom)) and not isinstance(statement.names, cst.ImportStar):
        return any(alias.name is node or (alias.asname is not None and alias.asname.name is node)
                   for alias in statement.names)
    return False
