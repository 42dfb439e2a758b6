"""Keras 2.0 optimizer arguments: ``lr``, ``decay``, and defaults that changed.

Keras 2.0 optimizers took ``lr=`` and ``decay=``, the learning rate at update ``t``
(0-based) being ``lr / (1 + decay * t)``. Keras 3 rejects both; tf.keras 2.11-2.15 ignore
``lr`` and reject ``decay``. ``compat_attention.legacy.optimizers.legacy_decay(lr, decay)``
(``InverseTimeDecay(initial_learning_rate=lr, decay_steps=1, decay_rate=decay)`` of the running
Keras) computes the same rate at every update. It is imported from compat_attention because the
schedule's public import path differs: ``keras.optimizers.schedules`` lacks it in the
standalone ``keras`` 2.8-2.11 packages.
"""

import libcst as cst

from .. import spec
from .base import (Rule, alias_local, dotted, expr, has_star, kwarg, last_comma_dropped, literal, make_kwarg,
                   method_name, module_name, set_args, to_keywords)


class OptimizerLrDecay(Rule):
    """``SGD(lr=0.1, decay=1e-6)`` -> ``SGD(learning_rate=legacy_decay(0.1, 1e-6))``."""

    name = "optimizer_lr_decay"
    fact = ("Keras 2.0 optimizers took lr= and decay= (rate lr / (1 + decay * t) at update t); modern Keras "
            "takes learning_rate= (a number or a schedule) and has no decay=.")
    #: It acts on optimizer classes and their Keras 2.0 lower-case aliases, by name.
    triggers = tuple(spec.OPTIMIZER_SIGNATURES) + tuple(spec.OPTIMIZER_ALIASES)

    def leave_Call(self, original, updated):
        symbol = self.callee_symbol(original)
        name = spec.OPTIMIZER_ALIASES.get(symbol, symbol)
        if name not in spec.OPTIMIZER_SIGNATURES:
            return updated
        call = updated
        if symbol != name and isinstance(call.func, cst.Attribute):
            call = call.with_changes(func=call.func.with_changes(attr=cst.Name(name)))
        if has_star(call):
            if kwarg(call, "lr") or kwarg(call, "decay"):
                self.report(original, "%s(*args/**kwargs)" % name, "lr/decay may be hidden in the star arguments",
                            "spell out learning_rate= (and a schedule for decay) by hand")
            return call
        keyworded = to_keywords(call, spec.OPTIMIZER_SIGNATURES[name])
        if keyworded is None:
            self.report(original, "%s(...)" % name, "more positional arguments than Keras 2.0 had",
                        "pass them by keyword")
            return call
        call = keyworded
        return self._rates(original, call, name)

    def _rates(self, original, call, name):
        lr, decay = kwarg(call, "lr"), kwarg(call, "decay")
        args, has_rate = [], kwarg(call, "learning_rate") is not None
        for arg in call.args:
            key = arg.keyword.value if arg.keyword is not None else None
            if key == "decay":
                continue
            if key == "epsilon" and literal(arg.value) is None:
                continue
            if key == "schedule_decay":
                if literal(arg.value) != spec.NADAM_SCHEDULE_DECAY:
                    self.report(original, "Nadam(schedule_decay=...)", "modern Nadam fixes the momentum "
                                "schedule at Keras 2.0's default 0.004", "remove the argument (or write a custom optimizer)")
                    args.append(arg)
                continue
            if key == "lr":
                arg = arg.with_changes(keyword=cst.Name("learning_rate"))
            args.append(arg)
        decaying = decay is not None and literal(decay.value) not in (0, 0.0)
        if decaying:
            rate = lr.value if lr is not None else expr(spec.OPTIMIZER_LR_2017[name])
            if lr is None and has_rate:
                rate = kwarg(call, "learning_rate").value
            schedule = cst.Call(func=cst.Name("legacy_decay"), args=[cst.Arg(rate), cst.Arg(decay.value)])
            self.need_import(spec.DECAY_SCHEDULE_MODULE, "legacy_decay")
            new = make_kwarg("learning_rate", schedule)
            replaced = False
            for i, arg in enumerate(args):
                if arg.keyword is not None and arg.keyword.value == "learning_rate":
                    args[i] = new.with_changes(comma=arg.comma)
                    replaced = True
            if not replaced:
                args.insert(0, new)
        elif lr is None and not has_rate and spec.OPTIMIZER_LR_2017[name] != spec.OPTIMIZER_LR_NOW[name]:
            args.insert(0, make_kwarg("learning_rate", expr(spec.OPTIMIZER_LR_2017[name])))
        if len(args) == len(call.args) and all(a is b for a, b in zip(args, call.args)):
            return call
        return set_args(call, args)

    def leave_ImportAlias(self, original, updated):
        """``from keras.optimizers import adam`` -> ``... import Adam as adam`` (Keras 2.0's lower-case aliases)."""
        name = original.name.value if isinstance(original.name, cst.Name) else None
        aliases = spec.OPTIMIZER_ALIASES
        if name in aliases and self.names.keras_symbol(cst.Name(alias_local(original)), where=original) == name:
            return updated.with_changes(name=cst.Name(aliases[name]),
                                        asname=updated.asname or cst.AsName(name=cst.Name(name)))
        return updated


def _changed_default(name):
    """Whether optimizer ``name``'s default learning rate is not Keras 2.0.8's any more."""
    return spec.OPTIMIZER_LR_2017[name] != spec.OPTIMIZER_LR_NOW[name]


class OptimizerStringDefaults(Rule):
    """``compile(optimizer='adadelta')`` -> ``compile(optimizer=Adadelta(learning_rate=1.0))``."""

    name = "optimizer_string_defaults"
    fact = ("compile(optimizer='adadelta') meant learning rate 1.0 in Keras 2.0 (adagrad 0.01, adamax and nadam "
            "0.002); modern Keras' defaults are 0.001.")
    #: The optimizer strings whose default learning rate changed.
    triggers = tuple(alias for alias, name in spec.OPTIMIZER_ALIASES.items() if _changed_default(name))

    def leave_Call(self, original, updated):
        if method_name(original) != "compile":
            return updated
        args = list(updated.args)
        if kwarg(updated, "optimizer") is None and kwarg(updated, "loss") is None:
            return updated  # not Model.compile (re.compile, ...)
        for i, arg in enumerate(args):
            key = arg.keyword.value if arg.keyword is not None else None
            if key == "optimizer" or (i == 0 and key is None and not arg.star):
                value = literal(arg.value)
                name = spec.OPTIMIZER_ALIASES.get(value) if isinstance(value, str) else None
                if name and _changed_default(name):
                    self.need_import("keras.optimizers", name)
                    args[i] = arg.with_changes(value=expr("%s(learning_rate=%s)" % (name, spec.OPTIMIZER_LR_2017[name])))
                    return updated.with_changes(args=args)
        return updated


class OptimizerLrAttribute(Rule):
    """``model.optimizer.lr`` -> ``model.optimizer.learning_rate``."""

    name = "optimizer_lr_attribute"
    fact = "Keras 2 optimizers exposed their rate as optimizer.lr; Keras 3 only has optimizer.learning_rate."
    targets = ("keras3",)
    triggers = ("lr",)

    def leave_Attribute(self, original, updated):
        if original.attr.value != "lr":
            return updated
        owner = dotted(original.value) or ""
        if owner.split(".")[-1] in spec.OPTIMIZER_OWNERS:
            return updated.with_changes(attr=cst.Name("learning_rate"))
        return updated


def _standalone_optimizer(full):
    """The Keras 2.0.8 optimizer class a dotted name resolves to (``'keras.optimizers.adam'`` -> ``'Adam'``)."""
    if not full or not full.startswith("keras.optimizers."):
        return None
    name = full.rsplit(".", 1)[-1]
    name = spec.OPTIMIZER_ALIASES.get(name, name)
    return name if name in spec.OPTIMIZER_SIGNATURES else None


#: The name migrated code reads ``compat_attention.legacy.optimizers`` under, where a class is
#: reached through a module (``keras.optimizers.Adam(...)``).
LEGACY_OPTIMIZERS_LOCAL = "legacy_optimizers"


class LegacyOptimizers(Rule):
    """``from keras.optimizers import Adam`` / ``'adam'`` -> ``compat_attention.legacy.optimizers.Adam``.

    Keras 2.0.8's optimizers had other defaults and formulas than today's classes of the same
    names (``spec.OPTIMIZER_CHANGES``); ``compat_attention.legacy.optimizers`` computes Keras
    2.0.8's update on every Keras, with its signature (``lr=`` is written ``learning_rate=``;
    ``decay=``, ``epsilon=``, ``schedule_decay=``, ``clipnorm=`` keep their 2017 meaning). Only
    standalone ``keras`` optimizers: ``tf.keras`` programs are TensorFlow 2's already.
    """

    name = "legacy_optimizers"
    fact = ("Keras 2.0.8's optimizers had other defaults (epsilon 1e-8, Adagrad 0.01 from a zero accumulator, "
            "Adadelta 1.0, ...) and updates (RMSprop/Adagrad g / (sqrt(a) + eps), global clipnorm, decay, dense sparse "
            "gradients) than today's of the same name; compat_attention.legacy.optimizers computes 2.0.8's.")
    semantics = "2017"
    triggers = tuple(spec.OPTIMIZER_SIGNATURES) + tuple(spec.OPTIMIZER_ALIASES)
    #: The optimizer rules after it must see its result (an optimizer of compat_attention.legacy, whose
    #: decay= and epsilon= keep their 2017 meaning, is not theirs to rewrite): it ends the pass.
    own_pass = True

    def _tell(self, node, name):
        self.note(node, "%s(...)" % name, "Keras 2.0.8's %s: %s; all: %s" % (
            name, spec.OPTIMIZER_CHANGES[name], spec.OPTIMIZER_CHANGES_ALL),
            "stated compat_attention.legacy.optimizers.%s (Keras 2.0.8's update)" % name)

    def leave_ImportFrom(self, original, updated):
        if module_name(original) != "keras.optimizers" or isinstance(updated.names, cst.ImportStar):
            return updated
        moved, kept = [], []
        for alias in updated.names:
            name = alias.name.value
            legacy = spec.OPTIMIZER_ALIASES.get(name, name)
            if legacy not in spec.OPTIMIZER_SIGNATURES:
                kept.append(alias)
                continue
            asname = alias.asname or (cst.AsName(name=cst.Name(name)) if legacy != name else None)
            moved.append(alias.with_changes(name=cst.Name(legacy), asname=asname))
        if not moved:
            return updated
        ours = updated.with_changes(module=expr(spec.LEGACY_OPTIMIZERS_MODULE), names=last_comma_dropped(moved))
        if not kept:
            return ours
        for alias in moved:
            self.need_import(spec.LEGACY_OPTIMIZERS_MODULE, alias.name.value,
                             alias.asname.name.value if alias.asname is not None else None)
        return updated.with_changes(names=last_comma_dropped(kept))

    def leave_Call(self, original, updated):
        if method_name(original) == "compile":
            return self._compile_string(original, updated)
        name = _standalone_optimizer(self.names.resolve(original.func))
        if name is None:
            return updated
        call = updated
        if isinstance(call.func, cst.Attribute):
            self.need_import(spec.LEGACY_PACKAGE, "optimizers", LEGACY_OPTIMIZERS_LOCAL)
            call = call.with_changes(func=expr("%s.%s" % (LEGACY_OPTIMIZERS_LOCAL, name)))
        self._tell(original, name)
        lr = kwarg(call, "lr")
        if lr is not None and kwarg(call, "learning_rate") is None:
            call = call.with_changes(args=[a.with_changes(keyword=cst.Name("learning_rate")) if a is lr else a
                                           for a in call.args])
        return call

    def _compile_string(self, original, call):
        """``compile(optimizer='adam')`` -> ``compile(optimizer=Adam())`` with Keras 2.0.8's Adam."""
        if kwarg(call, "optimizer") is None and kwarg(call, "loss") is None:
            return call  # not Model.compile (re.compile, ...)
        if "keras" not in self.names.imported_roots():
            return call  # a tf.keras program's 'adam' is TensorFlow 2's
        args = list(call.args)
        for i, arg in enumerate(args):
            key = arg.keyword.value if arg.keyword is not None else None
            if key == "optimizer" or (i == 0 and key is None and not arg.star):
                value = literal(arg.value)
                name = spec.OPTIMIZER_ALIASES.get(value.lower()) if isinstance(value, str) else None
                if name is None:
                    return call
                bound = self.names.bound_to(name)
                if bound <= {spec.LEGACY_OPTIMIZERS_MODULE + "." + name}:
                    self.need_import(spec.LEGACY_OPTIMIZERS_MODULE, name)
                    new = cst.Call(func=cst.Name(name))
                else:  # the name is the program's own (or today's class): reach ours through the module
                    self.need_import(spec.LEGACY_PACKAGE, "optimizers", LEGACY_OPTIMIZERS_LOCAL)
                    new = expr("%s.%s()" % (LEGACY_OPTIMIZERS_LOCAL, name))
                self._tell(original, name)
                args[i] = arg.with_changes(value=new)
                return call.with_changes(args=args)
        return call
