"""Measure how close the migrated corpus gets to Keras 2.0.8 once 2017's semantics are pinned by hand.

A diagnostic for the tolerances of ``tests/migrate/test_corpus_differential.py`` (and a target
list for issue 25 item 4); CI never runs it. It migrates ``tests/migrate_corpus/`` with the
installed Keras, then edits the migrated copies where today's defaults differ from Keras 2.0.8's
(``PINS``: LSTM/GRU ``recurrent_activation``, GRU ``reset_after``, optimizer epsilons, Adagrad's
initial accumulator, ``clipnorm`` -> ``global_clipnorm``). With ``--formula`` it also swaps the
optimizers whose update no hyperparameter can pin (``FORMULAS``: RMSprop's and Adagrad's
``sqrt(a) + epsilon``; Keras 3's slice-by-slice squares of an Embedding's sparse gradient) for
small subclasses computing Keras 2.0.8's formula on the dense gradient. Each pinned program then
runs under ``corpus_harness`` from the recorded weights, and the differences to the recording's
``ordered`` run are printed: predictions, losses, weights (max and mean) after each step.

Usage (today's Kerases, from the repository root)::

    PYTHONPATH=$PWD python legacy_reference/generate/measure_pinned_corpus.py [--formula]
"""

import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "migrate_corpus")
REFERENCE = os.path.join(ROOT, "legacy_reference", "corpus")
HEADER = "from compat_attention import LEGACY_HARD_SIGMOID\nimport keras\n"

#: Exact edits of the migrated programs: 2017's values where today's defaults differ.
PINS = {
    "nmt_dates": [("LSTM(units, return_sequences=True)",
                   "LSTM(units, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID)"),
                  ("Adam(learning_rate=0.01)", "Adam(learning_rate=0.01, epsilon=1e-8)")],
    "echo_generator": [("return_sequences=True))",
                        "return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID))")],
    "speech_ctc": [("name='rnn')", "name='rnn', reset_after=False, recurrent_activation=LEGACY_HARD_SIGMOID)"),
                   ("clipnorm=5", "global_clipnorm=5")],
    "attention_lstm_3d": [("LSTM(lstm_units, return_sequences=True)",
                           "LSTM(lstm_units, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID)"),
                          ("optimizer='adam'", "optimizer=keras.optimizers.Adam(epsilon=1e-8)")],
    "text_attention_pooling": [("LSTM(UNITS, return_sequences=True)",
                                "LSTM(UNITS, return_sequences=True, recurrent_activation=LEGACY_HARD_SIGMOID)"),
                               ("RMSprop(learning_rate=0.005)", "RMSprop(learning_rate=0.005, epsilon=1e-8)")],
    "german_english_nmt": [("LSTM(32, recurrent_dropout=0.1)",
                            "LSTM(32, recurrent_dropout=0.1, recurrent_activation=LEGACY_HARD_SIGMOID)"),
                           ("recurrent_activation='hard_sigmoid'", "recurrent_activation=LEGACY_HARD_SIGMOID"),
                           ("Adam(learning_rate=0.01)", "Adam(learning_rate=0.01, epsilon=1e-8)")],
    "cnn_text_keras1": [("Adagrad(learning_rate=0.01)",
                         "Adagrad(learning_rate=0.01, epsilon=1e-8, initial_accumulator_value=0.0)")],
}
#: With --formula: optimizers whose Keras 2.0.8 update no hyperparameter reproduces.
FORMULAS = {
    "nmt_dates": [("optimizer=Adam(", "optimizer=legacy_formulas.DenseAdam(")],
    "german_english_nmt": [("optimizer=Adam(", "optimizer=legacy_formulas.DenseAdam(")],
    "echo_generator": [("optimizer=RMSprop(", "optimizer=legacy_formulas.LegacyRMSprop(")],
    "text_attention_pooling": [("optimizer=RMSprop(", "optimizer=legacy_formulas.LegacyRMSprop(")],
    "cnn_text_keras1": [("optimizer=Adagrad(", "optimizer=legacy_formulas.LegacyAdagrad(")],
}

#: Written beside the pinned programs as ``legacy_formulas.py`` (Keras 3 and tf.keras >= 2.11).
FORMULA_MODULE = '''"""Keras 2.0.8's optimizer updates on dense gradients (diagnostic)."""
import keras
import tensorflow as tf


def _slot(optimizer, slots, variable):
    if hasattr(optimizer, "_get_variable_index"):  # Keras 3
        return slots[optimizer._get_variable_index(variable)]
    return slots[optimizer._index_dict[optimizer._var_key(variable)]]


def _rate(optimizer, variable, learning_rate):
    return tf.cast(optimizer.learning_rate if learning_rate is None else learning_rate, variable.dtype)


class DenseAdam(keras.optimizers.Adam):
    def update_step(self, gradient, variable, *learning_rate):
        return super().update_step(tf.convert_to_tensor(gradient), variable, *learning_rate)


class LegacyRMSprop(keras.optimizers.RMSprop):
    def update_step(self, gradient, variable, learning_rate=None):
        gradient, average = tf.convert_to_tensor(gradient), _slot(self, self._velocities, variable)
        average.assign(self.rho * average + (1 - self.rho) * gradient * gradient)
        variable.assign_sub(_rate(self, variable, learning_rate) * gradient
                            / (tf.sqrt(tf.convert_to_tensor(average)) + self.epsilon))


class LegacyAdagrad(keras.optimizers.Adagrad):
    def update_step(self, gradient, variable, learning_rate=None):
        gradient, total = tf.convert_to_tensor(gradient), _slot(self, self._accumulators, variable)
        total.assign_add(gradient * gradient)
        variable.assign_sub(_rate(self, variable, learning_rate) * gradient
                            / (tf.sqrt(tf.convert_to_tensor(total)) + self.epsilon))
'''


def pin(folder, formula):
    """Edit the migrated programs in ``folder`` (each edit must apply exactly as written)."""
    for name, edits in PINS.items():
        path = os.path.join(folder, name + ".py")
        with open(path) as handle:
            source = handle.read()
        for old, new in edits + (FORMULAS.get(name, []) if formula else []):
            if old not in source:
                raise SystemExit("%s: %r not found (the migrate tool's output changed)" % (path, old))
            source = source.replace(old, new)
        at = source.index("import numpy as np")
        source = source[:at] + HEADER + ("import legacy_formulas\n" if formula else "") + source[at:]
        with open(path, "w") as handle:
            handle.write(source)
    with open(os.path.join(folder, "legacy_formulas.py"), "w") as handle:
        handle.write(FORMULA_MODULE)


def _diffs(ours, theirs):
    return np.concatenate([np.abs(np.asarray(a, np.float64) - b).ravel() for a, b in zip(ours, theirs)])


def main(argv):
    from legacy_reference.corpus_harness import load_record

    formula = "--formula" in argv
    names = sorted(PINS)
    work = tempfile.mkdtemp()
    try:
        migrated, records, runs = (os.path.join(work, part) for part in ("migrated", "records", "runs"))
        os.makedirs(records)
        os.makedirs(runs)
        subprocess.check_call([sys.executable, "-m", "compat_attention", "migrate", CORPUS, "--write", "--out",
                               migrated, "--target", "auto"], stdout=subprocess.DEVNULL)
        pin(migrated, formula)
        subprocess.check_call([sys.executable, "-m", "legacy_reference.corpus_harness", migrated, runs, records,
                               REFERENCE] + names, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for name in names:
            recorded = load_record(os.path.join(REFERENCE, name + ".npz"))
            run = load_record(os.path.join(records, name + ".npz"))
            ordered = recorded["steps"]["ordered"]
            prediction = float(np.abs(np.asarray(run["predictions"], np.float64) - recorded["predictions"]).max())
            steps = [_diffs(ours, theirs) for ours, theirs in zip(run["weights_after_step"],
                                                                  ordered["weights_after_step"])]
            print("%-24s predictions %.1e | losses %s | weights max %s mean %s" % (
                name, prediction, " ".join("%.1e" % v for v in np.abs(run["losses"] - ordered["losses"])),
                " ".join("%.1e" % d.max() for d in steps), " ".join("%.1e" % d.mean() for d in steps)))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main(sys.argv[1:])
