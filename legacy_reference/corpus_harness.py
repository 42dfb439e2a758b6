"""Run a corpus program up to its first training call, from fixed weights, and record what it computes.

The same module runs on the legacy stack (Python 3.6, Keras 2.0.8, TensorFlow 1.3) and on today's
Kerases (Python 3.10+, tf.keras 2.x, Keras 3): it only uses what those share (``keras.models.Model``,
``keras.layers.Layer``, ``get_weights``/``set_weights``, ``predict``, ``train_on_batch``).

``run_program(path, ...)`` runs one program of ``tests/migrate_corpus/`` (or its migrated copy) as
``__main__``, with Python's and NumPy's RNGs seeded, in a working folder of its own. The program's
first training call (``fit``, ``fit_generator`` or ``train_on_batch`` of the running Keras's
``Model`` class) is intercepted; at that point the harness

1. sets every weight of the model, in ``model.get_weights()`` order, to the given initial values
   (shapes checked: a mismatch raises ``WeightLayoutError``, naming the first weight that differs);
2. takes the program's own training batches: for ``fit(x, y, batch_size)`` the first full batches in
   order (no shuffling; cycled when the data holds fewer than ``steps``), for a generator the first
   ``steps`` batches it yields, for ``train_on_batch`` that one batch;
3. predicts on the first batch's inputs;
4. runs ``steps`` ``train_on_batch`` calls on those batches with the program's compiled optimizer,
   recording the loss and every weight after each;

then stops the program. Dropout cannot be compared between two Kerases (their masks come from
unrelated random streams), so every dropout rate (``rate``, ``dropout``, ``recurrent_dropout`` of a
layer, its cell or its wrapped layers) is set to 0 when the layer is first called; the record lists
what was set. Predictions never see dropout; the training steps then compare the gradients and
the optimizer updates alone.

Records are nested dicts/lists of arrays; ``save_record``/``load_record`` store them in one ``.npz``.

Command line (today's Kerases; the test runs it in a subprocess)::

    python -m legacy_reference.corpus_harness FOLDER WORKDIR OUTDIR REFERENCE_DIR PROGRAM...

runs each ``FOLDER/PROGRAM.py`` from the initial weights of ``REFERENCE_DIR/PROGRAM.npz`` on the
batches recorded there, and writes ``OUTDIR/PROGRAM.npz`` (after a ``WeightLayoutError``: only the
program's batches and ``meta["error"]``), or ``OUTDIR/PROGRAM.error`` with one line for any other error.
"""

import json
import os
import random
import runpy
import sys
import traceback

import numpy as np

#: Training calls that are intercepted, on whichever Keras runs.
HOOKED_METHODS = ("fit", "fit_generator", "train_on_batch")
#: Attributes of the dropout family set to 0 (on layers, RNN cells and wrapped layers).
DROPOUT_ATTRIBUTES = ("rate", "dropout", "recurrent_dropout")
#: Where a wrapper or RNN layer keeps the parts that may hold dropout.
_INNER_PARTS = ("cell", "layer", "forward_layer", "backward_layer")


class WeightLayoutError(ValueError):
    """The running Keras orders or shapes a model's weights differently from the recording."""


class NoTrainingCallError(RuntimeError):
    """The program finished (or failed) without calling fit, fit_generator or train_on_batch."""


class _Stop(BaseException):
    """Raised inside the program once the record is taken (a BaseException: the program's own
    ``except Exception`` cannot swallow it)."""


# ---------------------------------------------------------------------------------------------
# Batches


def _is_generator(data):
    return hasattr(data, "__next__")


def _take(data, start, stop):
    """Rows ``start:stop`` of an array, or of each array of a list/tuple/dict."""
    if data is None:
        return None
    if isinstance(data, dict):
        return dict((key, _take(value, start, stop)) for key, value in data.items())
    if isinstance(data, (list, tuple)):
        return [_take(value, start, stop) for value in data]
    return np.asarray(data)[start:stop]


def _rows(data):
    if isinstance(data, dict):
        return _rows(next(iter(data.values())))
    if isinstance(data, (list, tuple)):
        return _rows(data[0])
    return len(data)


def _batches_of_call(method, args, kwargs, steps):
    """The program's training batches, as a list of ``[x, y]``, and a description of where from."""
    if method == "train_on_batch":
        x = args[0] if args else kwargs["x"]
        y = args[1] if len(args) > 1 else kwargs.get("y")
        return [[x, y]], "train_on_batch(x, y)"
    data = args[0] if args else kwargs.get("generator", kwargs.get("x"))
    if method == "fit_generator" or _is_generator(data):
        batches = []
        for _ in range(steps):
            item = next(data)
            batches.append([item[0], item[1]])
        return batches, "%s(generator): its first %d batches" % (method, steps)
    y = args[1] if len(args) > 1 else kwargs.get("y")
    batch_size = (args[2] if len(args) > 2 else kwargs.get("batch_size")) or 32
    full = max(_rows(data) // batch_size, 1)
    size = min(batch_size, _rows(data))
    batches = [[_take(data, (k % full) * size, (k % full + 1) * size),
                _take(y, (k % full) * size, (k % full + 1) * size)] for k in range(steps)]
    return batches, "fit(x, y, batch_size=%d): full batches in order, %d of them cycled" % (batch_size, full)


# ---------------------------------------------------------------------------------------------
# Dropout


def _zero_dropout(layer, found, seen, owner=None):
    """Set the dropout-family rates of ``layer`` and its inner parts to 0; note each in ``found``."""
    if layer is None or id(layer) in seen:
        return
    seen.add(id(layer))
    owner = owner or type(layer).__name__
    for attribute in DROPOUT_ATTRIBUTES:
        value = getattr(type(layer), attribute, None)
        if isinstance(value, property):  # a read-only view of the cell's value
            continue
        value = getattr(layer, attribute, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            setattr(layer, attribute, 0.0)
            found.append("%s.%s=%g" % (owner, attribute, value))
    for part in _INNER_PARTS:
        _zero_dropout(getattr(layer, part, None), found, seen, owner)
    for cell in getattr(getattr(layer, "cell", None), "cells", None) or ():
        _zero_dropout(cell, found, seen, owner)


# ---------------------------------------------------------------------------------------------
# The hook


def _loss_of(result):
    return float(result[0] if isinstance(result, (list, tuple)) else np.asarray(result))


def _json_safe(value):
    return json.loads(json.dumps(value, default=lambda v: float(v) if np.ndim(v) == 0 else str(v)))


def _optimizer_of(model):
    """The compiled optimizer's class and configuration (JSON-safe)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    return {"class": type(optimizer).__name__, "config": _json_safe(optimizer.get_config())}


def weight_variables(model):
    """The model's variables in ``get_weights()`` order: layer by layer (Keras 2.0.8's ``model.weights``
    lists all trainable weights first, its ``get_weights()`` goes layer by layer)."""
    by_layer = [w for layer in model.layers for w in layer.weights]
    values = model.get_weights()
    if len(by_layer) == len(values) and all(tuple(w.shape) == v.shape for w, v in zip(by_layer, values)):
        return by_layer
    return list(model.weights)


def _check_layout(model, initial):
    """Raise WeightLayoutError unless ``initial`` has the count and shapes of ``model.get_weights()``."""
    current = model.get_weights()
    names = [getattr(w, "path", None) or getattr(w, "name", "?") for w in weight_variables(model)]
    if len(current) != len(initial):
        raise WeightLayoutError("the model has %d weights, the recording %d (running Keras: %s)" % (
            len(current), len(initial), ", ".join("%s %s" % (n, tuple(w.shape)) for n, w in zip(names, current))))
    for index, (now, then) in enumerate(zip(current, initial)):
        if tuple(now.shape) != tuple(then.shape):
            raise WeightLayoutError("weight %d (%s) has shape %s here, %s in the recording" % (
                index, names[index], tuple(now.shape), tuple(then.shape)))


class _Recorder(object):
    """The state of one run: what to do at the first training call, and what was recorded."""

    def __init__(self, initial_weights, steps, batches):
        self.initial_weights = initial_weights
        self.steps = steps
        self.given_batches = batches
        self.armed = True
        self.record = None
        self.dropout = []

    def intercept(self, model, method, original, args, kwargs):
        self.armed = False
        own, source = _batches_of_call(method, args, kwargs, self.steps)
        initial = self.initial_weights
        if callable(initial):
            initial = initial(model)
        initial = [np.asarray(w) for w in initial]
        batches = self.given_batches if self.given_batches is not None else own
        batch_x = batches[0][0]
        if not model.get_weights() and initial:  # not built yet (a Sequential without an input shape)
            model.predict(batch_x, batch_size=_rows(batch_x), verbose=0)
        try:
            _check_layout(model, initial)
        except WeightLayoutError as error:
            error.batches = own  # the caller may still compare the data
            raise
        model.set_weights(initial)
        predictions = model.predict(batch_x, batch_size=_rows(batch_x), verbose=0)
        losses, weights = [], []
        for k in range(self.steps):
            x, y = batches[k % len(batches)]
            losses.append(_loss_of(original(model, x, y)))
            weights.append(model.get_weights())
        self.record = {
            "initial_weights": initial,
            "batches": own,
            "predictions": predictions,
            "losses": np.asarray(losses, dtype=np.float64),
            "weights_after_step": weights,
            "meta": {"hooked": method, "model_class": type(model).__name__, "data": source,
                     "steps": self.steps, "batch_rows": _rows(batch_x),
                     "dropout_set_to_zero": sorted(self.dropout), "optimizer": _optimizer_of(model),
                     "weight_shapes": [list(w.shape) for w in initial]},
        }
        raise _Stop()


def _install(keras_module, recorder):
    """Patch the running Keras's Model training calls and Layer.__call__; return an undo function."""
    model_class = keras_module.models.Model
    layer_class = keras_module.layers.Layer
    saved = [(model_class, name, model_class.__dict__.get(name)) for name in HOOKED_METHODS
             if hasattr(model_class, name)]
    saved.append((layer_class, "__call__", layer_class.__dict__.get("__call__")))
    train_on_batch = model_class.train_on_batch

    def hooked(name):
        original = getattr(model_class, name)

        def training_call(self, *args, **kwargs):
            if not recorder.armed:
                return original(self, *args, **kwargs)
            return recorder.intercept(self, name, train_on_batch, args, kwargs)
        return training_call

    for owner, name, _ in saved[:-1]:
        setattr(owner, name, hooked(name))
    layer_call = layer_class.__call__
    seen = set()

    def call_without_dropout(self, *args, **kwargs):
        _zero_dropout(self, recorder.dropout, seen)
        return layer_call(self, *args, **kwargs)
    layer_class.__call__ = call_without_dropout

    def undo():
        for owner, name, value in saved:
            if value is None:
                delattr(owner, name)
            else:
                setattr(owner, name, value)
    return undo


def _forget_modules(folder):
    """Drop the program's sibling modules from sys.modules (the next program imports its own)."""
    folder = os.path.realpath(folder)
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        if path and os.path.dirname(os.path.realpath(path)) == folder:
            del sys.modules[name]


def run_program(path, workdir, initial_weights, steps=3, batches=None, seed=0, keras_module=None):
    """Run the program at ``path`` up to its first training call and record it (see the module doc).

    Args:
        path: the program's ``.py`` file; its folder goes first on ``sys.path`` (its siblings).
        workdir: an existing folder to run in (the program may write files there).
        initial_weights: arrays in ``model.get_weights()`` order, or a callable ``model -> arrays``.
        steps: how many ``train_on_batch`` steps to take.
        batches: ``[[x, y], ...]`` to predict and train on instead of the program's own batches
            (which are recorded either way).
        seed: for ``random.seed`` and ``numpy.random.seed`` before the program starts.
        keras_module: the Keras whose ``Model`` is patched; default ``import keras``.

    Returns:
        The record: ``initial_weights``, ``batches`` (the program's own), ``predictions``,
        ``losses`` (one per step), ``weights_after_step`` (per step, every weight) and ``meta``.

    Raises:
        WeightLayoutError: the model's weights do not match ``initial_weights`` in count or shape.
        NoTrainingCallError: the program ended without a training call.

    Example:
        >>> record = run_program("nmt_dates.py", "/tmp/work", init, steps=3)  # doctest: +SKIP
    """
    if keras_module is None:
        import keras as keras_module
    recorder = _Recorder(initial_weights, steps, batches)
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)
    undo = _install(keras_module, recorder)
    here, argv = os.getcwd(), sys.argv
    random.seed(seed)
    np.random.seed(seed)
    try:
        os.chdir(workdir)
        sys.argv = [os.path.basename(path)]
        runpy.run_path(path, run_name="__main__")
    except _Stop:
        pass
    except SystemExit as error:
        raise NoTrainingCallError("%s exited (%s) without training" % (path, error.code))
    finally:
        os.chdir(here)
        sys.argv = argv
        undo()
        sys.path.remove(folder)
        _forget_modules(folder)
    if recorder.record is None:
        raise NoTrainingCallError("%s ended without calling fit, fit_generator or train_on_batch" % path)
    recorder.record["meta"]["seed"] = seed
    return recorder.record


# ---------------------------------------------------------------------------------------------
# Storage: nested dicts/lists of arrays <-> one .npz


def _flatten(value, leaves):
    if isinstance(value, dict):
        return {"dict": [[key, _flatten(value[key], leaves)] for key in sorted(value)]}
    if isinstance(value, (list, tuple)):
        return {"list": [_flatten(item, leaves) for item in value]}
    if value is None:
        return {"none": None}
    if isinstance(value, (str, bool, int, float)):
        return {"json": value}
    key = "a%d" % len(leaves)
    leaves[key] = np.asarray(value)
    return {"array": key}


def _unflatten(spec, arrays):
    kind, body = next(iter(spec.items()))
    if kind == "dict":
        return dict((key, _unflatten(item, arrays)) for key, item in body)
    if kind == "list":
        return [_unflatten(item, arrays) for item in body]
    if kind == "array":
        return arrays[body]
    return body


def save_record(path, record):
    """Write a nested dict/list of arrays (and JSON scalars) to ``path`` (compressed ``.npz``)."""
    leaves = {}
    spec = _flatten(record, leaves)
    np.savez_compressed(path, __spec__=np.array(json.dumps(spec)), **leaves)


def load_record(path):
    """Read what ``save_record`` wrote."""
    with np.load(path) as stored:
        arrays = dict((key, stored[key]) for key in stored.files)
    return _unflatten(json.loads(str(arrays.pop("__spec__"))), arrays)


# ---------------------------------------------------------------------------------------------
# Command line: today's Kerases, from a recording


def main(argv):
    folder, workdir, outdir, reference = argv[:4]
    import keras

    for name in argv[4:]:
        recorded = load_record(os.path.join(reference, name + ".npz"))
        work = os.path.join(workdir, name)
        os.makedirs(work)
        try:
            record = run_program(os.path.join(folder, name + ".py"), work, recorded["initial_weights"],
                                 steps=int(recorded["meta"]["steps"]), batches=recorded["batches"],
                                 seed=int(recorded["meta"]["seed"]))
            save_record(os.path.join(outdir, name + ".npz"), record)
            print("HARNESS_OK", name, flush=True)
        except WeightLayoutError as error:  # a finding: the data is still worth comparing
            save_record(os.path.join(outdir, name + ".npz"), {"batches": error.batches,
                                                              "meta": {"error": "WeightLayoutError: %s" % error}})
            print("HARNESS_LAYOUT", name, error, flush=True)
        except Exception as error:  # one line per program: the test shows it
            traceback.print_exc()
            with open(os.path.join(outdir, name + ".error"), "w") as handle:
                handle.write("%s: %s" % (type(error).__name__, str(error).replace("\n", " ")))
            print("HARNESS_ERROR", name, flush=True)
        keras.backend.clear_session()


if __name__ == "__main__":
    main(sys.argv[1:])
