"""The differential proof: each migrated corpus program computes what it computed on Keras 2.0.8.

``legacy_reference/corpus/`` holds, per program of ``tests/migrate_corpus/``, what the ORIGINAL
program computed on the real Keras 2.0.8 + TensorFlow 1.3 stack (``generate/record_corpus.py``):
from fixed initial weights, its predictions on its first training batch and its first 3
``train_on_batch`` steps. Here the corpus is migrated (``migrate --write --out``, as in
``test_corpus.py``) and each migrated program runs under ``legacy_reference/corpus_harness.py`` on
the installed Keras, from the same weights on the same batches, in one subprocess. Dropout is set
to 0 on both sides (two Kerases' dropout masks cannot be compared).

Tolerances, and why (all numbers measured; float32 everywhere):

* Predictions: max abs diff <= 1e-5 (what issue 25 asks). With 2017's values pinned by hand in a
  copy of the migrated programs (``legacy_reference/generate/measure_pinned_corpus.py``: what item
  4 will do), the largest diff was 5.7e-06 (speech_ctc's CTC losses, values near 25), every other
  program <= 1.2e-07, on Keras 3.15 and on tf.keras 2.14.
* Training steps: compared with the recording's ``ordered`` run, not its ``raced`` one. On
  TensorFlow 1.3, Keras 2.0.8's update ops read the variables without ordering, so one
  ``train_on_batch`` may take a layer's gradient through the next layer's already updated kernel.
  The recorder ran each program both ways (``raced``: as 2.0.8 does; ``ordered``: every update op
  waits for every new value of the step, the exact-gradient step of 2.0.8's formulas). Measured
  difference on the weights after step 1 (manifest ``ordering_effect_per_step``): Adam 1.6e-03
  (attention_lstm_3d), 2.0e-02 (german_english_nmt, nmt_dates); RMSprop 3.2e-02
  (text_attention_pooling), 6.3e-02 (echo_generator); Adagrad 2.0e-02 (cnn_text_keras1); SGD 0
  (speech_ctc); means over all weights 8.8e-06 to 1.4e-03. Far above float32 rounding, and an
  artefact of TensorFlow 1.3 that no Keras today reproduces (nor should): with the semantics
  pinned, attention_lstm_3d's steps land 6.0e-08 from ``ordered`` and 1.7e-03 from ``raced``.
  What is left is float32 rounding, amplified where an adaptive optimizer divides a gradient that
  cancels to about epsilon by ``sqrt(a) + epsilon``: a few elements move by part of a step. So:

  - every weight within ``WEIGHT_MAX`` = 2e-4 after each step: the largest measured with the
    semantics pinned (and, for RMSprop, Adagrad and Keras 3's sparse updates, Keras 2.0.8's update
    formula in a diagnostic optimizer: ``--formula``) was 8.9e-05 (echo_generator, RMSprop, Keras
    3; 1.1e-05 on tf.keras 2.14), 6.7e-05 (cnn_text_keras1, Adagrad), <= 2.1e-06 for the rest;
    the 2.0.8 stack's own noise on the same step (its batch rows reversed: manifest
    ``float32_noise_per_step``) reaches 8.1e-05 (echo_generator);
  - the mean abs diff over all weights within ``WEIGHT_MEAN`` = 1e-6: measured <= 1.3e-07 pinned,
    <= 8.4e-08 for the 2.0.8 stack's own noise, >= 8.8e-06 for the ordering effect;
  - each loss within ``LOSS_RTOL`` = 1e-5 relative (of max(1, |loss|)): measured pinned <= 4.8e-07
    on losses below 3, 3.8e-06 on speech_ctc's loss of 25.

Every program matches: ``migrate`` keeps Keras 2.0.8's semantics by default (issue 25 item 4:
``recurrent_activation`` 'hard_sigmoid' of slope 0.2, GRU ``reset_after=False``, and
``compat_attention.legacy.optimizers``, which computes 2.0.8's updates: RMSprop/Adagrad's
``g / (sqrt(a) + epsilon)``, epsilon 1e-8, Adagrad's zero accumulator, SGD's global ``clipnorm``,
an Embedding's sparse gradient summed before it is squared). Measured on Keras 3.15 (TF 2.21),
migrated with those pins: predictions <= 1.2e-07 except speech_ctc 5.7e-06; steps' weights max
6.6e-05 (echo_generator, RMSprop), 4.7e-05 (cnn_text_keras1, Adagrad), <= 1.7e-06 for the rest,
means <= 1.1e-07, losses <= 3.8e-06 (speech_ctc's loss of 25); on tf.keras 2.14: predictions
<= 1.2e-07 except speech_ctc 1.9e-06, steps' weights max 6.7e-05 (cnn_text_keras1), 4.8e-05
(echo_generator), <= 2.2e-06 for the rest, losses <= 1.9e-06. Before the pins, 13 cases were
strict xfails (today's sigmoid gates: predictions 9.1e-05 to 3.8e-04; GRU reset_after=True: 2017's
weights did not fit; optimizer defaults and formulas: steps 1.9e-03 to 1.4e-01); with
``--modern-defaults`` they differ so again.
"""

import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from legacy_reference.corpus_harness import load_record
from test_corpus import CORPUS, PROGRAMS, ROOT, _cli, _env

REFERENCE = os.path.join(ROOT, "legacy_reference", "corpus")
PREDICTION_MAX = 1e-5
WEIGHT_MAX = 2e-4
WEIGHT_MEAN = 1e-6
LOSS_RTOL = 1e-5

def _manifest():
    with open(os.path.join(REFERENCE, "manifest.json")) as handle:
        return json.load(handle)


def _leaves(value):
    """The arrays of a nested dict/list, in a fixed order."""
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [] if value is None else [np.asarray(value)]


def _abs_diffs(ours, theirs):
    return np.concatenate([np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).ravel()
                           for a, b in zip(ours, theirs)])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Migrate the corpus, run every program under the harness in one subprocess; the output folder."""
    migrated = tmp_path_factory.mktemp("migrated")
    assert _cli(CORPUS, "--write", "--out", str(migrated), "--target", "auto") == 0
    work, out = tmp_path_factory.mktemp("work"), tmp_path_factory.mktemp("records")
    result = subprocess.run([sys.executable, "-m", "legacy_reference.corpus_harness", str(migrated), str(work),
                             str(out), REFERENCE] + PROGRAMS, env=_env(), capture_output=True, text=True,
                            timeout=900, cwd=ROOT)
    return out, result


def _run_of(runs, name):
    """The harness's record of ``name`` on the installed Keras (asserting it ran to its first step)."""
    out, result = runs
    error = os.path.join(str(out), name + ".error")
    assert not os.path.exists(error), open(error).read()
    path = os.path.join(str(out), name + ".npz")
    assert os.path.exists(path), result.stdout[-3000:] + result.stderr[-3000:]
    return load_record(path)


def _trained(runs, name):
    run = _run_of(runs, name)
    assert "error" not in run["meta"], run["meta"]["error"]
    return run


def test_every_corpus_program_is_recorded_intact():
    manifest = _manifest()
    assert sorted(manifest["programs"]) == sorted(PROGRAMS)
    assert manifest["versions"]["keras"] == "2.0.8" and manifest["versions"]["tensorflow"] == "1.3.0"
    for name in PROGRAMS:
        with open(os.path.join(REFERENCE, name + ".npz"), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == manifest["programs"][name]["file"]["sha256"], name


@pytest.mark.parametrize("name", PROGRAMS)
def test_recording_holds_the_measured_ordering_effect(name):
    """The raced and ordered runs start from the same weights (the same first loss); their first
    steps differ by what the manifest says, and by 0 or by far more than the steps' tolerance."""
    recorded, entry = load_record(os.path.join(REFERENCE, name + ".npz")), _manifest()["programs"][name]
    raced, ordered = recorded["steps"]["raced"], recorded["steps"]["ordered"]
    assert raced["losses"][0] == ordered["losses"][0]
    effect = _abs_diffs(raced["weights_after_step"][0], ordered["weights_after_step"][0])
    assert float(effect.max()) == entry["ordering_effect_per_step"][0]["weights_max_abs"]
    assert effect.max() == 0 or (effect.max() > 5 * WEIGHT_MAX and effect.mean() > 5 * WEIGHT_MEAN)
    noise = max(step["weights_max_abs"] for step in entry["float32_noise_per_step"])
    assert noise < WEIGHT_MAX / 2


@pytest.mark.corpus
@pytest.mark.parametrize("name", PROGRAMS)
def test_migrated_program_feeds_the_recorded_data(runs, name):
    recorded, run = load_record(os.path.join(REFERENCE, name + ".npz")), _run_of(runs, name)
    ours, theirs = _leaves(run["batches"]), _leaves(recorded["batches"])
    assert [a.shape for a in ours] == [b.shape for b in theirs]
    assert all(np.array_equal(a, b) for a, b in zip(ours, theirs))
    if "error" not in run["meta"]:
        assert run["meta"]["dropout_set_to_zero"] == recorded["meta"]["dropout_set_to_zero"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", PROGRAMS)
def test_migrated_program_predicts_what_keras_2_0_8_did(runs, name, record_property):
    recorded, run = load_record(os.path.join(REFERENCE, name + ".npz")), _trained(runs, name)
    diff = float(_abs_diffs(_leaves(run["predictions"]), _leaves(recorded["predictions"])).max())
    record_property("prediction_max_abs_diff", diff)
    print("\n%s predictions: max abs diff %.2e" % (name, diff))
    assert diff <= PREDICTION_MAX


@pytest.mark.corpus
@pytest.mark.parametrize("name", PROGRAMS)
def test_migrated_program_trains_as_keras_2_0_8_did(runs, name, record_property):
    recorded, run = load_record(os.path.join(REFERENCE, name + ".npz")), _trained(runs, name)
    ordered, raced = recorded["steps"]["ordered"], recorded["steps"]["raced"]
    losses, weights = [], []
    for step, (ours, theirs) in enumerate(zip(run["weights_after_step"], ordered["weights_after_step"])):
        diffs = _abs_diffs(ours, theirs)
        weights.append((float(diffs.max()), float(diffs.mean())))
        losses.append(abs(float(run["losses"][step]) - float(ordered["losses"][step])))
    to_raced = float(_abs_diffs(run["weights_after_step"][0], raced["weights_after_step"][0]).max())
    record_property("step_weights_max_abs_diff", [w[0] for w in weights])
    record_property("step_loss_abs_diff", losses)
    print("\n%s steps vs Keras 2.0.8 (ordered): loss %s; weights max %s, mean %s; step 1 vs raced: %.2e" % (
        name, " ".join("%.1e" % v for v in losses), " ".join("%.1e" % w[0] for w in weights),
        " ".join("%.1e" % w[1] for w in weights), to_raced))
    for step, loss in enumerate(ordered["losses"]):
        assert losses[step] <= LOSS_RTOL * max(1.0, abs(float(loss))), (step, losses)
    assert max(w[0] for w in weights) <= WEIGHT_MAX, weights
    assert max(w[1] for w in weights) <= WEIGHT_MEAN, weights
