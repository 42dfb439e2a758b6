"""rules/optimizers.py: lr=, decay=, lower-case aliases, string defaults and optimizer.lr."""

from migrate_helpers import code, issues


OPT = "from keras.optimizers import SGD, Adam, Adadelta, Nadam\n"


SCHED = "from compat_attention.legacy.optimizers import legacy_decay\n"


def test_sgd_lr_decay_becomes_inverse_time_decay():
    src = OPT + "opt = SGD(lr=0.02, decay=1e-6, momentum=0.9, nesterov=True, clipnorm=5)\n"
    assert code(src, "keras2") == OPT + SCHED + (
        "opt = SGD(learning_rate=legacy_decay(0.02, 1e-6), "
        "momentum=0.9, nesterov=True, clipnorm=5)\n")


def test_positional_keras2_arguments_become_keywords():
    # Keras 2.0: SGD(lr, momentum, decay, nesterov) -- the third is decay, not nesterov
    src = OPT + "SGD(0.1, 0.9, 0.001, True)\n"
    assert code(src) == OPT + SCHED + (
        "SGD(learning_rate=legacy_decay(0.1, 0.001), "
        "momentum=0.9, nesterov=True)\n")


def test_lr_renamed_zero_decay_dropped_and_old_defaults_kept():
    assert code(OPT + "Adam(lr=1e-3, decay=0.0)\n") == OPT + "Adam(learning_rate=1e-3)\n"
    assert code(OPT + "Adadelta()\n") == OPT + "Adadelta(learning_rate=1.0)\n"
    assert code(OPT + "Adam(decay=0.01)\n") == OPT + SCHED + (
        "Adam(learning_rate=legacy_decay(0.001, 0.01))\n")
    assert code(OPT + "Nadam(lr=0.002, schedule_decay=0.004)\n") == OPT + "Nadam(learning_rate=0.002)\n"
    assert issues(OPT + "Nadam(schedule_decay=0.01)\n") == [("optimizer_lr_decay", 2)]


def test_lowercase_optimizer_aliases_and_string_defaults():
    assert code("from keras.optimizers import adam\nadam(lr=0.1)\n") == \
        "from keras.optimizers import Adam as adam\nadam(learning_rate=0.1)\n"
    assert code("model.compile(loss='mse', optimizer='adadelta')\n") == \
        "from keras.optimizers import Adadelta\nmodel.compile(loss='mse', optimizer=Adadelta(learning_rate=1.0))\n"
    assert code("model.compile(optimizer='adam', loss='mse')\n") == "model.compile(optimizer='adam', loss='mse')\n"
    assert code("import re\nre.compile('adadelta')\n") == "import re\nre.compile('adadelta')\n"


def test_optimizer_lr_attribute_on_keras3_only():
    src = "from keras import backend as K\nK.set_value(model.optimizer.lr, 0.1)\n"
    assert code(src, "keras3").endswith("K.set_value(model.optimizer.learning_rate, 0.1)\n")
    assert code(src, "keras2") == src
