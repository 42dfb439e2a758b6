"""The float64 NumPy oracle reproduces every golden output of the legacy stack."""

import numpy as np
import pytest

from legacy_reference import oracle

TOL = 1e-5


@pytest.mark.parametrize("case", ["echo_seq", "echo_seq_probs", "nmt_bilstm", "nmt_bilstm_probs", "masked"])
def test_oracle_reproduces_golden_case(case):
    y = oracle.load_io(case)["y"]
    if y.ndim == 4:  # the legacy stack returned probabilities as (B, T, T, 1)
        y = y[..., 0]
    diff = np.abs(oracle.predict_case(case) - y).max()
    print("oracle %s max abs diff %.3g" % (case, diff))
    assert diff <= TOL


def test_oracle_masked_lstm_repeats_last_output_and_all_padding_row():
    io = oracle.load_io("masked")
    weights = oracle.read_h5_weights(oracle.golden_path("masked.h5"))
    embedded = oracle.embedding(io["x"], weights["embedding_1"][0])
    encoded = oracle.lstm(embedded, *weights["lstm_1"], mask=io["x"] != 0)
    assert np.abs(encoded - io["lstm_out"]).max() <= TOL
    assert np.abs(oracle.predict_case("masked", io["x_allpad"]) - io["y_allpad"]).max() <= TOL


def test_oracle_echo_seq_accuracy_matches_manifest():
    io = oracle.load_io("echo_seq")
    exact = (oracle.predict_case("echo_seq").argmax(-1) == io["target_int"]).all(axis=1).mean()
    assert exact == oracle.manifest()["cases"]["echo_seq"]["accuracy"]["exact_sequence_acc_io64"]


def test_oracle_time_distributed_dense_golden_calls():
    data = np.load(oracle.golden_path("tdd_io.npz"))
    calls = sorted({k.rsplit("_", 1)[0] for k in data.files if k.endswith("_out")})
    assert len(calls) == 6
    for call in calls:
        bias = data[call + "_b"] if call + "_b" in data.files else None
        out = oracle.time_distributed_dense(data[call + "_x"], data[call + "_w"], bias)
        assert np.abs(out - data[call + "_out"]).max() <= TOL, call


def test_oracle_attention_rows_are_distributions():
    probs = oracle.predict_case("nmt_bilstm_probs")
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-12)
