"""compat_attention.io.training: names resolved once, the optimizer made once with what the file records."""

import numpy as np
import pytest

from compat_attention import errors
from compat_attention._keras.flavour import keras
from compat_attention.io import training
from compat_attention.legacy import optimizers as legacy_optimizers


def _checked(optimizer_config):
    return training._optimizer_config("m.h5", {"optimizer_config": optimizer_config})


def test_optimizer_class_takes_class_names_and_keras_string_identifiers():
    assert training.optimizer_class("Adam") is keras.optimizers.Adam
    assert training.optimizer_class("adam") is keras.optimizers.Adam
    assert training.optimizer_class("rmsprop") is keras.optimizers.RMSprop
    for unknown in ("Custom>Adam", "Adamm", 5, None):
        assert training.optimizer_class(unknown) is None


def test_a_restored_class_gets_every_hyperparameter_keras_2_0_8_recorded():
    optimizer = training.make_optimizer(_checked({"class_name": "Adam", "config": {
        "lr": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "decay": 0.0}}))
    assert isinstance(optimizer, keras.optimizers.Adam)  # on PyTorch, its backend's subclass
    # OptimizerV2 (tf.keras <= 2.10) holds hyperparameters as float32 variables: compare in float32.
    stored = [np.float32(np.asarray(value)) for value in (optimizer.beta_1, optimizer.beta_2, optimizer.epsilon)]
    assert stored == [np.float32(0.8), np.float32(0.99), np.float32(1e-6)]
    assert np.isclose(float(np.asarray(optimizer.learning_rate)), 0.01)


def test_decay_becomes_an_inverse_time_schedule():
    optimizer = training.make_optimizer(_checked({"class_name": "SGD", "config": {"lr": 0.1, "decay": 0.5,
                                                                                   "momentum": 0.9}}))
    schedule = optimizer.learning_rate if callable(optimizer.learning_rate) else optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.InverseTimeDecay)
    assert np.isclose(float(schedule(2)), 0.1 / (1 + 0.5 * 2))
    assert np.float32(np.asarray(optimizer.momentum)) == np.float32(0.9)


def test_nadam_gets_every_hyperparameter_and_keras_2_0s_momentum_schedule():
    optimizer = training.make_optimizer(_checked({"class_name": "Nadam", "config": {
        "lr": 0.004, "beta_1": 0.5, "schedule_decay": 0.01}}))
    # Keras 1-2.3's Nadam, momentum schedule 0.96 ** (t * schedule_decay), is compat_attention.legacy's
    # (its steps are checked against genuine files in tests/io_eras).
    assert isinstance(optimizer, legacy_optimizers.Nadam)
    assert optimizer.get_config()["learning_rate"] == pytest.approx(0.004)
    assert optimizer.beta_1 == 0.5 and optimizer.schedule_decay == 0.01


@pytest.mark.skipif(not hasattr(keras.optimizers, "Lion"), reason="this Keras has no optimizer class outside "
                    "training.RESTORED (Lion came with tf.keras 2.11)")
def test_another_class_gets_its_learning_rate_only():
    optimizer = training.make_optimizer(_checked({"class_name": "Lion", "config": {"lr": 0.004, "beta_1": 0.5}}))
    assert isinstance(optimizer, keras.optimizers.Lion)
    assert np.isclose(float(np.asarray(optimizer.learning_rate)), 0.004)
    assert float(np.asarray(optimizer.beta_1)) == 0.9  # its default: only the learning rate is taken


def test_ftrl_gets_every_hyperparameter_tf_keras_recorded():
    optimizer = training.make_optimizer(_checked({"class_name": "Ftrl", "config": {
        "learning_rate": 0.004, "l1_regularization_strength": 0.5, "initial_accumulator_value": 0.2}}))
    assert isinstance(optimizer, keras.optimizers.Ftrl)
    config = optimizer.get_config()
    assert np.isclose(config["initial_accumulator_value"], 0.2) and np.isclose(config["l1_regularization_strength"], 0.5)


@pytest.mark.parametrize("optimizer_config,words", [
    ([1], "optimizer_config is a list"), ({"class_name": "Custom>Adam"}, "optimizer class 'Custom>Adam' is not one"),
    ({"class_name": "SGD", "config": 3}, "the optimizer's config is a int"),
    ({"class_name": "SGD", "config": {"lr": -1}}, "the learning rate is -1"),
    ({"class_name": "SGD", "config": {"lr": float("nan")}}, "the learning rate is nan")])
def test_a_training_config_not_as_keras_2_wrote_it_is_refused(optimizer_config, words):
    with pytest.raises(errors.MalformedFileError) as caught:
        _checked(optimizer_config)
    assert words in str(caught.value) and "load without compile=True" in str(caught.value)


def test_names_resolve_once_through_custom_objects_then_keras():
    def top2(y_true, y_pred):
        return y_pred

    resolved = training.resolve_training_objects(
        {"loss": "mse", "metrics": ["acc", "top2", {"class_name": "AUC"}], "optimizer_config": {}}, "m.h5",
        custom_objects={"top2": top2})
    assert resolved["loss"] == "mse" and resolved["metrics"] == ["acc", top2, {"class_name": "AUC"}]
    with pytest.raises(errors.UnknownTrainingObjectError, match="names the loss 'nowhere'.*custom_objects=\\{'nowhere'"):
        training.resolve_training_objects({"loss": "nowhere"}, "m.h5")


def test_keras_2_1_adam_gets_its_amsgrad_setting():
    optimizer = training.make_optimizer(_checked({"class_name": "Adam", "config": {
        "learning_rate": 0.004, "beta_1": 0.5, "amsgrad": True, "epsilon": 1e-7}}))
    assert optimizer.amsgrad is True and float(optimizer.beta_1) == 0.5
