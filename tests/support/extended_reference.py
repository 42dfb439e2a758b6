"""A float64 NumPy reference for the options beyond the legacy layer.

It is the legacy oracle's step, generalised: another number of decoded steps,
an attention mask, a given initial state, given previous outputs (teacher
forcing) and another output activation. With every option at its default it
must equal ``legacy_reference.oracle.attention_decoder`` (checked by the tests),
which anchors it to the frozen legacy math.
"""

import numpy as np

from legacy_reference import oracle


def decoder(x, weights, output_length=None, mask=None, initial_state=None, prev_outputs=None,
            output_activation=oracle.softmax):
    """Returns ``(outputs (B, N, O), attention (B, N, T))``.

    Args:
        x: encoder sequence (B, T, D).
        weights: the 21 arrays in legacy order.
        output_length: N, default T.
        mask: optional boolean (B, T); False steps get zero attention weight.
        initial_state: optional (B, U) decoder state replacing ``tanh(x_0 . W_s)``.
        prev_outputs: optional (B, N, O): the previous output each step reads.
        output_activation: function of the (B, O) logits.
    """
    w = {k: np.asarray(v, np.float64) for k, v in zip(oracle.WEIGHT_NAMES, weights)}
    x = np.asarray(x, np.float64)
    batch, steps, _ = x.shape
    n = steps if output_length is None else output_length
    state = np.tanh(x[:, 0, :] @ w["W_s"]) if initial_state is None else np.asarray(initial_state, np.float64)
    prev_y = np.zeros((batch, w["b_o"].shape[0]))
    projected = x @ w["U_a"] + w["b_a"]
    outputs, attention = [], []
    for t in range(n):
        if prev_outputs is not None:
            prev_y = np.asarray(prev_outputs[:, t], np.float64)
        scores = np.tanh(projected + (state @ w["W_a"])[:, None, :]) @ w["V_a"]
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        alpha = oracle.softmax(scores, axis=1)
        context = np.einsum("bt,btd->bd", alpha, x)
        r = oracle.sigmoid(prev_y @ w["W_r"] + state @ w["U_r"] + context @ w["C_r"] + w["b_r"])
        z = oracle.sigmoid(prev_y @ w["W_z"] + state @ w["U_z"] + context @ w["C_z"] + w["b_z"])
        proposal = np.tanh(prev_y @ w["W_p"] + (r * state) @ w["U_p"] + context @ w["C_p"] + w["b_p"])
        y = output_activation(prev_y @ w["W_o"] + state @ w["U_o"] + context @ w["C_o"] + w["b_o"])
        state = (1.0 - z) * state + z * proposal
        outputs.append(y)
        attention.append(alpha)
        prev_y = y
    return np.stack(outputs, axis=1), np.stack(attention, axis=1)
