"""The copied legacy attention code: replaced by imports from compat_attention.

A copied ``attention_decoder.py`` / ``custom_recurrents.py`` subclasses
``keras.layers.recurrent.Recurrent``, removed in Keras 2.2, so the whole file stops
importing. Its legacy definitions become ``from compat_attention import ...``; whatever
else the file defines is kept (and migrated by the other rules).
"""

import functools
import importlib.util

import libcst as cst

from .. import cstwalk, spec
from .base import Rule, dotted, is_keras, last_comma_dropped, literal, module_name


def signature_changes(init):
    """How a copied ``AttentionDecoder.__init__`` differs from the legacy one (empty: it does not).

    Args:
        init: the ``__init__`` FunctionDef.

    Returns:
        A list of short texts (``"timesteps_out= added"``, ``"activation='relu' (legacy: 'tanh')"``).
    """
    legacy, changes = spec.LEGACY_DECODER_SIGNATURE, []
    params = init.params
    for param in list(params.posonly_params) + list(params.params)[1:] + list(params.kwonly_params):
        name = param.name.value
        if name not in legacy:
            changes.append("%s= added" % name)
            continue
        default = spec.REQUIRED if param.default is None else literal(param.default)
        if default is not legacy[name] and default != legacy[name]:
            shown = "no default" if param.default is None else cst.Module([]).code_for_node(param.default)
            was = "none" if legacy[name] is spec.REQUIRED else repr(legacy[name])
            changes.append("%s=%s (legacy: %s)" % (name, shown, was))
    return changes


def _params(fn):
    params = fn.params
    return [p.name.value for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params)]


def _init(cls):
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__init__":
            return stmt
    return None


def _bases(cls):
    return [dotted(b.value) or "" for b in cls.bases]


def subclasses_recurrent(cls):
    """Whether a class derives from the removed ``Recurrent`` base."""
    return any(b.split(".")[-1] == spec.REMOVED_RECURRENT_BASE for b in _bases(cls))


class _Names(cst.CSTVisitor):
    def __init__(self):
        self.names = set()

    def visit_Name(self, node):
        self.names.add(node.value)


def _uses(node):
    visitor = _Names()
    cstwalk.visit(node, visitor)
    return visitor.names


def _module_globals(module):
    """Names assigned by plain statements at module level (settings such as TIME_STEPS)."""
    out = set()
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    for t in targets:
                        out |= _uses(t.target)
    return out


def replaceable(module):
    """The top-level definitions of ``module`` that compat_attention provides.

    ``AttentionDecoder`` (the legacy class: a ``Recurrent`` subclass or the legacy
    ``(units, output_dim)`` constructor) and ``_time_distributed_dense`` always; the
    other provided names only in a module holding one of those, when their parameters
    fit ours and they read no module-level setting (such as ``SINGLE_ATTENTION_VECTOR``).

    Args:
        module: a ``libcst.Module``.

    Returns:
        A dict ``name -> definition node``.
    """
    legacy = spec.LEGACY_DEFINITIONS
    found = {}
    for stmt in module.body:
        name = getattr(getattr(stmt, "name", None), "value", None)
        if name == "AttentionDecoder" and isinstance(stmt, cst.ClassDef):
            init = _init(stmt)
            legacy_like = subclasses_recurrent(stmt) or (init is not None and _params(init)[1:3] == legacy[name])
            if legacy_like and (init is None or not signature_changes(init)):
                found[name] = stmt
        elif name == "_time_distributed_dense" and isinstance(stmt, cst.FunctionDef) \
                and _params(stmt)[:2] == legacy[name]:
            found[name] = stmt
    if not found:
        return found
    settings = _module_globals(module)
    for stmt in module.body:
        name = getattr(getattr(stmt, "name", None), "value", None)
        if name not in spec.PROVIDED_DEFINITIONS:
            continue
        fn = _init(stmt) if isinstance(stmt, cst.ClassDef) else stmt
        if fn is None or not set(_params(fn)) <= spec.PROVIDED_DEFINITIONS[name] or _uses(stmt) & settings:
            continue
        found[name] = stmt
    return found


def _reexported(module):
    """Names a module imports at its top level from compat_attention that compat_attention provides."""
    names = set()
    for stmt in module.body:
        for small in getattr(stmt, "body", ()) if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and module_name(small) == "compat_attention" \
                    and not isinstance(small.names, cst.ImportStar):
                names.update(alias.asname.name.value if alias.asname is not None else alias.name.value
                             for alias in small.names
                             if alias.name.value in spec.LEGACY_DEFINITIONS or alias.name.value in spec.PROVIDED_DEFINITIONS)
    return names


@functools.lru_cache(maxsize=32)
def provided_by(source):
    """The names a sibling module's ``source`` gives that compat_attention provides.

    Its copied legacy definitions (:func:`replaceable`), and the names it imports from
    compat_attention already: a sibling migrated by an earlier run provides what its copy did,
    so a program migrates the same whether its sibling was migrated first or not.

    Returns:
        A frozenset of names (every legacy name when the source does not parse).
    """
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return frozenset(spec.LEGACY_DEFINITIONS)
    return frozenset(replaceable(module)) | frozenset(_reexported(module))


def _installed(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class LegacyAttentionModule(Rule):
    """Replace copied legacy definitions by imports; point imports of them at compat_attention."""

    name = "legacy_attention_module"
    fact = ("The copied legacy AttentionDecoder subclasses keras.layers.recurrent.Recurrent (removed in Keras 2.2), "
            "so its file no longer imports; compat_attention provides it with the same constructor and weights.")
    #: Every definition it replaces, import it redirects and class it reports names one of these
    #: ("Attention" is part of AttentionDecoder and AttentionPooling).
    triggers = ("Attention", "attention_3d_block", "_time_distributed_dense", spec.REMOVED_RECURRENT_BASE)
    #: The rules after it read the tree it leaves (the definitions it removes are gone, so their
    #: code is neither migrated nor reported, and their imports count as unused).
    own_pass = True

    def visit_Module(self, node):
        self.replace = replaceable(node)
        for name in self.replace:
            self.need_import("compat_attention", name)
        for stmt in node.body:
            init = _init(stmt) if isinstance(stmt, cst.ClassDef) and stmt.name.value == "AttentionDecoder" else None
            if init is not None and stmt.name.value not in self.replace and _params(init)[1:3] == \
                    spec.LEGACY_DEFINITIONS["AttentionDecoder"] and signature_changes(init):
                self.report(stmt, "class AttentionDecoder (a modified copy)", "its constructor differs from the "
                            "legacy layer's: %s, so compat_attention's is not a drop-in for it and the copy is "
                            "kept" % ", ".join(signature_changes(init)),
                            "port the change onto compat_attention.AttentionDecoder (a subclass), or keep the copy "
                            "and rewrite it as an RNN cell")
            if isinstance(stmt, cst.ClassDef) and stmt.name.value not in self.replace and subclasses_recurrent(stmt):
                self.report(stmt, "class %s subclasses Recurrent" % stmt.name.value,
                            "keras.layers.recurrent.Recurrent was removed in Keras 2.2 and has no drop-in successor",
                            "rewrite its step() as a cell class (call(inputs, states)) wrapped in keras.layers.RNN")
        return True

    def leave_Module(self, original, updated):
        if not self.replace:
            return updated
        body = [s for s in updated.body
                if getattr(getattr(s, "name", None), "value", None) not in self.replace]
        return updated.with_changes(body=body)

    def leave_ImportFrom(self, original, updated):
        mod = module_name(original)
        if mod is None or is_keras(mod) or mod.startswith("compat_attention") or isinstance(updated.names, cst.ImportStar):
            return updated
        source = self.file.resolve_module(mod)
        if source is not None:
            provided = provided_by(source)
        elif "." not in mod and not _installed(mod):
            provided = set(spec.LEGACY_DEFINITIONS)
        else:
            return updated
        moved = [a for a in updated.names if a.name.value in provided]
        if not moved:
            return updated
        kept = [a for a in updated.names if a.name.value not in provided]
        ours = updated.with_changes(module=cst.Name("compat_attention"), relative=[],
                                    names=last_comma_dropped(moved))
        if not kept:
            return ours
        for alias in moved:
            self.need_import("compat_attention", alias.name.value,
                             alias.asname.name.value if alias.asname is not None else None)
        return updated.with_changes(names=last_comma_dropped(kept))
