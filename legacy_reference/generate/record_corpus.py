"""Record what each corpus program computes on the real Keras 2.0.8 stack, for the differential test.

For every program of ``tests/migrate_corpus/`` (the originals, unmigrated), ``corpus_harness``
runs it as ``__main__`` up to its first training call, sets fixed initial weights, predicts on the
program's first training batch and takes ``STEPS`` ``train_on_batch`` steps. Each program runs
three times:

* ``raced``: as Keras 2.0.8 on TensorFlow 1.3 runs it. Its update ops read the variables without
  ordering, so a layer's gradient may be taken through the next layer's already updated kernel
  (seen in the zoo; see ``tests/io_zoo/test_optimizer_state.py``);
* ``ordered``: the same, with every optimizer update op of the step made to wait until every
  new value of the step (so every gradient) is computed: the exact-gradient step of Keras 2.0.8's
  formulas, what today's Kerases compute;
* ``ordered_reversed_rows``: ``ordered`` with each batch's rows reversed (the same step in exact
  arithmetic): its difference to ``ordered`` is the legacy stack's own float32 noise.

The raced and ordered predictions must be identical; the difference of their steps is the
measured ordering effect, written to the manifest with the float32 noise. The programs' copied
legacy attention modules are stubs here: their ``AttentionDecoder`` is replaced by the
clean-room ``keras2_0_attention`` one (checked against the golden data by
``check_keras2_0_attention.py``) before the program runs; the programs' own code runs unchanged.

Writes ``legacy_reference/corpus/<program>.npz`` (``corpus_harness.save_record``) and
``manifest.json``. CI never runs this. Usage (Python 3.6 + Keras 2.0.8, from the repo root)::

    /work/venvs/keras2_0_diff/bin/python legacy_reference/generate/record_corpus.py [PROGRAM ...]
"""

import datetime
import hashlib
import importlib
import json
import os
import platform
import shutil
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "tests", "migrate_corpus")
OUT = os.path.join(ROOT, "legacy_reference", "corpus")
sys.path.insert(0, os.path.join(ROOT, "legacy_reference"))
sys.path.insert(0, HERE)

import corpus_harness  # noqa: E402  (from legacy_reference/, without the package: Python 3.6)

STEPS = 3
HARNESS_SEED = 0
#: Initial weights: Glorot-uniform scale for matrices and kernels, U(-0.1, 0.1) for vectors;
#: BatchNormalization's moving variance U(0.5, 1.5) (it must stay positive).
WEIGHT_SCHEME = ("every weight in model.get_weights() order from numpy.random.RandomState(md5(program)[:8]): "
                 "rank >= 2: U(-l, l), l = sqrt(6 / (fan_in + fan_out)), fan_in = prod(shape[:-1]), "
                 "fan_out = prod(shape[:-2]) * shape[-1]; rank 1: U(-0.1, 0.1); moving_variance: U(0.5, 1.5)")


def _seed(name):
    return int(hashlib.md5(name.encode()).hexdigest()[:8], 16)


def draw_initial_weights(model, seed):
    """Fixed initial weights for ``model`` (see WEIGHT_SCHEME), float32, in get_weights() order."""
    rng = np.random.RandomState(seed)
    drawn = []
    for variable, value in zip(corpus_harness.weight_variables(model), model.get_weights()):
        shape = value.shape
        if variable.name.split("/")[-1].startswith("moving_variance"):
            array = rng.uniform(0.5, 1.5, shape)
        elif len(shape) >= 2:
            fan_in = int(np.prod(shape[:-1]))
            fan_out = int(np.prod(shape[:-2])) * shape[-1]
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            array = rng.uniform(-limit, limit, shape)
        else:
            array = rng.uniform(-0.1, 0.1, shape)
        drawn.append(array.astype(value.dtype))
    return drawn


def _fresh_session():
    import keras
    import tensorflow as tf

    keras.backend.clear_session()
    keras.backend.set_session(tf.Session(config=tf.ConfigProto(
        intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)))


def _inject_attention():
    """Import the corpus modules that define the (stub) AttentionDecoder; put ours in its place."""
    from keras2_0_attention import AttentionDecoder

    injected = []
    sys.path.insert(0, CORPUS)
    try:
        for file_name in sorted(os.listdir(CORPUS)):
            with open(os.path.join(CORPUS, file_name)) as handle:
                if not file_name.endswith(".py") or "class AttentionDecoder(" not in handle.read():
                    continue
            module = importlib.import_module(file_name[:-3])
            module.AttentionDecoder = AttentionDecoder
            injected.append(file_name[:-3])
    finally:
        sys.path.remove(CORPUS)
    return injected


class _OrderedUpdates(object):
    """While active, each Keras 2.0.8 optimizer's update ops wait for all new values of the step."""

    def __enter__(self):
        import keras

        self.saved = []
        for cls in keras.optimizers.Optimizer.__subclasses__():
            if "get_updates" in cls.__dict__:
                self.saved.append((cls, cls.__dict__["get_updates"]))
                cls.get_updates = self._ordered(cls.__dict__["get_updates"])
        return self

    def __exit__(self, *exc):
        for cls, original in self.saved:
            cls.get_updates = original

    @staticmethod
    def _ordered(original):
        import tensorflow as tf
        from keras import backend

        def get_updates(self, *args, **kwargs):
            pending = []
            saved = backend.update, backend.update_add, backend.update_sub

            def defer(variable, new_value):
                pending.append((variable, new_value))
                return None
            backend.update = defer
            backend.update_add = lambda variable, increment: defer(variable, variable + increment)
            backend.update_sub = lambda variable, decrement: defer(variable, variable - decrement)
            try:
                updates = original(self, *args, **kwargs)
            finally:
                backend.update, backend.update_add, backend.update_sub = saved
            loss = kwargs["loss"]  # Keras 2.0.8's Model passes params= and loss= by keyword
            with tf.control_dependencies([value for _, value in pending] + [loss]):
                assigns = [tf.assign(variable, value) for variable, value in pending]
            self.updates = [u for u in updates if u is not None] + assigns
            return self.updates
        return get_updates


def _reverse_rows(data):
    """The same batch with its rows (samples) in reverse order."""
    if isinstance(data, dict):
        return dict((key, _reverse_rows(value)) for key, value in data.items())
    if isinstance(data, (list, tuple)):
        return [_reverse_rows(value) for value in data]
    return None if data is None else np.asarray(data)[::-1]


def _step_differences(one, other):
    """Per step: |loss difference|, the largest and the mean weight difference of two runs."""
    found = []
    for k in range(STEPS):
        diffs = np.concatenate([np.abs(a.astype(np.float64) - b).ravel()
                                for a, b in zip(one["weights_after_step"][k], other["weights_after_step"][k])])
        found.append({"loss": abs(float(one["losses"][k]) - float(other["losses"][k])),
                      "weights_max_abs": float(diffs.max()), "weights_mean_abs": float(diffs.mean())})
    return found


def record_program(name, work):
    """The runs of one program; returns the record to save and its manifest entry.

    ``raced`` and ``ordered`` as in the module doc; ``ordered_reversed_rows`` is ``ordered`` on
    the same batches with their rows reversed: mathematically the same step (the loss is a mean
    over the batch), so its difference to ``ordered`` is the legacy stack's own float32 noise on
    that step (summation order), kept in the manifest only.
    """
    runs = {}
    for variant in ("raced", "ordered", "ordered_reversed_rows"):
        _fresh_session()
        injected = _inject_attention()
        folder = os.path.join(work, variant)
        os.makedirs(folder)
        path = os.path.join(CORPUS, name + ".py")
        draw = lambda model: draw_initial_weights(model, _seed(name))  # noqa: E731
        batches = _reverse_rows(runs["raced"]["batches"]) if variant == "ordered_reversed_rows" else None
        with _OrderedUpdates() if variant != "raced" else _Nothing():
            runs[variant] = corpus_harness.run_program(path, folder, draw, steps=STEPS, seed=HARNESS_SEED,
                                                       batches=batches)
    raced, ordered = runs["raced"], runs["ordered"]
    same_predictions = float(np.abs(np.asarray(raced["predictions"], np.float64) - ordered["predictions"]).max())
    assert same_predictions == 0.0, (name, same_predictions)
    effect = _step_differences(raced, ordered)
    for k, step in enumerate(effect):
        step["update_max_abs"] = max(float(np.abs(b.astype(np.float64) - w0).max())
                                     for b, w0 in zip(ordered["weights_after_step"][k], raced["initial_weights"]))
    record = {
        "initial_weights": raced["initial_weights"],
        "batches": raced["batches"],
        "predictions": raced["predictions"],
        # raced: every loss, and the weights after the first step only (the pure effect: both
        # runs start from the same weights); ordered: everything.
        "steps": {"raced": {"losses": raced["losses"], "weights_after_step": raced["weights_after_step"][:1]},
                  "ordered": {"losses": ordered["losses"], "weights_after_step": ordered["weights_after_step"]}},
        "meta": raced["meta"],
    }
    entry = dict(raced["meta"], attention_injected_into=injected, weight_seed=_seed(name),
                 ordering_effect_per_step=effect,
                 float32_noise_per_step=_step_differences(runs["ordered_reversed_rows"], ordered),
                 raced_losses=[float(v) for v in raced["losses"]],
                 ordered_losses=[float(v) for v in ordered["losses"]])
    return record, entry


class _Nothing(object):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def main(names):
    import h5py
    import keras
    import tensorflow as tf

    names = names or sorted(f[:-3] for f in os.listdir(CORPUS) if f.endswith(".py")
                            and "class AttentionDecoder(" not in open(os.path.join(CORPUS, f)).read())
    manifest_path = os.path.join(OUT, "manifest.json")
    manifest = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {"programs": {}}
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp()
    try:
        for name in names:
            record, entry = record_program(name, os.path.join(work, name))
            target = os.path.join(OUT, name + ".npz")
            corpus_harness.save_record(target, record)
            entry["file"] = {"bytes": os.path.getsize(target),
                             "sha256": hashlib.sha256(open(target, "rb").read()).hexdigest()}
            manifest["programs"][name] = entry
            print("%-24s %-8s weights max (mean) per step: ordering effect %s, float32 noise %s" % (
                name, entry["optimizer"]["class"],
                " ".join("%.1e (%.1e)" % (step["weights_max_abs"], step["weights_mean_abs"])
                         for step in entry["ordering_effect_per_step"]),
                " ".join("%.1e (%.1e)" % (step["weights_max_abs"], step["weights_mean_abs"])
                         for step in entry["float32_noise_per_step"])))
    finally:
        shutil.rmtree(work)
    manifest.update({
        "title": "The corpus programs on the real Keras 2.0.8 stack: predictions and first training steps "
                 "from fixed initial weights (tests/migrate/test_corpus_differential.py)",
        "versions": {"python": platform.python_version(), "keras": keras.__version__,
                     "tensorflow": tf.__version__, "numpy": np.__version__, "h5py": h5py.__version__,
                     "backend": keras.backend.backend(), "floatx": keras.backend.floatx(),
                     "session": "single-threaded (intra_op = inter_op = 1)"},
        "steps": STEPS,
        "harness_seed": HARNESS_SEED,
        "weight_scheme": WEIGHT_SCHEME,
        "variants": {"raced": "as Keras 2.0.8 on TensorFlow 1.3 runs train_on_batch (stored: losses, weights "
                              "after step 1)",
                     "ordered": "every optimizer update op waits for every new value of the step "
                                "(so for every gradient): the exact-gradient step (stored: losses, weights "
                                "after every step)",
                     "ordered_reversed_rows": "ordered, on the same batches with their rows reversed: the "
                                              "legacy stack's own float32 noise on the step (manifest only)"},
        "attention": "the stub AttentionDecoder of the copied legacy modules replaced by "
                     "legacy_reference/generate/keras2_0_attention.py (clean-room; max abs diff vs golden 0.0)",
        "generated": datetime.date.today().isoformat(),
        "command": "/work/venvs/keras2_0_diff/bin/python legacy_reference/generate/record_corpus.py",
    })
    with open(manifest_path, "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
