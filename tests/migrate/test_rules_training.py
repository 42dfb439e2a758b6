"""Rules for optimizers, the training API, checkpoint file names and dict targets."""

from migrate_helpers import code, issues, migrate

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


def test_fit_generator_positional_keras2_order():
    src = "model.fit_generator(gen, 100, 5, 2, None, val, 10, None, 10, 4, True, 1)\n"
    assert code(src, "keras2") == ("model.fit(gen, steps_per_epoch=100, epochs=5, verbose=2, callbacks=None, "
                                   "validation_data=val, validation_steps=10, class_weight=None, max_queue_size=10, "
                                   "workers=4, use_multiprocessing=True, initial_epoch=1)\n")
    assert code(src, "keras3") == ("model.fit(gen, steps_per_epoch=100, epochs=5, verbose=2, callbacks=None, "
                                   "validation_data=val, validation_steps=10, class_weight=None, initial_epoch=1)\n")


def test_generator_keyword_spellings():
    assert code("m.fit_generator(generator=g, steps_per_epoch=3, nb_epoch=2, max_q_size=2, pickle_safe=False, "
                "nb_worker=2)\n", "keras2") == \
        "m.fit(x=g, steps_per_epoch=3, epochs=2, max_queue_size=2, use_multiprocessing=False, workers=2)\n"
    assert code("m.predict_generator(g, 4, verbose=1)\nm.evaluate_generator(g, 2)\n") == \
        "m.predict(g, steps=4, verbose=1)\nm.evaluate(g, steps=2)\n"


def test_keras1_sample_counts_are_reported_not_guessed():
    src = "m.fit_generator(g, samples_per_epoch=1000, nb_epoch=3)\n"
    result = migrate(src)
    assert result.code == src and [(i.rule, i.line) for i in result.issues] == [("generator_methods", 1)]
    assert "steps_per_epoch=<samples // batch_size>" in result.issues[0].fix


def test_nb_epoch_and_parallelism_in_fit():
    assert code("m.fit(x, y, nb_epoch=3, workers=4, use_multiprocessing=True)\n", "keras3") == \
        "m.fit(x, y, epochs=3)\n"
    assert code("m.fit(x, y, nb_epoch=3, workers=4)\n", "keras2") == "m.fit(x, y, epochs=3, workers=4)\n"
    assert code("pool.map(f, xs, workers=3)\n") == "pool.map(f, xs, workers=3)\n"


def test_predict_classes_becomes_a_function():
    assert code("print(model.predict_classes(x, batch_size=8))\n", "keras2") == \
        "from compat_attention.legacy import predict_classes\nprint(predict_classes(model, x, batch_size=8))\n"
    assert code("p = self.model.predict_proba(x)\n") == \
        "from compat_attention.legacy import predict_proba\np = predict_proba(self.model, x)\n"
    src = "from sklearn.svm import SVC\np = clf.predict_proba(x)\n"
    result = migrate(src)
    assert result.code == src and [(i.rule, i.line) for i in result.issues] == [("predict_classes", 2)]


def test_sample_weight_mode_dropped_on_keras3():
    assert code("m.compile(loss='mse', optimizer='sgd', sample_weight_mode='temporal')\n") == \
        "m.compile(loss='mse', optimizer='sgd')\n"


CKPT = "from keras.callbacks import ModelCheckpoint\n"


def test_weights_checkpoint_names_and_by_name_loads():
    src = CKPT + ("path = 'w.{epoch:02d}.hdf5'\n"
                  "ck = ModelCheckpoint(path, save_weights_only=True, period=1)\n"
                  "model.load_weights('w.03.hdf5', by_name=True)\n"
                  "model.save_weights('final.h5')\n"
                  "if os.path.exists('final.h5'):\n    model.load_weights('final.h5', by_name=True)\n"
                  "model.load_weights('pretrained_2017.h5', by_name=True)\n")
    assert code(src) == CKPT + ("path = 'w.{epoch:02d}.weights.h5'\n"
                                "ck = ModelCheckpoint(path, save_weights_only=True)\n"
                                "model.load_weights('w.03.weights.h5')\n"
                                "model.save_weights('final.weights.h5')\n"
                                "if os.path.exists('final.weights.h5'):\n    model.load_weights('final.weights.h5')\n"
                                "model.load_weights('pretrained_2017.h5', by_name=True)\n")
    assert migrate(src, "keras2").code == src


def test_model_checkpoint_hdf5_and_period():
    assert code(CKPT + "ModelCheckpoint('best.hdf5', save_best_only=True)\nload_model('best.hdf5')\n") == \
        CKPT + "ModelCheckpoint('best.h5', save_best_only=True)\nload_model('best.h5')\n"
    assert issues(CKPT + "ModelCheckpoint('m.keras', period=5)\n") == [("keras3_file_names", 2)]
    assert issues(CKPT + "ModelCheckpoint(name_from_args, save_weights_only=True)\n") == [("keras3_file_names", 2)]


def test_dict_targets_reported_on_keras3():
    src = "def gen():\n    while True:\n        yield x, {'ctc': zeros}\n"
    assert issues(src) == [("dict_targets", 3)]
    assert issues(src, "keras2") == []
    assert issues("model.fit(x, {'out': y})\n") == [("dict_targets", 1)]
    assert issues("model.fit(x, {'a': y, 'b': z})\n") == []


def test_callback_arguments():
    src = ("from keras.callbacks import ReduceLROnPlateau, TensorBoard\n"
           "ReduceLROnPlateau(monitor='loss', epsilon=1e-4)\nTensorBoard('logs', write_grads=True, batch_size=32)\n")
    assert code(src, "keras3").endswith("ReduceLROnPlateau(monitor='loss', min_delta=1e-4)\nTensorBoard('logs')\n")
    assert code(src, "keras2").endswith("min_delta=1e-4)\nTensorBoard('logs', write_grads=True, batch_size=32)\n")


def test_layer_weights_argument_reported_on_keras3():
    src = "from keras.layers import Dense, Embedding\nDense(3, weights=[w, b])\nEmbedding(10, 3, weights=[m])\n"
    assert issues(src) == [("layer_weights_argument", 2)]
    assert issues(src, "keras2") == []
