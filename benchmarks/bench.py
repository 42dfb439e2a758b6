"""Throughput and memory of AttentionDecoder on the running Keras; prints a table, writes JSON.

    python benchmarks/bench.py                 # everything, a few minutes on 2 cores
    python benchmarks/bench.py --quick         # fewer repetitions and lengths
    python benchmarks/bench.py --json out.json

Measures, in one process on one Keras:

1. the tutorial model (LSTM(150) + AttentionDecoder(150, 50), T=5) against the tutorial's
   no-attention baseline (LSTM(150), RepeatVector, LSTM(150), TimeDistributed(Dense)):
   batched training samples/s (batch 64) and predict samples/s (batch 256), from the
   median step time (see ``_StepTimer``) of several repetitions, and the ratio
   attention / baseline; and the multiply-adds per sample of each model;
2. scaling: AttentionDecoder(128, 32) on (T, 128) inputs, predict and train samples/s
   for T in 10, 25, 50, 100, 200, and the throughput factor from T=10 to T=100;
3. peak resident memory of a training step at T=100 (in a child process);
4. each of the above again with XLA (``jit_compile=True``) where the backend has it.

On tf.keras (TF <= 2.15) the XLA run leaves out the tutorial's training row: there the
stock ``LSTM`` layer (in both tutorial models) makes ``fit(jit_compile=True)`` compile a new
XLA executable at every batch (2-7 s and ~25 MB each; a bare ``LSTM`` model does it too,
``SimpleRNN``/``Dense``/``AttentionDecoder`` alone compile once per shape), so one epoch
takes minutes and memory grows without bound.

Legacy reference on this 2-core machine (Keras 2.0.8 + TF 1.3): AttentionDecoder(128, 32)
predicts ~5000 samples/s at T=10 and ~84/s at T=100 (a 60x drop); the tutorial model trains
at ~1760 samples/s.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from compat_attention import AttentionDecoder, keras_description  # noqa: E402
from compat_attention._keras.flavour import BACKEND, KERAS_3, keras  # noqa: E402

LEGACY = {"predict_T10": 5000.0, "predict_T100": 84.0, "train_tutorial": 1760.0}


def tutorial_attention():
    return keras.Sequential([
        keras.layers.Input((5, 50)),
        keras.layers.LSTM(150, return_sequences=True),
        AttentionDecoder(150, 50),
    ])


def tutorial_baseline():
    return keras.Sequential([
        keras.layers.Input((5, 50)),
        keras.layers.LSTM(150),
        keras.layers.RepeatVector(5),
        keras.layers.LSTM(150, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(50, activation="softmax")),
    ])


def decoder_only(steps):
    return keras.Sequential([keras.layers.Input((steps, 128)), AttentionDecoder(128, 32)])


def _compile(model, xla):
    kwargs = {"jit_compile": True} if xla else {}
    if not xla and BACKEND != "jax":
        kwargs = {"jit_compile": False}
    model.compile(loss="categorical_crossentropy", optimizer="adam", **kwargs)
    return model


def _one_hot(n, steps, width, seed):
    rng = np.random.RandomState(seed)
    return np.eye(width, dtype="float32")[rng.randint(0, width, size=(n, steps))]


class _StepTimer(keras.callbacks.Callback):
    """Wall time of every training / predict batch, from the batch's begin to its end hook.

    Whole-epoch or whole-call timings are not used: now and then Keras's fit loop spends
    about a second between an epoch's start and the end of its first step, whichever the
    model (in one 8-epoch run on this machine, 5 of the 8 epochs of each tutorial model
    did, which cut those epochs' rates to about 3200 samples/s, the same for both
    models). A batch's time is the model's step plus its input pipeline; the median over
    the batches measures that, and the slowest batch is kept in the JSON.
    """

    def __init__(self):
        super().__init__()
        self.seconds = []

    def _begin(self, batch, logs=None):
        self._start = time.perf_counter()

    def _end(self, batch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)

    on_train_batch_begin = on_predict_batch_begin = _begin
    on_train_batch_end = on_predict_batch_end = _end


def _rates(run, batch, repeats):
    """Samples/s of each of ``repeats`` calls ``run(callbacks)`` (batch / median batch time),
    and the slowest batch seen, in seconds."""
    rates, slowest = [], 0.0
    for _ in range(repeats):
        timer = _StepTimer()
        run([timer])
        rates.append(batch / statistics.median(timer.seconds))
        slowest = max(slowest, max(timer.seconds))
    return rates, slowest


def train_rates(model, x, y, batch, epochs):
    """``_rates`` of ``epochs`` one-epoch ``fit`` calls, after an 8-batch warm-up fit."""
    model.fit(x[:8 * batch], y[:8 * batch], batch_size=batch, epochs=1, verbose=0)  # build + trace
    return _rates(lambda callbacks: model.fit(x, y, batch_size=batch, epochs=1, verbose=0, callbacks=callbacks),
                  batch, epochs)


def train_rate(model, x, y, batch, repeats):
    return statistics.median(train_rates(model, x, y, batch, repeats)[0])


def predict_rates(model, x, batch, repeats):
    """``_rates`` of ``repeats`` ``predict`` calls, after a 2-batch warm-up call."""
    model.predict(x[:2 * batch], batch_size=batch, verbose=0)
    return _rates(lambda callbacks: model.predict(x, batch_size=batch, verbose=0, callbacks=callbacks),
                  batch, repeats)


def predict_rate(model, x, batch, repeats):
    return statistics.median(predict_rates(model, x, batch, repeats)[0])


def tutorial_rows(repeats, xla, rounds=3, jobs=("train", "predict")):
    """Attention vs baseline, timed in alternating rounds (A, B, A, B, ...) so that drifts
    in the machine's speed hit both; each figure is the median over the rounds of a round's
    median, the ratio the median of the per-round ratios (see ``_StepTimer``)."""
    x = _one_hot(8192, 5, 50, 0)
    y = _one_hot(8192, 5, 50, 1)
    models = {"attention": _compile(tutorial_attention(), xla), "baseline": _compile(tutorial_baseline(), xla)}
    measures = {
        "train": lambda m: train_rates(m, x, y, 64, repeats),
        "predict": lambda m: predict_rates(m, x, 256, repeats),
    }
    measures = {job: measures[job] for job in jobs}
    rows = {name: {} for name in models}
    rows["ratio"] = {}
    rows["slowest_step_s"] = {name: {} for name in models}
    for job, measure in measures.items():
        per_round = []
        for _ in range(rounds):
            measured = {name: measure(model) for name, model in models.items()}
            per_round.append({name: statistics.median(rates) for name, (rates, _) in measured.items()})
            for name, (_, slowest) in measured.items():
                rows["slowest_step_s"][name][job] = max(slowest, rows["slowest_step_s"][name].get(job, 0.0))
        for name in models:
            rows[name][job] = statistics.median(r[name] for r in per_round)
        rows["ratio"][job] = statistics.median(r["attention"] / r["baseline"] for r in per_round)
    return rows


def tutorial_multiply_adds(steps=5, features=50, units=150, classes=50):
    """Multiply-adds per sample that each tutorial model's layers execute, counted from
    their shapes (matrix products only; the attention's element-wise work is not counted).
    The decoder's unrolled loop skips the product with ``y_0 = 0`` at its first step and
    computes only the output's terms at its last (nothing reads the last state).

    Returns:
        ``{"attention": n, "baseline": n, "ratio": baseline / attention}``: the ratio the
        throughputs would have if both ran at the same multiply-adds per second.
    """
    encoder = steps * (features + units) * 4 * units                   # LSTM(150): [x, h] . W
    baseline = encoder + steps * (units + units) * 4 * units + steps * units * classes
    gates = 3 * units + classes                                          # [r | z | o | p] columns
    decoder_step = (units * units                                        # s . W_a
                    + units * (gates - units)                            # s . [U_r | U_z | U_o]
                    + classes * gates + units * gates                    # y . W_*, c . C_*
                    + units * units)                                     # (r * s) . U_p
    first_step = decoder_step - classes * gates                          # y_0 = 0: no y . W_*
    last_step = units * units + (units + classes + units) * classes      # s . W_a; y, s, c . W_o, U_o, C_o
    if steps == 1:
        last_step -= classes * classes
        inner = 0
    else:
        inner = first_step + (steps - 2) * decoder_step
    attention = encoder + steps * units * units + units * units + inner + last_step  # x . U_a, s_0
    return {"attention": attention, "baseline": baseline, "ratio": baseline / attention}


def scaling_rows(lengths, repeats, xla):
    rows = {}
    for steps in lengths:
        n = max(256, 8192 // steps)
        x = np.random.RandomState(steps).normal(size=(n, steps, 128)).astype("float32")
        y = _one_hot(n, steps, 32, steps)
        model = _compile(decoder_only(steps), xla)
        rows[steps] = {"predict": predict_rate(model, x, 256, repeats), "train": train_rate(model, x, y, 64, repeats)}
    return rows


_MEMORY_CHILD = """
import os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, {here!r})
import numpy as np
import bench
model = bench._compile(bench.decoder_only({steps}), {xla!r})
x = np.zeros((256, {steps}, 128), "float32")
y = bench._one_hot(256, {steps}, 32, 0)
model.predict(x, batch_size=64, verbose=0)

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024.0

with open("/proc/self/clear_refs", "w") as f:  # reset the peak (VmHWM) to the current RSS
    f.write("5")
before = status("VmRSS")
model.fit(x, y, batch_size=64, epochs=1, verbose=0)
print(status("VmHWM") - before)
"""


def peak_memory_mb(steps, xla):
    """Peak resident memory added by one training epoch at T=steps, batch 64, measured in a
    child process (Linux: the peak is reset after the model is built and has predicted)."""
    here = os.path.dirname(os.path.abspath(__file__))
    code = _MEMORY_CHILD.format(here=here, steps=steps, xla=xla)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(run.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repetitions, T in 10, 50, 100")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=5, help="alternating attention/baseline rounds (5)")
    parser.add_argument("--no-xla", action="store_true", help="skip the jit_compile runs")
    parser.add_argument("--json", default=None, help="write the results here")
    parser.add_argument("--only", choices=("tutorial",), default=None,
                        help="only the tutorial comparison (faster to iterate on)")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 5)
    lengths = (10, 50, 100) if args.quick else (10, 25, 50, 100, 200)
    modes = [False] if (args.no_xla or BACKEND == "torch") else [False, True]

    result = {"keras": keras_description(), "machine": "%s, %d cores" % (platform.processor() or platform.machine(),
                                                                           os.cpu_count()),
              "python": platform.python_version(), "repeats": repeats, "legacy_reference": LEGACY, "runs": {}}
    print("compat_attention benchmark on %s (%s)" % (result["keras"], result["machine"]), flush=True)
    work = result["tutorial_multiply_adds"] = tutorial_multiply_adds()
    print("tutorial models, multiply-adds per sample: attention %d, baseline %d; at equal speed per "
          "multiply-add the ratio would be %.3f" % (work["attention"], work["baseline"], work["ratio"]), flush=True)
    for xla in modes:
        label = "xla" if xla else ("jit" if BACKEND == "jax" else "graph")
        # See the module docstring: tf.keras's LSTM recompiles at every XLA training step.
        jobs = ("train", "predict") if (KERAS_3 or not xla) else ("predict",)
        tut = tutorial_rows(repeats, xla, rounds=args.rounds, jobs=jobs)
        scale = {} if args.only else scaling_rows(lengths, repeats, xla)
        mem = None if args.only else peak_memory_mb(100, xla)
        result["runs"][label] = {"tutorial": tut, "scaling": {str(k): v for k, v in scale.items()},
                                 "peak_train_memory_mb_T100": mem}
        print("\n[%s] tutorial model, T=5 (samples/s from median step times; %d rounds of %d)"
              % (label, args.rounds, repeats))
        print("%-22s %12s %12s" % ("", "train b=64", "predict b=256"))
        for name, fmt in (("attention", "%12.0f"), ("baseline", "%12.0f"), ("ratio", "%12.2f")):
            cells = [fmt % tut[name][job] if job in tut[name] else "%12s" % "n/a" for job in ("train", "predict")]
            print("%-22s %s %s" % ("ratio att/baseline" if name == "ratio" else name, *cells))
        if args.only:
            continue
        print("\n[%s] AttentionDecoder(128, 32), input (T, 128) (samples/s)" % label)
        print("%-6s %12s %12s" % ("T", "predict", "train"))
        for steps, row in scale.items():
            print("%-6d %12.0f %12.0f" % (steps, row["predict"], row["train"]))
        if 10 in scale and 100 in scale:
            factor = scale[10]["predict"] / scale[100]["predict"]
            result["runs"][label]["predict_drop_T10_to_T100"] = factor
            print("predict throughput T=10 -> T=100 falls %.1fx (legacy: %.0fx)"
                  % (factor, LEGACY["predict_T10"] / LEGACY["predict_T100"]))
        print("peak memory of training at T=100: %.0f MB above the built model" % mem)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
        print("\nwrote %s" % args.json)
    return result


if __name__ == "__main__":
    main()
