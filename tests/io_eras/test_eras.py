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
_LOCALLY_CONNECTED_LAYOUTS = (
    "tf.keras LocallyConnected implementation=2/3 kernels (a masked dense matrix, or a sparse one's non-zero "
    "entries) are not converted to implementation=1's layout: refused in one typed line (UnsupportedVersionError)")
KNOWN_GAPS = {
    ("tf_keras1_15", "locally_connected_implementation"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_1", "locally_connected"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_4", "locally_connected"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_14", "locally_connected"): _LOCALLY_CONNECTED_LAYOUTS,
}


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


def _compare(era, case, got, record_property):
    stored = _stored(era, case)
    want = [stored[k] for k in case["outputs"]]
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
