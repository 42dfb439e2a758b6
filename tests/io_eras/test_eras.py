"""Every legacy era's genuine files (``legacy_reference/eras/<era>/``), each with its own numbers.

Each era folder was written by one genuine stack (Keras 1.2.2, 2.1.6, 2.2.4, 2.3.1, tf.keras of
TF 1.15, 2.0, 2.1, 2.4, 2.14; see each folder's README.md and ``legacy_reference/generate/``) and
records, per case, the inputs fed and the outputs that stack computed. Here, on the running Keras:

* a ``match`` model file loads with ``load_legacy_model`` and predicts the stored outputs within
  1e-5 (or the case's own ``tolerance``, recorded by its generator for mixed precision);
* a ``refuse`` file raises the named typed ``LegacyFileError``, in one line starting with the path;
* a weights-only file (``kind: weights``) loads with ``load_legacy_weights`` into the model its
  ``modern_keras_code`` builds with today's defaults when those compute what the era's defaults
  computed, and is otherwise refused in one line naming the setting to pass (see ``test_targets``);
* a compiled file loads with ``compile=True``.

The property ``max_abs_diff`` goes to the junit report, as for the Keras 2.0.8 zoo.
"""

import json
import os

import numpy as np
import pytest

from compat_attention import errors, load_legacy_model
from support.harness import numbers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ERAS = os.path.join(ROOT, "legacy_reference", "eras")
TOL = 1e-5


def _manifests():
    found = {}
    for era in sorted(os.listdir(ERAS)):
        path = os.path.join(ERAS, era, "manifest.json")
        if os.path.isfile(path):
            with open(path) as handle:
                found[era] = json.load(handle)
    return found


MANIFESTS = _manifests()

#: ``(era, case) -> reason`` for cases that fail today for a known reason (strict xfails: they flip
#: to failures when fixed, so the list stays true).
KNOWN_GAPS = {}


def _cases(expect, kind="model"):
    params = []
    for era, manifest in MANIFESTS.items():
        for case in manifest["cases"]:
            if case["expect"] == expect and case.get("kind", "model") == kind:
                marks = [pytest.mark.xfail(reason=KNOWN_GAPS[(era, case["name"])], strict=True)] \
                    if (era, case["name"]) in KNOWN_GAPS else []
                params.append(pytest.param(era, case, id="%s/%s" % (era, case["name"]), marks=marks))
    return params


def _stored(era, case):
    return np.load(os.path.join(ERAS, era, case["io"]))


def _our_layout(case, want):
    """A stored output in this package's layout: the legacy AttentionDecoder's ``return_probabilities``
    arrays were (B, T, T, 1) as K.rnn stacked them; ours are the declared (B, T, T) (MIGRATION.md)."""
    return want[..., 0] if case.get("attention_decoder") and want.ndim == 4 and want.shape[-1] == 1 else want


def _compare(era, case, got, record_property):
    stored = _stored(era, case)
    want = [_our_layout(case, stored[k]) for k in case["outputs"]]
    assert [g.shape for g in got] == [w.shape for w in want]
    diff = max(float(np.abs(g.astype(np.float64) - w).max()) for g, w in zip(got, want))
    record_property("max_abs_diff", diff)
    assert diff <= case.get("tolerance", TOL), "%s/%s: max abs diff %.3g" % (era, case["name"], diff)


@pytest.mark.parametrize("era, case", _cases("match"))
def test_era_model_file_predicts_what_its_stack_predicted(era, case, record_property):
    model = load_legacy_model(os.path.join(ERAS, era, case["file"]))
    stored = _stored(era, case)
    xs = [stored[k] for k in case["inputs"]]
    _compare(era, case, numbers(model, xs[0] if len(xs) == 1 else xs), record_property)


def _compiled_cases():
    return [p for p in _cases("match") if p.values[1].get("compiled")]


#: Optimizer classes whose next step the running Keras computes as Keras 2 did (MIGRATION.md: RMSprop and
#: Adagrad divide by sqrt(a + eps), Nadam warms its momentum as 0.96 ** t: measured 4.5e-4, 7.3e-6, 4.7e-4 on
#: keras2_3), and the eras whose stored after-step weights the stack's own reload reproduces (keras2_1/2_2's
#: were taken from the in-memory model, which TF 1.8/1.12's racing update ops put elsewhere: Keras 2.2.4's
#: own reload of compiled_adam.h5 is 2.3e-4 away from them, and so is ours; see their READMEs).
SAME_STEP = ("Adam", "Adamax", "Adadelta", "SGD")
AFTER_STEP_ERAS = ("keras2_3",)

#: Measured on keras2_3 (Keras 3.15 and tf.keras 2.14): at most 6e-8 (float32 rounding of one step).
STEP_TOL = 1e-6


@pytest.mark.parametrize("era, case", _compiled_cases())
def test_era_compiled_file_resumes_with_its_optimizer_state(era, case):
    from compat_attention.io.h5file import read_legacy_file

    path = os.path.join(ERAS, era, case["file"])
    model = load_legacy_model(path, compile=True)
    stored = read_legacy_file(path, optimizer_weights=True).optimizer_weights
    class_name = type(model.optimizer).__name__
    if "iterations" in stored[0][0]:
        assert int(np.asarray(model.optimizer.iterations)) == int(stored[0][1])
    first_slot = next(a for _, a in stored if a.ndim and np.any(a))
    if class_name != "SGD" or float(model.optimizer.momentum):  # SGD(momentum=0) keeps no slots today
        assert any(np.array_equal(np.asarray(v), first_slot) for v in model.optimizer.variables)
    if era in AFTER_STEP_ERAS and class_name in SAME_STEP:
        data = _stored(era, case)
        model.train_on_batch(data["train_x0"], data["train_y0"])
        diff = max(float(np.abs(w - data["after_step_w%d" % i]).max()) for i, w in enumerate(model.get_weights()))
        assert diff <= STEP_TOL, "%s/%s: the resumed step is %.3g away" % (era, case["name"], diff)


@pytest.mark.parametrize("era, case", _cases("refuse"))
def test_era_refusal_is_one_typed_line_naming_the_file(era, case, record_property):
    path = os.path.join(ERAS, era, case["file"])
    with pytest.raises(errors.LegacyFileError) as caught:
        load_legacy_model(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(path)
    assert type(caught.value).__name__ == case["error"]
    record_property("refused_with", type(caught.value).__name__)


def test_every_era_folder_is_from_its_own_stack_and_small():
    assert MANIFESTS, "no era folders under %s" % ERAS
    for era, manifest in MANIFESTS.items():
        assert manifest["versions"]["keras"], era
        names = [case["name"] for case in manifest["cases"]]
        assert len(names) == len(set(names)), era
        size = sum(os.path.getsize(os.path.join(ERAS, era, f)) for f in os.listdir(os.path.join(ERAS, era)))
        assert size < 3 * 1024 * 1024, (era, size)


def test_every_layer_class_an_era_added_has_a_case_or_a_reason():
    """Each class the era's ``keras.layers`` has beyond Keras 2.0.8's (which the zoo covers) is in a
    case, or named in the manifest's ``uncovered`` (class -> why no case: cannot be saved to .h5 there,
    needs data outside the model, ...)."""
    with open(os.path.join(ROOT, "legacy_reference", "zoo", "manifest.json")) as handle:
        keras_2_0_8 = set(json.load(handle)["keras_layer_classes"])
    for era, manifest in MANIFESTS.items():
        covered = set()
        for case in manifest["cases"]:
            covered.update(case["classes"])
        added = set(manifest.get("keras_layer_classes", ())) - keras_2_0_8
        missing = sorted(added - covered - set(manifest.get("uncovered", {})))
        assert not missing, "%s: layer classes without a case (and no reason in 'uncovered'): %s" % (era, missing)
