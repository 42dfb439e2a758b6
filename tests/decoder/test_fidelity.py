"""compat_attention on frozen legacy weights gives the legacy numbers (max abs diff <= 1e-5)."""

import numpy as np
import pytest

from compat_attention import _time_distributed_dense, time_distributed_dense
from compat_attention._keras.flavour import keras
from legacy_reference import oracle
from support import legacy_cases

TOL = 1e-5


@pytest.mark.parametrize("case", legacy_cases.CASES)
def test_golden_case_matches_legacy_output(case, record_property):
    model = legacy_cases.build_with_legacy_weights(case)
    x = oracle.load_io(case)["x"]
    got = model.predict(x, verbose=0)
    want = legacy_cases.expected(case)
    assert got.shape == want.shape
    diff = legacy_cases.max_abs_diff(got, want)
    record_property("max_abs_diff", diff)
    print("fidelity %s max abs diff %.3g" % (case, diff))
    assert diff <= TOL


def test_masked_all_padding_row_matches_legacy():
    model = legacy_cases.build_with_legacy_weights("masked")
    io = oracle.load_io("masked")
    got = model.predict(io["x_allpad"], verbose=0)
    assert np.isfinite(got).all()
    assert legacy_cases.max_abs_diff(got, io["y_allpad"]) <= TOL


def test_echo_seq_exact_sequence_accuracy_equals_legacy_figure():
    model = legacy_cases.build_with_legacy_weights("echo_seq")
    io = oracle.load_io("echo_seq")
    predicted = model.predict(io["x"], verbose=0).argmax(-1)
    exact = float((predicted == io["target_int"]).all(axis=1).mean())
    legacy = oracle.manifest()["cases"]["echo_seq"]["accuracy"]["exact_sequence_acc_io64"]
    print("echo_seq exact-sequence accuracy %.5f (legacy %.5f)" % (exact, legacy))
    assert exact == legacy


TDD = np.load(oracle.golden_path("tdd_io.npz"))
TDD_CALLS = sorted({k.rsplit("_", 1)[0] for k in TDD.files if k.endswith("_out")})


@pytest.mark.parametrize("call", TDD_CALLS)
def test_time_distributed_dense_matches_legacy_calls(call):
    x, w = TDD[call + "_x"], TDD[call + "_w"]
    b = TDD[call + "_b"] if call + "_b" in TDD.files else None
    kwargs = {"dropout": 0.5, "training": False} if call.startswith("dropout") else {}
    out = _time_distributed_dense(x, w, b, input_dim=3, output_dim=5, timesteps=x.shape[1], **kwargs)
    assert legacy_cases.max_abs_diff(out, TDD[call + "_out"]) <= TOL


def test_time_distributed_dense_infers_omitted_sizes():
    # The legacy helper raised TypeError here (recorded in the manifest); ours must not.
    x, w, b = TDD["bias_t7_x"], TDD["bias_t7_w"], TDD["bias_t7_b"]
    out = time_distributed_dense(x, w, b)
    assert tuple(out.shape) == (4, 7, 5)
    assert legacy_cases.max_abs_diff(out, TDD["bias_t7_out"]) <= TOL


def test_time_distributed_dense_rejects_wrong_explicit_size():
    with pytest.raises(ValueError, match="input_dim=4 does not match"):
        time_distributed_dense(TDD["bias_t7_x"], TDD["bias_t7_w"], input_dim=4)


def test_time_distributed_dense_dropout_uses_one_mask_for_all_steps_in_training_only():
    rng = np.random.RandomState(0)
    x = rng.uniform(1.0, 2.0, size=(8, 6, 10)).astype("float32")
    eye = np.eye(10, dtype="float32")
    dropped = np.asarray(time_distributed_dense(x, eye, dropout=0.5, training=True))
    ratio = dropped / x
    # Each kept feature is scaled by 1 / (1 - 0.5); each dropped one is 0.
    assert set(np.round(np.unique(ratio), 5)) <= {0.0, 2.0}
    assert 0 < (ratio == 0).mean() < 1
    # ONE mask per (batch, feature), the same at every time step.
    assert (ratio == ratio[:, :1, :]).all()
    np.testing.assert_array_equal(np.asarray(time_distributed_dense(x, eye, dropout=0.5, training=False)), x)
    np.testing.assert_array_equal(np.asarray(time_distributed_dense(x, eye, dropout=0.5)), x)


def test_legacy_alias_is_the_same_function():
    assert _time_distributed_dense is time_distributed_dense
    assert keras is not None
