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

from compat_attention import LEGACY_HARD_SIGMOID, errors, load_legacy_model, load_legacy_weights
from compat_attention._keras.flavour import keras
from compat_attention.io.h5file import read_legacy_file
from compat_attention.io.loader import pick_source
from compat_attention.layers import recurrent
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


def _tiers(manifest):
    """``case name -> tier`` for an era's cases that load (the CI budget runs every case on keras3 and
    tf214 only): ``"smoke"``, the case with the most layer classes (every env); ``"cover"``, the cases
    that, in manifest order, each bring a class no earlier one had (the principal envs: every class of
    every era on every backend); ``"full"``, the rest."""
    loading = [case for case in manifest["cases"] if case["expect"] == "match"]
    if not loading:
        return {}
    smoke = max(loading, key=lambda case: len(set(case["classes"])))
    tiers, seen = {smoke["name"]: "smoke"}, set(smoke["classes"])
    for case in loading:
        new = set(case["classes"]) - seen
        seen |= new
        tiers.setdefault(case["name"], "cover" if new else "full")
    return tiers


_TIER_MARKS = {"cover": [pytest.mark.eras_cover], "full": [pytest.mark.eras_full]}


def _cases(expect, kind="model"):
    params = []
    for era, manifest in MANIFESTS.items():
        tiers = _tiers(manifest)
        for case in manifest["cases"]:
            if case["expect"] == expect and case.get("kind", "model") == kind:
                marks = list(_TIER_MARKS.get(tiers.get(case["name"]), []))
                if (era, case["name"]) in KNOWN_GAPS:
                    marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[(era, case["name"])], strict=True))
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


class _Namespace(object):
    """``base`` with some attributes replaced: what ``modern_keras_code`` sees as ``keras``/``keras.layers``."""

    def __init__(self, base, **replaced):
        self._base, self._replaced = base, replaced

    def __getattr__(self, name):
        return self._replaced[name] if name in self._replaced else getattr(self._base, name)


def _era_recurrent(kind, defaults):
    """``kind`` (LSTM/GRU/SimpleRNN) built to compute what the era's did where the code does not say."""
    cls = getattr(recurrent, "Legacy" + kind) if defaults.get("masked_steps") == "repeat" \
        else getattr(keras.layers, kind)
    preset = {"activation": defaults["activation"]}
    if kind != "SimpleRNN":
        preset["recurrent_activation"] = defaults["recurrent_activation"]
    if kind == "GRU":
        preset["reset_after"] = defaults["reset_after"]
    preset = {k: LEGACY_HARD_SIGMOID if v == "hard_sigmoid" else v for k, v in preset.items()}
    return lambda *args, **kwargs: cls(*args, **dict(preset, **kwargs))


def _build(case, keras_module):
    scope = {"keras": keras_module}
    exec(compile(case["modern_keras_code"], "<%s modern_keras_code>" % case["name"], "exec"), scope)  # our manifest
    return scope["model"]


@pytest.mark.parametrize("era, case", _cases("match", kind="weights"))
def test_era_weights_file_loads_into_todays_model_or_is_refused_naming_the_setting(era, case, record_property):
    if "modern_keras_code" not in case:
        pytest.skip("%s's manifest gives no modern_keras_code for %s" % (era, case["name"]))
    path = os.path.join(ERAS, era, case["weights_file"])
    stored = _stored(era, case)
    xs = [stored[k] for k in case["inputs"]]
    try:
        model = load_legacy_weights(_build(case, keras), path)
    except errors.WeightMismatchError as refusal:
        # today's defaults compute something else than the era's: refused in one line naming the setting;
        # built with the era's settings, the same code loads and matches
        message = str(refusal)
        assert "\n" not in message and message.startswith(path)
        assert any(word in message for word in ("recurrent_activation", "activation", "reset_after", "Legacy"))
        legacy = read_legacy_file(path)
        defaults = pick_source(legacy).recurrent_defaults(legacy.keras_version)
        layers = _Namespace(keras.layers, **{kind: _era_recurrent(kind, defaults) for kind in ("LSTM", "GRU",
                                                                                             "SimpleRNN")})
        model = load_legacy_weights(_build(case, _Namespace(keras, layers=layers)), path)
        record_property("refused_with_todays_defaults", message)
    _compare(era, case, numbers(model, xs[0] if len(xs) == 1 else xs), record_property)


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


def test_the_era_tiers_still_cover_every_class_of_every_era():
    """The principal envs run the smoke and cover cases only: together they hold every class a
    loading case of the era holds, so no class goes untested on any backend."""
    for era, manifest in MANIFESTS.items():
        tiers = _tiers(manifest)
        loading = [case for case in manifest["cases"] if case["expect"] == "match"]
        everything = set().union(*(case["classes"] for case in loading)) if loading else set()
        covered = set().union(*(case["classes"] for case in loading if tiers[case["name"]] != "full")) \
            if loading else set()
        assert covered == everything, (era, sorted(everything - covered))
        assert sum(tier == "smoke" for tier in tiers.values()) == (1 if loading else 0), era
