"""compat_attention.io.optimizer_weights: standalone Keras 2's stored optimizer state, by role."""

import numpy as np

from compat_attention.io import optimizer_weights


def test_split_optimizer_weights_by_role():
    arrays = [("Adam/iterations:0", np.array(3))] + [("v%d" % i, np.full((2,), i, "float32")) for i in range(4)]
    iterations, by_role = optimizer_weights.split_optimizer_weights("Adam", arrays, 2)
    assert iterations == 3 and sorted(by_role) == ["m", "v"]
    assert [a[0] for a in by_role["m"]] == [0, 1] and [a[0] for a in by_role["v"]] == [2, 3]
    assert optimizer_weights.split_optimizer_weights("Adam", arrays, 3) == (3, None)
