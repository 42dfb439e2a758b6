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
import re

import numpy as np
import pytest

from compat_attention import LEGACY_HARD_SIGMOID, errors, load_legacy_model, load_legacy_weights
from compat_attention._keras import flavour
from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops
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
_LOCALLY_CONNECTED_LAYOUTS = (
    "tf.keras LocallyConnected implementation=2/3 kernels (a masked dense matrix, or a sparse one's non-zero "
    "entries) are not converted to implementation=1's layout: refused in one typed line (UnsupportedVersionError)")
_UNDECIDED_LSTM = (
    "a save_weights file of keras_version 2.2.4-tf holding LSTMs only tells neither TensorFlow 1.13-1.15 "
    "(hard_sigmoid) nor 2.0 (sigmoid): load_legacy_weights refuses it naming both candidates, and the era's "
    "defaults cannot build the model")
KNOWN_GAPS = {
    ("tf_keras1_15", "locally_connected_implementation"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_1", "locally_connected"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_4", "locally_connected"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_14", "locally_connected"): _LOCALLY_CONNECTED_LAYOUTS,
    ("tf_keras2_0", "weights_lstm_default"): _UNDECIDED_LSTM,
    ("tf_keras2_0", "weights_bilstm_masked"): _UNDECIDED_LSTM,
}


def _tiers(manifest):
    """``case name -> tier`` for an era's cases that load (the CI budget runs every case on keras3
    only): ``"smoke"``, the case with the most layer classes (every env); ``"cover"``, the cases
    that, in manifest order, each bring a class no earlier one had (tf214, jax, torch: every class of
    every era on every backend and on the Keras 2 line); ``"full"``, the rest."""
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


#: ``(era, case) -> (backend, reason)``: known gaps of one backend only (strict xfails there).
_JAX_MHA = ("Keras 3.15's MultiHeadAttention on JAX (jax 0.10.2) fails this file's attention in its call (TypeError "
            "'cannot reshape array of shape (6, 4, 2, 1, 3) into shape (6, 4, 2, 2)' inside "
            "jax.nn.dot_product_attention's path); it loads, predict raises; TensorFlow and PyTorch match")
BACKEND_GAPS = {("tf_keras2_4", "multi_head_attention"): ("jax", _JAX_MHA),
                ("tf_keras2_14", "multi_head_attention"): ("jax", _JAX_MHA),
                ("tf_keras1_15", "layer_normalization"): ("torch", (
                    "Keras 3.15's LayerNormalization on PyTorch hands a non-last axis to torch's layer_norm, which "
                    "normalizes the last one ('Given normalized_shape=[5], expected input with shape [*, 5], but got "
                    "input of size [6, 5, 6]'): predict raises; TensorFlow and JAX match"))}


def _cases(expect, kind="model"):
    params = []
    for era, manifest in MANIFESTS.items():
        tiers = _tiers(manifest)
        for case in manifest["cases"]:
            if case["expect"] == expect and case.get("kind", "model") == kind:
                marks = list(_TIER_MARKS.get(tiers.get(case["name"]), []))
                if (era, case["name"]) in KNOWN_GAPS:
                    marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[(era, case["name"])], strict=True))
                backend, reason = BACKEND_GAPS.get((era, case["name"]), (None, None))
                if backend == keras.backend.backend():
                    marks.append(pytest.mark.xfail(reason=reason, strict=True))
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
    tol = case.get("tolerance", TOL)
    # Where an output is so large that float32 cannot resolve 1e-5 (one step at 647.9, activations_builtin's
    # exponential, is 6.1e-5), one float32 step of the stored value there: the finest agreement float32 has.
    excess = [np.abs(g.astype(np.float64) - w) - np.maximum(tol, np.spacing(np.abs(w).astype(np.float32)))
              for g, w in zip(got, want)]
    assert max(float(e.max()) for e in excess) <= 0, "%s/%s: max abs diff %.3g" % (era, case["name"], diff)


def _load_or_refused_by_this_keras(path, record_property):
    """The model, or None where the running Keras cannot compute a layer of the file as its era did and the
    loader refused it in one typed line saying so: a strided 'same' transposed convolution it shifts
    (``flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT`` False: Keras 3.5-3.14 on PyTorch), or an ``output_padding``
    holding a 0 it refuses (``TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING`` False: Keras 3.0-3.10). Any other
    refusal fails the test."""
    allowed = [words for flag, words in ((flavour.TRANSPOSED_CONV_SAME_PADDING_EXACT, "shifted by one pixel"),
                                         (flavour.TRANSPOSED_CONV_TAKES_ZERO_OUTPUT_PADDING, "refuses (a 0 in it)"))
               if not flag]
    if not allowed:
        return load_legacy_model(path)
    try:
        return load_legacy_model(path)
    except errors.UnsupportedVersionError as caught:
        assert str(caught).startswith(path)
        assert any(words in str(caught) for words in allowed), str(caught)
        record_property("refused_with", type(caught).__name__)
        return None


@pytest.mark.parametrize("era, case", _cases("match"))
def test_era_model_file_predicts_what_its_stack_predicted(era, case, record_property):
    model = _load_or_refused_by_this_keras(os.path.join(ERAS, era, case["file"]), record_property)
    if model is None:
        return
    stored = _stored(era, case)
    xs = [stored[k] for k in case["inputs"]]
    _compare(era, case, numbers(model, xs[0] if len(xs) == 1 else xs), record_property)


def _compiled_cases():
    params = []
    for param in _cases("match"):
        era, case = param.values
        if case.get("compiled"):
            params.append(pytest.param(era, case, id=param.id, marks=list(param.marks)))
    return params


#: Optimizer classes whose next step the running Keras computes as Keras 2 did (MIGRATION.md: RMSprop and
#: Adagrad divide by sqrt(a + eps): measured 4.5e-4 and 7.3e-6 on keras2_3), and the eras whose stored after-step weights the stack's own reload reproduces (keras2_1/2_2's
#: were taken from the in-memory model, which TF 1.8/1.12's racing update ops put elsewhere: Keras 2.2.4's
#: own reload of compiled_adam.h5 is 2.3e-4 away from them, and so is ours; see their READMEs).
SAME_STEP = ("Adam", "Adamax", "Adadelta", "SGD", "Nadam")
AFTER_STEP_ERAS = ("keras2_3", "tf_keras1_15", "tf_keras2_0", "tf_keras2_1", "tf_keras2_4", "tf_keras2_14")

#: Measured on keras2_3 (Keras 3.15): at most 8.2e-8 (float32 rounding of one step).
STEP_TOL = 1e-6

#: Files whose stack could not resume them exactly itself: ``(era, case) -> how far the stack's own reload's
#: step landed`` (the era's README). tf.keras 2.14's Nadam keeps its running momentum product in a
#: ``tf.Variable`` outside ``optimizer.variables``, never saved: its own reload is 0.0063 away; ours, the
#: product rebuilt from the iteration count, must do no worse (measured 8.2e-4 on Keras 3.15).
STACK_RELOAD_STEP = {("tf_keras2_14", "compiled_nadam"): 0.0063}


def brier(y_true, y_pred):
    """The squared error summed over the classes (the generators' custom loss)."""
    d = y_pred - ops.convert_to_tensor(y_true)  # torch: train_on_batch hands y_true over as NumPy
    return ops.sum(d * d, axis=-1)


def true_class_prob(y_true, y_pred):
    """The probability given to the true class (the generators' custom metric)."""
    return ops.sum(ops.convert_to_tensor(y_true) * y_pred, axis=-1)


#: The custom loss and metric the generators' ``compiled_custom_loss_metric`` cases name.
CUSTOM_TRAINING_OBJECTS = {"brier": brier, "true_class_prob": true_class_prob}

@pytest.mark.parametrize("era, case", _compiled_cases())
def test_era_compiled_file_resumes_with_its_optimizer_state(era, case):
    path = os.path.join(ERAS, era, case["file"])
    stored = read_legacy_file(path, optimizer_weights=True).optimizer_weights
    model = load_legacy_model(path, compile=True, custom_objects=CUSTOM_TRAINING_OBJECTS)
    class_name = type(model.optimizer).__name__
    if re.search(r"(^|/)(iterations|iter|iteration):0$", stored[0][0]):
        assert int(np.asarray(model.optimizer.iterations)) == int(stored[0][1]) > 0
    first_slot = next((a for _, a in stored if a.ndim and np.any(a)), None)
    # SGD without momentum: tf.keras stores no slot; Keras 2.1-2.3 stored its moments, which today's SGD does not keep
    if first_slot is not None and (class_name != "SGD" or float(model.optimizer.momentum)):
        variables = model.optimizer.variables  # a method on tf.keras 2.11-2.15's optimizers
        assert any(np.array_equal(np.asarray(v), first_slot) for v in (variables() if callable(variables) else variables))
    if era in AFTER_STEP_ERAS and class_name in SAME_STEP:
        data = _stored(era, case)
        model.train_on_batch(data["train_x0"], data["train_y0"])
        diff = max(float(np.abs(w - data["after_step_w%d" % i]).max()) for i, w in enumerate(model.get_weights()))
        tol = STACK_RELOAD_STEP.get((era, case["name"]), STEP_TOL)
        assert diff <= tol, "%s/%s: the resumed step is %.3g away" % (era, case["name"], diff)


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
