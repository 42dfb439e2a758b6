"""compat_attention.io.optimizer_weights: standalone Keras 2's and tf.keras's stored optimizer state, by role."""

import numpy as np
import pytest

from compat_attention import errors
from compat_attention.io import optimizer_weights


def test_split_optimizer_weights_by_role():
    arrays = [("Adam/iterations:0", np.array(3))] + [("v%d" % i, np.full((2,), i, "float32")) for i in range(4)]
    iterations, by_role = optimizer_weights.split_optimizer_weights("Adam", arrays, 2)
    assert iterations == 3 and sorted(by_role) == ["m", "v"]
    assert [a[0] for a in by_role["m"]] == [0, 1] and [a[0] for a in by_role["v"]] == [2, 3]
    assert optimizer_weights.split_optimizer_weights("Adam", arrays, 3) == (3, None)


def _file(names):
    from types import SimpleNamespace

    return SimpleNamespace(path="m.h5", optimizer_weights=[
        (name, np.array(i + 1) if i == 0 or "momentum_cache" in name else np.full((2,), i, "float32"))
        for i, name in enumerate(names)])


def test_tf_keras_optimizer_v2_slots_by_kind_in_variable_order():
    legacy = _file(["training/Nadam/iter:0", "training/Nadam/momentum_cache:0", "training/Nadam/d/kernel/m:0",
                    "training/Nadam/d/bias/m:0", "training/Nadam/d/kernel/v:0", "training/Nadam/d/bias/v:0"])
    iterations, by_role = optimizer_weights.tf_keras_state(legacy, "Nadam", ["kernel", "bias"])
    assert iterations == 1 and sorted(by_role) == ["m", "v"]
    assert [a[0] for a in by_role["m"]] == [2, 3] and [a[0] for a in by_role["v"]] == [4, 5]


def test_tf_keras_2_11_slots_variable_by_variable():
    legacy = _file(["iteration:0", "RMSprop/velocity/d/kernel:0", "RMSprop/velocity/d/bias:0",
                    "RMSprop/momentum/d/kernel:0", "RMSprop/momentum/d/bias:0"])
    iterations, by_role = optimizer_weights.tf_keras_state(legacy, "RMSprop", ["kernel", "bias"])
    assert iterations == 1 and [a[0] for a in by_role["a"]] == [1, 2] and [a[0] for a in by_role["momentum"]] == [3, 4]


def test_tf_keras_state_that_does_not_fit_is_refused_and_unknown_kinds_warn():
    legacy = _file(["SGD/iter:0", "SGD/d/kernel/momentum:0"])
    with pytest.raises(errors.WeightMismatchError, match="^m.h5: stores 2 SGD optimizer weights"):
        optimizer_weights.tf_keras_state(legacy, "SGD", ["kernel", "bias"])
    with pytest.warns(UserWarning, match="m.h5: the Adam optimizer's slots Adam/d/kernel/zeta:0 have no counterpart"):
        assert optimizer_weights.tf_keras_state(_file(["Adam/iter:0", "Adam/d/kernel/zeta:0"]), "Adam", ["k"]) == (None, {})
    with pytest.warns(UserWarning, match="the Lion optimizer's state is not restored"):
        assert optimizer_weights.tf_keras_state(legacy, "Lion", ["kernel"]) == (None, {})
