"""rules/training.py: generator methods, Keras 1 spellings, parallelism, predict_classes, dict targets."""

from migrate_helpers import code, issues, migrate


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


def test_dict_targets_reported_on_keras3():
    src = "def gen():\n    while True:\n        yield x, {'ctc': zeros}\n"
    assert issues(src) == [("dict_targets", 3)]
    assert issues(src, "keras2") == []
    assert issues("model.fit(x, {'out': y})\n") == [("dict_targets", 1)]
    assert issues("model.fit(x, {'a': y, 'b': z})\n") == []


def test_parallelism_arguments_dropped_from_predict_too():
    # spec.TRAINING_METHODS once lost "predict" to a second table of the same name (the corpus caught it)
    assert code("probs = model.predict(g, steps=1, max_queue_size=2, workers=1)\n") == "probs = model.predict(g, steps=1)\n"
    assert code("probs = model.predict_generator(g, steps=1, max_queue_size=2)\n") == "probs = model.predict(g, steps=1)\n"
