"""Mixed precision: the layer under mixed_float16 / mixed_bfloat16 dtype policies.

Weights stay float32, the step computes in the policy's compute dtype and both softmaxes
(attention weights and outputs) run in float32. The outputs must stay close to the float32
layer with the same weights: every value is a probability (at most 1), and it reaches the
output through a few roundings to the compute dtype (the input, the fused kernels, each
matrix product and activation, the final cast of the softmax), each off by at most the
unit roundoff u (2**-11 for float16, 2**-8 for bfloat16) relative to a value of order 1.
We allow 4u; the measured worst case is below 1u on both dtypes, at T=5 and T=40.
"""

import numpy as np
import pytest

from compat_attention import AttentionDecoder
from compat_attention._keras.flavour import keras
from compat_attention._keras.ops import ops

UNIT_ROUNDOFF = {"mixed_float16": 2.0 ** -11, "mixed_bfloat16": 2.0 ** -8}
COMPUTE_DTYPE = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


def _sequence(steps, seed=0):
    return np.random.RandomState(seed).normal(size=(16, steps, 24)).astype("float32")


@pytest.mark.parametrize("policy", sorted(UNIT_ROUNDOFF))
@pytest.mark.parametrize("steps", [5, 40])  # the unrolled loop and the RNN's symbolic loop
@pytest.mark.parametrize("probabilities", [False, True])
def test_mixed_policy_outputs_are_finite_and_close_to_float32(policy, steps, probabilities):
    x = _sequence(steps)
    reference = AttentionDecoder(32, 20, return_probabilities=probabilities)
    expected = ops.convert_to_numpy(reference(x))
    layer = AttentionDecoder(32, 20, return_probabilities=probabilities, dtype=policy)
    layer.build(x.shape)
    layer.set_weights(reference.get_weights())

    got = layer(x)

    assert ops.dtype_of(got) == COMPUTE_DTYPE[policy]
    assert all(ops.dtype_of(w) == "float32" for w in layer.weights)
    got = ops.convert_to_numpy(ops.cast(got, "float32"))
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, expected, rtol=0, atol=4 * UNIT_ROUNDOFF[policy])


@pytest.mark.parametrize("policy", sorted(UNIT_ROUNDOFF))
def test_mixed_policy_model_trains_a_step(policy):
    steps, symbols = 5, 20
    rng = np.random.RandomState(3)
    x = _sequence(steps, seed=1)
    y = np.eye(symbols, dtype="float32")[rng.randint(0, symbols, size=(16, steps))]
    model = keras.Sequential([keras.layers.Input((steps, 24)), AttentionDecoder(32, symbols, dtype=policy)])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    before = [np.array(w) for w in model.get_weights()]

    loss = model.train_on_batch(x, y)

    loss = float(np.asarray(loss).reshape(-1)[0])
    assert np.isfinite(loss) and loss > 0
    after = model.get_weights()
    assert all(np.isfinite(w).all() for w in after)
    assert any(not np.array_equal(a, b) for a, b in zip(after, before))
    prediction = model.predict(x, verbose=0).astype("float32")
    assert np.isfinite(prediction).all()
    np.testing.assert_allclose(prediction.sum(-1), 1.0, atol=symbols * UNIT_ROUNDOFF[policy])
