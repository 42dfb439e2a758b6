"""compat_attention.legacy.optimizers: Keras 2.0.8's update, step by step, on the running Keras.

Each class is checked against ``support/keras2_0_optimizers.py`` (Keras 2.0.8's formulas in NumPy
float32) over several steps of fixed gradients: defaults, and ``decay`` with ``clipnorm`` and
``clipvalue``; a sparse gradient with a repeated row (TensorFlow's ``IndexedSlices``) must give
the dense result. Then against Keras 2.0.8 itself: the zoo's ``compiled_*`` files (two Dense
layers trained two steps by Keras 2.0.8, plus the stack's next step) resume here with their
stored optimizer state. Last, a compiled model saves and reloads with its legacy optimizer.
"""

import json
import os

import numpy as np
import pytest

from compat_attention import load_legacy_model
from compat_attention._keras import optimizers as slot_access
from compat_attention._keras.flavour import KERAS_3, keras, tf
from compat_attention.io import optimizer_weights
from compat_attention.io.h5file import read_legacy_file
from compat_attention.legacy import optimizers as legacy
from support.keras2_0_optimizers import DEFAULTS, SLOTS, initial_state, reference_step, two_dense_gradients

ZOO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "legacy_reference", "zoo")
NAMES = ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam"]
#: Relative tolerance of a float32 step against the float32 reference (rounding order only).
RTOL = 1e-6
STEPS = 5
SHAPES = [(3, 4), (4,), (5, 3)]  # the last one gets a sparse gradient (an Embedding's) where TF runs
SPARSE_ROWS = np.array([1, 3, 1, 0])  # row 1 twice: dense accumulation squares the sum


def _variable(value):
    return keras.Variable(value) if KERAS_3 else tf.Variable(value)


def _tensor(value):
    return keras.ops.convert_to_tensor(value) if KERAS_3 else tf.constant(value)


def _numpy(value):
    return np.array(value, dtype=np.float32)


def _problem(seed):
    rng = np.random.RandomState(seed)
    params = [rng.uniform(-1, 1, shape).astype(np.float32) for shape in SHAPES]
    steps = []
    for _ in range(STEPS):
        dense = [rng.normal(0, 1, shape).astype(np.float32) for shape in SHAPES[:2]]
        rows = rng.normal(0, 1, (len(SPARSE_ROWS), SHAPES[2][1])).astype(np.float32)
        steps.append((dense, rows))
    return params, steps


def _summed(rows):
    out = np.zeros(SHAPES[2], np.float32)
    np.add.at(out, SPARSE_ROWS, rows)
    return out


def _gradient_tensors(dense, rows):
    if tf is not None:
        sparse = tf.IndexedSlices(tf.constant(rows), tf.constant(SPARSE_ROWS), tf.constant(SHAPES[2]))
    else:
        sparse = _tensor(_summed(rows))
    return [_tensor(g) for g in dense] + [sparse]


def _relative(ours, reference):
    return float(np.max(np.abs(ours - reference)) / max(1.0, float(np.max(np.abs(reference)))))


CASES = [(name, {}) for name in NAMES] + [
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "decay": 0.05, "clipnorm": 1.5}),
    ("RMSprop", {"lr": 0.01, "decay": 0.1, "clipnorm": 2.0, "clipvalue": 0.3}),
    ("Adagrad", {"decay": 0.1, "clipvalue": 0.5}),
    ("Adadelta", {"lr": 0.5, "rho": 0.9, "decay": 0.2}),
    ("Adam", {"lr": 0.01, "beta_1": 0.8, "decay": 0.01, "clipnorm": 1.0}),
    ("Adamax", {"epsilon": 1e-4, "decay": 0.3}),
    ("Nadam", {"lr": 0.01, "schedule_decay": 0.05, "clipnorm": 2.5}),
]


@pytest.mark.parametrize("name,hyper", CASES, ids=["%s-%d" % (c[0], i) for i, c in enumerate(CASES)])
def test_each_step_is_keras_2_0_8s_update(name, hyper, record_property):
    params, steps = _problem(NAMES.index(name) + 7 * len(hyper))
    variables = [_variable(p) for p in params]
    optimizer = getattr(legacy, name)(**hyper)
    ref_params, ref_state = [p.copy() for p in params], initial_state(name, SHAPES)
    worst = 0.0
    for step, (dense, rows) in enumerate(steps):
        optimizer.apply_gradients(list(zip(_gradient_tensors(dense, rows), variables)))
        ref_params, ref_state = reference_step(name, hyper, ref_params, dense + [_summed(rows)], ref_state, step)
        for variable, expected, slots in zip(variables, ref_params, ref_state):
            worst = max(worst, _relative(_numpy(variable), expected))
            for slot, value in slots.items():
                worst = max(worst, _relative(_numpy(optimizer.slot_variable(variable, slot)), value))
    record_property("max_relative_diff", worst)
    print("%s %s: max relative diff to Keras 2.0.8's formula over %d steps %.1e" % (name, hyper, STEPS, worst))
    assert worst <= RTOL
    assert int(np.asarray(optimizer.iterations)) == STEPS


def test_defaults_and_positional_order_are_keras_2_0_8s():
    for name in NAMES:
        config = getattr(legacy, name)().get_config()
        for key, value in DEFAULTS[name].items():
            assert config["learning_rate" if key == "lr" else key] == pytest.approx(value, rel=1e-7), (name, key)
    sgd = legacy.SGD(0.1, 0.9, 0.001, True)  # Keras 2.0.8's order: lr, momentum, decay, nesterov
    assert (sgd.momentum, sgd.decay, sgd.nesterov) == (0.9, 0.001, True)
    assert legacy.Adam(lr=0.05).get_config()["learning_rate"] == pytest.approx(0.05)
    with pytest.raises(ValueError, match="decay"):
        legacy.RMSprop(decay=-1.0)


def test_unclipped_sparse_and_dense_gradients_differ_today_but_not_here():
    """The repeated row: Keras 2.0.8 squared the summed gradient; squaring slice by slice differs."""
    _, steps = _problem(3)
    rows = steps[0][1]
    dense_square = np.square(_summed(rows))[1]
    slice_squares = np.square(rows[0]) + np.square(rows[2])
    assert np.max(np.abs(dense_square - slice_squares)) > 1e-3  # the data does tell them apart


# -- against Keras 2.0.8 itself: the zoo's compiled files -----------------------------------------

ZOO_CASES = ["compiled_adam", "compiled_rmsprop", "compiled_adagrad", "compiled_sgd_momentum", "compiled_sgd"]
#: The files whose stored step TensorFlow 1.3 took with the first layer's gradient through the
#: second layer's already updated kernel (tests/io_zoo/test_optimizer_state.py measured it).
RACED = {"compiled_adam", "compiled_adagrad", "compiled_sgd_momentum", "compiled_sgd"}


def _optimizer_config(name):
    import h5py

    with h5py.File(os.path.join(ZOO, name + ".h5"), "r") as handle:
        return json.loads(handle.attrs["training_config"])["optimizer_config"]


def _resumed(name):
    """The zoo model with a legacy optimizer holding the file's state, after the stack's next step."""
    path = os.path.join(ZOO, name + ".h5")
    config = _optimizer_config(name)
    class_name, hyper = config["class_name"], dict(config["config"])
    model = load_legacy_model(path, compile=False)
    optimizer = getattr(legacy, class_name)(**hyper)
    variables = model.trainable_variables
    slot_access.build(optimizer, variables)
    iterations, by_role = optimizer_weights.split_optimizer_weights(
        class_name, read_legacy_file(path, optimizer_weights=True).optimizer_weights, len(variables))
    legacy_roles = SLOTS[class_name]
    for role, arrays in by_role.items():
        slot = legacy_roles[slot_access.slot_roles(class_name).index(role)]
        for variable, value in zip(variables, arrays):
            optimizer.slot_variable(variable, slot).assign(value)
    if iterations is not None:
        optimizer.iterations.assign(iterations)
    before = [w.copy() for w in model.get_weights()]
    stored = np.load(os.path.join(ZOO, name + "_io.npz"))
    model.compile(loss="categorical_crossentropy", optimizer=optimizer)
    model.train_on_batch(stored["train_x0"], stored["train_y0"])
    state = [{legacy_roles[slot_access.slot_roles(class_name).index(role)]: by_role[role][i] for role in by_role}
             for i in range(len(variables))]
    return dict(class_name=class_name, hyper=hyper, before=before, after=model.get_weights(), state=state,
                iterations=iterations or 0, x=stored["train_x0"].astype(np.float64),
                y=stored["train_y0"].astype(np.float64), legacy=[stored["after_step_w%d" % i] for i in range(4)])


def _max(a, b):
    return max(float(np.max(np.abs(np.asarray(x, np.float64) - np.asarray(y, np.float64)))) for x, y in zip(a, b))


@pytest.mark.parametrize("name", ZOO_CASES)
def test_zoo_file_resumes_with_keras_2_0_8s_step(name, record_property):
    """Keras 2.0.8's stored next step is its formula on the gradient TensorFlow 1.3 took: the exact
    one (compiled_rmsprop), which this optimizer reproduces, or the raced one, which it models."""
    r = _resumed(name)
    exact = two_dense_gradients([w.astype(np.float64) for w in r["before"]], r["x"], r["y"])
    ours_modelled, _ = reference_step(r["class_name"], r["hyper"], r["before"], exact, r["state"], r["iterations"])
    to_formula = _max(r["after"], ours_modelled)
    to_stack = _max(r["after"], r["legacy"])
    record_property("to_keras_2_0_8_formula", to_formula)
    record_property("to_keras_2_0_8_step", to_stack)
    print("%s: vs Keras 2.0.8's formula %.1e, vs its stored step %.1e" % (name, to_formula, to_stack))
    assert to_formula <= 1e-6
    if name in RACED:
        raced = two_dense_gradients([w.astype(np.float64) for w in r["before"]], r["x"], r["y"],
                                    backprop_kernel=ours_modelled[2])
        stack_modelled, _ = reference_step(r["class_name"], r["hyper"], r["before"], raced, r["state"],
                                           r["iterations"])
        assert _max(r["legacy"], stack_modelled) <= 1e-6
    else:
        assert to_stack <= 1e-6


# -- saving --------------------------------------------------------------------------------------


#: Keras 3 saves .keras files and, as migrated 2017 programs do, .h5 files; tf.keras 2: .h5.
SUFFIXES = [".keras", ".h5"] if KERAS_3 else [".h5"]
#: Keras 3 (3.15 checked) cannot train a model reloaded from .h5, whatever its optimizer: it builds
#: the optimizer on another list of variables ("Unknown variable: ... dense_1/kernel"; its own
#: Adam too). There the reloaded optimizer's class and config are checked, not a further step.
RESUMES = {".keras": True, ".h5": not KERAS_3}


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("name", NAMES)
def test_compiled_model_saves_and_reloads_with_its_optimizer_state(name, suffix, tmp_path):
    rng = np.random.RandomState(0)
    x, y = rng.randn(8, 4).astype(np.float32), rng.randn(8, 2).astype(np.float32)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(3, activation="tanh")(inputs)))
    optimizer = getattr(legacy, name)(clipnorm=3.0) if name == "Nadam" else getattr(legacy, name)(decay=0.01)
    model.compile(loss="mean_squared_error", optimizer=optimizer)
    model.train_on_batch(x, y)
    path = str(tmp_path / ("model" + suffix))
    model.save(path)
    reloaded = keras.models.load_model(path)
    assert type(reloaded.optimizer) is type(optimizer)
    assert reloaded.optimizer.get_config() == optimizer.get_config()
    assert _max(reloaded.predict(x, verbose=0), model.predict(x, verbose=0)) == 0
    if not RESUMES[suffix]:
        return
    model.train_on_batch(x, y)
    reloaded.train_on_batch(x, y)
    assert _max(reloaded.get_weights(), model.get_weights()) <= 1e-6
