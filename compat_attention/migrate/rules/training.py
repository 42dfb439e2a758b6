"""The Keras 2.0 training API: ``*_generator`` methods, ``nb_epoch``, worker arguments, ``predict_classes``."""

import libcst as cst

from .. import spec
from .base import Rule, drop_kwargs, has_star, kwarg, literal, method_name, rename_kwargs, to_keywords


class GeneratorMethods(Rule):
    """``model.fit_generator(gen, 100, 5)`` -> ``model.fit(gen, steps_per_epoch=100, epochs=5)``."""

    name = "generator_methods"
    fact = ("fit_generator/predict_generator/evaluate_generator were deprecated in TF 2.1 and removed in Keras 3; "
            "fit/predict/evaluate take the generator (Keras 1 and 2.0 also spelled nb_epoch, max_q_size, "
            "pickle_safe, nb_worker).")
    triggers = tuple(spec.GENERATOR_SIGNATURES) + ("nb_epoch",)

    def leave_Call(self, original, updated):
        method = method_name(original)
        if method in spec.GENERATOR_SIGNATURES:
            return self._generator(original, updated, method)
        if method in spec.TRAINING_METHODS and kwarg(updated, "nb_epoch") is not None:
            return rename_kwargs(updated, spec.TRAINING_KWARG_RENAMES)
        return updated

    def _generator(self, original, call, method):
        for old, new in spec.KERAS1_SAMPLE_COUNTS.items():
            if kwarg(call, old) is not None:
                self.report(original, "%s(%s=...)" % (method, old),
                            "Keras 1 counted samples; Keras 2 counts batches (%s)" % new,
                            "replace it with %s=<samples // batch_size> (ceil for a partial last batch)" % new)
                return call
        if has_star(call):
            self.report(original, "%s(*args/**kwargs)" % method, "the arguments cannot be mapped by position",
                        "call %s(...) by hand" % method.replace("_generator", ""))
            return call
        new = to_keywords(call, spec.GENERATOR_SIGNATURES[method], keep=1)
        if new is None:
            self.report(original, "%s(...)" % method, "more positional arguments than Keras 2.0 had",
                        "pass them by keyword")
            return call
        new = rename_kwargs(new, dict(spec.TRAINING_KWARG_RENAMES, generator="x"))
        return new.with_changes(func=new.func.with_changes(attr=cst.Name(method.replace("_generator", ""))))


class ParallelismArguments(Rule):
    """Drop ``workers``/``use_multiprocessing``/``max_queue_size`` from fit/evaluate/predict."""

    name = "parallelism_arguments"
    fact = ("workers=, use_multiprocessing= and max_queue_size= only set how batches were produced in parallel; "
            "Keras 3's fit/evaluate/predict reject them (a PyDataset takes them instead).")
    targets = ("keras3",)
    triggers = tuple(sorted(spec.PARALLELISM_KWARGS))

    def leave_Call(self, original, updated):
        if method_name(updated) not in spec.TRAINING_METHODS \
                or not any(kwarg(updated, k) for k in spec.PARALLELISM_KWARGS):  # fit_generator made fit counts
            return updated
        return drop_kwargs(updated, spec.PARALLELISM_KWARGS)


class SampleWeightMode(Rule):
    """Drop ``sample_weight_mode='temporal'``/``None`` from ``compile``."""

    name = "sample_weight_mode"
    fact = ("compile(sample_weight_mode='temporal') told Keras 2 to accept per-step weights; Keras 3 accepts "
            "them without it and rejects the argument.")
    targets = ("keras3",)
    triggers = ("sample_weight_mode",)

    def leave_Call(self, original, updated):
        arg = kwarg(updated, "sample_weight_mode") if method_name(original) == "compile" else None
        if arg is None:
            return updated
        if literal(arg.value) not in spec.SAMPLE_WEIGHT_MODES_IMPLIED:
            self.report(original, "compile(sample_weight_mode=...)", "Keras 3 has no sample_weight_mode",
                        "remove it; pass sample weights shaped like the targets' leading axes to fit()")
            return updated
        return drop_kwargs(updated, {"sample_weight_mode"})


class PredictClasses(Rule):
    """``model.predict_classes(x)`` -> ``predict_classes(model, x)``."""

    name = "predict_classes"
    fact = ("Sequential.predict_classes/predict_proba were removed in TF 2.6 and Keras 3; "
            "compat_attention.legacy provides them as functions of the model.")
    triggers = spec.PREDICT_METHODS

    def leave_Call(self, original, updated):
        method = method_name(original)
        if method not in spec.PREDICT_METHODS:
            return updated
        if method == "predict_proba" and self.names.imported_roots() & set(spec.OTHER_LIBRARIES):
            self.report(original, ".predict_proba(...)", "this file also uses %s, whose models keep predict_proba"
                        % "/".join(spec.OTHER_LIBRARIES), "for a Keras model write predict_proba(model, x) with "
                        "`from compat_attention.legacy import predict_proba`")
            return updated
        self.need_import(spec.LEGACY_PACKAGE, method)
        first = cst.Arg(value=updated.func.value)
        return updated.with_changes(func=cst.Name(method), args=[first] + list(updated.args))


def _single_key_dict(node):
    return isinstance(node, cst.Dict) and len(node.elements) == 1 and isinstance(
        getattr(node.elements[0], "key", None), (cst.SimpleString, cst.ConcatenatedString))


class DictTargets(Rule):
    """Report ``yield inputs, {'ctc': y}`` and ``fit(x, {'ctc': y})``: the data decides, not the source."""

    name = "dict_targets"
    fact = ("Keras 2 matched targets given as {'output_name': array} to a single-output model (the CTC recipe); "
            "Keras 3 cannot, and fails with 'Expected float32, but got <name> of type str'.")
    targets = ("keras3",)
    triggers = ("{",)  # a dict display

    def _tell(self, node):
        self.report(node, "targets given as a one-key dict", "Keras 3 does not match a dict of targets to a "
                    "single-output model", "pass the array itself (e.g. np.zeros([batch_size])) unless the "
                    "model was built with outputs={'name': tensor}")

    def _one_key_dict(self, value):
        """A one-key dict display, or a name this file assigned one to (``outputs = {'ctc': ...}``)."""
        return _single_key_dict(value) or (isinstance(value, cst.Name) and value.value in self._dict_names)

    def visit_Module(self, node):
        self._dict_names = set()

    def visit_Assign(self, node):
        if _single_key_dict(node.value):
            self._dict_names.update(t.target.value for t in node.targets if isinstance(t.target, cst.Name))

    def visit_Yield(self, node):
        if isinstance(node.value, cst.Tuple) and len(node.value.elements) >= 2 \
                and self._one_key_dict(node.value.elements[1].value):
            self._tell(node)

    def visit_Return(self, node):
        if isinstance(node.value, cst.Tuple) and len(node.value.elements) >= 2 \
                and self._one_key_dict(node.value.elements[1].value):
            self._tell(node)

    def visit_Call(self, node):
        if method_name(node) not in spec.TARGET_METHODS:
            return
        target = kwarg(node, "y")
        args = [a for a in node.args if a.keyword is None and not a.star]
        if target is None and len(args) >= 2:
            target = args[1]
        if target is not None and _single_key_dict(target.value):
            self._tell(node)
