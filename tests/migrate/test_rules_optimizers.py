"""rules/optimizers.py: lr=, decay=, lower-case aliases, string defaults and optimizer.lr."""

from migrate_helpers import code, issues, notes


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


# -- by default (no --modern-defaults): Keras 2.0.8's optimizers themselves ------------------

LEGACY = "from compat_attention.legacy.optimizers import "


def test_keras_optimizers_become_keras_2_0_8s_with_their_arguments():
    assert code(OPT + "opt = SGD(lr=0.02, decay=1e-6, momentum=0.9, clipnorm=5)\nAdadelta()\n", modern=False) == \
        LEGACY + "SGD, Adam, Adadelta, Nadam\n" + (
            "opt = SGD(learning_rate=0.02, decay=1e-6, momentum=0.9, clipnorm=5)\nAdadelta()\n")
    assert code("from keras.optimizers import adam, Optimizer\nadam(lr=0.1)\n", modern=False) == \
        "from keras.optimizers import Optimizer\n" + LEGACY + "Adam as adam\nadam(learning_rate=0.1)\n"


def test_optimizers_reached_through_the_module_and_compile_strings():
    src = "from keras import optimizers\nopt = optimizers.RMSprop(lr=0.01)\n"
    assert code(src, modern=False) == ("from keras import optimizers\n"
                                       "from compat_attention.legacy import optimizers as legacy_optimizers\n"
                                       "opt = legacy_optimizers.RMSprop(learning_rate=0.01)\n")
    src = "from keras.models import Sequential\nmodel.compile(loss='mse', optimizer='adagrad')\n"
    assert code(src, modern=False) == ("from keras.models import Sequential\n" + LEGACY + "Adagrad\n"
                                       "model.compile(loss='mse', optimizer=Adagrad())\n")


def test_each_optimizer_pin_is_a_note_and_tf_keras_programs_keep_theirs():
    src = OPT + "Adam()\n"
    assert notes(src) == [("legacy_optimizers", 2, "Adam(...)")] and issues(src, modern=False) == []
    tf = "from tensorflow.keras.optimizers import Adam\nmodel.compile(loss='mse', optimizer='adam')\nAdam()\n"
    assert code(tf, modern=False) == tf and notes(tf) == []
