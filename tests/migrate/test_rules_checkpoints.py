"""rules/checkpoints.py: the file names Keras 3 dictates."""

from migrate_helpers import code, issues, migrate


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


def test_keras3_refuses_by_name_of_any_value_for_weights_h5_files():
    # Keras 3.15's load_weights raises for by_name=True and by_name=False alike on .weights.h5
    assert code("model.load_weights('w.weights.h5', by_name=False)\n") == "model.load_weights('w.weights.h5')\n"
    assert code("model.load_weights('legacy.hdf5', by_name=False)\n") == "model.load_weights('legacy.hdf5', by_name=False)\n"
