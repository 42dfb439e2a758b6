"""Keras 2.0.8's layer defaults, stated where today's differ (kept by default; ``--modern-defaults`` opts out).

A 2017 program relied on its Keras's defaults: ``LSTM(64)`` gated with ``hard_sigmoid`` (slope
0.2), ``GRU(64)`` reset before the recurrent product, ``Flatten()`` flattened channels-first data
as it came. Today's Kerases default otherwise, so the migrated call states the 2017 value
(``spec.HARD_SIGMOID_GATES``, ``spec.LAYER_PINS``), and each pin is listed as a note. On Keras 3
the name ``'hard_sigmoid'`` itself changed meaning (slope 1/6): written out, it becomes
compat_attention's ``LEGACY_HARD_SIGMOID``. Only standalone ``keras`` imports are taken as Keras
2.0 code: ``tensorflow.keras`` and ``tf_keras`` programs are TensorFlow 2's already.
"""

import libcst as cst

from .. import spec
from .base import Rule, append_kwarg, expr, has_star, kwarg, literal, positionals

HARD_SIGMOID = "hard_sigmoid"
#: The Keras 1 name of ``recurrent_activation``.
KERAS1_GATE_ACTIVATION = "inner_activation"


def _given(call, argument, at, aliases=()):
    """Whether ``call`` passes ``argument`` (by keyword, an alias, or at position ``at``)."""
    if any(kwarg(call, name) is not None for name in (argument,) + tuple(aliases)):
        return True
    return at is not None and len(positionals(call)) > at


class LegacyLayerDefaults(Rule):
    """``LSTM(64)`` -> ``LSTM(64, recurrent_activation=LEGACY_HARD_SIGMOID)``, ``GRU(64, ..., reset_after=False)`` ..."""

    name = "legacy_layer_defaults"
    fact = ("Keras 2.0.8's layers had defaults that changed since: LSTM/GRU/ConvLSTM2D gates 'hard_sigmoid' (slope "
            "0.2; today 'sigmoid', and Keras 3's 'hard_sigmoid' has slope 1/6), GRU reset_after=False, Flatten and the "
            "1D layers always channels_last, BatchNormalization's moving variance biased.")
    semantics = "2017"
    triggers = (tuple(spec.HARD_SIGMOID_GATES) + tuple(spec.LAYER_PINS) + tuple(spec.PINNED_CLASS_ALIASES)
                + (HARD_SIGMOID,))

    def _standalone(self, expression):
        full = self.names.resolve(expression) or ""
        return full.startswith("keras.")

    def leave_Call(self, original, updated):
        symbol = self.callee_symbol(original)
        if symbol is None or not self._standalone(original.func):
            return updated
        if symbol in spec.TODAYS_SEMANTICS_CLASSES:
            return self._todays(original, updated, symbol)
        call = self._hard_sigmoid_values(original, updated) if self.target == "keras3" else updated
        if has_star(call):
            return call  # the argument may be in **kwargs
        name = spec.PINNED_CLASS_ALIASES.get(symbol, symbol)
        if name in spec.HARD_SIGMOID_GATES and not _given(call, "recurrent_activation", spec.HARD_SIGMOID_GATES[name],
                                                           (KERAS1_GATE_ACTIVATION,)):
            call = self._state(original, call, name, "recurrent_activation", spec.HARD_SIGMOID_2017[self.target],
                               "Keras 2.0.8's %s gates defaulted to 'hard_sigmoid' (slope 0.2); today's default is "
                               "'sigmoid'" % name)
        for argument, value, targets, at, was, now in spec.LAYER_PINS.get(name, ()):
            if self.target in targets and not _given(call, argument, at):
                call = self._state(original, call, name, argument, value, "%s; today %s" % (was, now))
        return call

    def _todays(self, original, call, name):
        """``CuDNNGRU(4)`` -> ``CuDNNGRU(4, recurrent_activation='sigmoid', reset_after=True)`` (renamed GRU next)."""
        if has_star(call):
            return call
        for argument, value in spec.TODAYS_SEMANTICS_CLASSES[name]:
            if kwarg(call, argument) is None:
                self.note(original, "%s(...) %s" % (name, argument), "%s computed with today's default; it becomes "
                          "a plain %s, which this tool would otherwise pin to Keras 2.0.8's" % (name, name[5:]),
                          "stated %s=%s" % (argument, value))
                call = append_kwarg(call, argument, expr(value))
        return call

    def _state(self, original, call, name, argument, value, why):
        if value == spec.HARD_SIGMOID_2017["keras3"]:
            self.need_import("compat_attention", value)
        self.note(original, "%s(...) %s" % (name, argument), why, "stated %s=%s" % (argument, value))
        return append_kwarg(call, argument, expr(value))

    def _hard_sigmoid_values(self, original, call):
        """Keras 3: a ``'hard_sigmoid'`` argument of a Keras layer becomes ``LEGACY_HARD_SIGMOID``."""
        args, changed = [], False
        for arg in call.args:
            if literal(arg.value) == HARD_SIGMOID:
                arg, changed = arg.with_changes(value=cst.Name(spec.HARD_SIGMOID_2017["keras3"])), True
                self.need_import("compat_attention", spec.HARD_SIGMOID_2017["keras3"])
                self.note(original, "'hard_sigmoid'", "Keras 2.0.8's hard_sigmoid had slope 0.2; Keras 3's has "
                          "slope 1/6", "stated LEGACY_HARD_SIGMOID (slope 0.2)")
            args.append(arg)
        return call.with_changes(args=args) if changed else call

    def leave_Attribute(self, original, updated):
        """Keras 3: ``activations.hard_sigmoid`` (Keras 2.0.8's, slope 0.2) -> ``LEGACY_HARD_SIGMOID``."""
        if self.target != "keras3" or original.attr.value != HARD_SIGMOID:
            return updated
        if self.names.resolve(original) != "keras.activations." + HARD_SIGMOID:
            return updated
        self.need_import("compat_attention", spec.HARD_SIGMOID_2017["keras3"])
        self.note(original, "activations.hard_sigmoid", "Keras 2.0.8's hard_sigmoid had slope 0.2; Keras 3's has "
                  "slope 1/6", "stated LEGACY_HARD_SIGMOID (slope 0.2)")
        return cst.Name(spec.HARD_SIGMOID_2017["keras3"])
