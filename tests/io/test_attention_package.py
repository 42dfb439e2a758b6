"""compat_attention.Attention computes what the `attention` package (5.0.0) computes, and loads its files.

Every env: the ``.h5``, ``.weights.h5`` and ``.keras`` files under ``tests/data/attention_pkg/``
were written by the real package on TF 2.14 (``tools/make_attention_pkg_fixtures.py``,
``tools/make_attention_pkg_keras_fixtures.py``), with its predictions stored beside them; they
must load with the very weights the package saved and predict the same (max abs diff <= 1e-5,
recorded as the ``attention_pkg_max_abs_diff`` property). The ``attention_pkg`` tox env also has
the package itself installed: it compares with it live on random weights, and writes every
format with it for our layer to load.
"""

import json
import os
from importlib import metadata

import numpy as np
import pytest

from compat_attention import load_legacy_weights
from compat_attention.errors import NotAKerasFileError, UnknownLayerError, UnsupportedVersionError
from compat_attention._keras.flavour import FLAVOUR, KERAS_3, describe, keras
from compat_attention._keras.ops import ops
from compat_attention._keras.saving import READS_KERAS_V3_FILES, READS_TF_KERAS_2_13_LAYOUT, SAVE_SUFFIXES
from compat_attention.io import archive, loader
from compat_attention.io.h5file import read_legacy_file
from compat_attention.io.loader import load_attention_package_model, load_legacy_model
from compat_attention.io.sources.attention_package import SOURCE
from compat_attention.layers.package_attention import ATTRIBUTES, SCORES, WEIGHT_SUBLAYERS, Attention
from support import DATA as TEST_DATA
from support.bad_files import with_config
from support.harness import round_trip, sha256

TOL = 1e-5
DATA = os.path.join(TEST_DATA, "attention_pkg")
CASES = ("luong_functional", "bahdanau_sequential")
PROPERTY = "attention_pkg_max_abs_diff"  # not "max_abs_diff": that one is the golden-case column


def _package():
    """The real package's layer, or None with the reason it is not usable here."""
    try:
        version = metadata.version("attention")
    except metadata.PackageNotFoundError:
        return None, "the `attention` package is not installed (the attention_pkg tox env has it)"
    if version != "5.0.0":
        return None, "attention %s installed; these comparisons are for 5.0.0" % version
    from attention import Attention as PackageAttention

    return PackageAttention, None


PackageAttention, NO_PACKAGE = _package()
needs_package = pytest.mark.skipif(PackageAttention is None, reason=str(NO_PACKAGE))


def fixture(case, suffix):
    return os.path.join(DATA, case + suffix)


def stored(case):
    with np.load(fixture(case, ".npz")) as data:
        out = {k: data[k] for k in data.files}
    out["weights"] = [out["w_%02d" % i] for i in range(len(out["weight_names"]))]
    return out


def max_abs_diff(got, want):
    got = ops.convert_to_numpy(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    return float(np.abs(got.astype(np.float64) - want).max())


def build_in_code(case, kind="functional", **names):
    """The fixture's architecture written with compat_attention (what a user would write)."""
    score = str(stored(case)["score"])
    lstm = keras.layers.LSTM(16, return_sequences=True, name=names.get("lstm"))
    attention = Attention(units=32, score=score, name=names.get("attention"))
    dense = keras.layers.Dense(3, name=names.get("dense"))
    if kind == "sequential":
        return keras.Sequential([keras.Input((10, 8)), lstm, attention, dense])
    inputs = keras.Input((10, 8))
    return keras.Model(inputs, dense(attention(lstm(inputs))))


def numpy_attention(x, kernels, score):
    """The package's math, restated in float64 NumPy from its documented equations."""
    x = x.astype(np.float64)
    kernels = [k.astype(np.float64) for k in kernels]
    h = x[:, -1, :]
    if score == "luong":
        w, w_c = kernels
        s = np.einsum("btd,bd->bt", x @ w, h)
    else:
        v, w1, w2, w_c = kernels
        s = (np.tanh(x @ w2 + (h @ w1)[:, None, :]) @ v)[:, :, 0]
    a = np.exp(s - s.max(axis=1, keepdims=True))
    a /= a.sum(axis=1, keepdims=True)
    context = np.einsum("bt,btd->bd", a, x)
    return np.tanh(np.concatenate([context, h], axis=-1) @ w_c)


# -- the committed files of the package ------------------------------------------------------

def test_fixtures_are_the_ones_the_tool_wrote():
    manifest = json.load(open(os.path.join(DATA, "manifest.json")))
    assert manifest["versions"]["attention"] == "5.0.0"
    assert manifest["versions"]["tensorflow"].startswith("2.14.")
    for name, digest in manifest["sha256"].items():
        assert sha256(os.path.join(DATA, name)) == digest, name


@pytest.mark.parametrize("case", CASES)
def test_package_file_predicts_what_the_package_predicted(case, record_property):
    path = fixture(case, ".h5")
    before = sha256(path)
    model = load_attention_package_model(path)
    data = stored(case)
    diff = max_abs_diff(model.predict(data["x"], verbose=0), data["y"])
    layer = model.get_layer("attention")
    diff_layer = max_abs_diff(keras.Model(model.inputs, layer.output).predict(data["x"], verbose=0), data["attention"])
    record_property(PROPERTY, max(diff, diff_layer))
    print("%s on %s: max abs diff %.2e (model), %.2e (attention layer)" % (case, FLAVOUR, diff, diff_layer))
    assert isinstance(layer, Attention) and layer.score == str(data["score"]) and layer.units == 32
    assert diff <= TOL and diff_layer <= TOL
    assert sha256(path) == before  # opened read-only


@pytest.mark.parametrize("case", CASES)
def test_loaded_weights_are_the_files_in_the_packages_order(case):
    model = load_attention_package_model(fixture(case, ".h5"))
    data = stored(case)
    layer = model.get_layer("attention")
    names = [str(n) for n in data["weight_names"] if str(n).startswith("attention/")]
    # The package's weight names, our weights' names: <layer>/<sub-layer>/kernel.
    assert names == ["attention/%s/kernel:0" % sub for sub in WEIGHT_SUBLAYERS[layer.score]]
    # Keras 3 names a variable by its path (which a Sequential prefixes with the model's name).
    ours = [(w.path if KERAS_3 else w.name).split(":")[0].split("/")[-3:] for w in layer.weights]
    assert ours == [n.split(":")[0].split("/") for n in names]
    got = [np.asarray(w) for w in model.get_weights()]
    assert len(got) == len(data["weights"])
    for have, want in zip(got, data["weights"]):
        np.testing.assert_array_equal(have, want)


@pytest.mark.parametrize("case", CASES)
def test_model_written_in_code_takes_the_packages_weights_by_position(case):
    model = build_in_code(case)
    data = stored(case)
    model.set_weights(data["weights"])
    assert max_abs_diff(model.predict(data["x"], verbose=0), data["y"]) <= TOL


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("how", ["load_legacy_weights", "load_legacy_weights_by_name", "keras_load_weights"])
def test_weights_only_file_of_the_package_loads(case, how):
    path = fixture(case, "_weights.h5")
    if how == "load_legacy_weights_by_name":
        in_file = [name for name, arrays in read_legacy_file(path).weights.items() if arrays]
        model = build_in_code(case, **dict(zip(("lstm", "attention", "dense"), in_file)))
        load_legacy_weights(model, path, by_name=True)
    elif how == "load_legacy_weights":
        model = build_in_code(case)
        load_legacy_weights(model, path)
    else:
        model = build_in_code(case)
        model.load_weights(path)  # the running Keras's own reader: by position, weight order must match
    data = stored(case)
    assert max_abs_diff(model.predict(data["x"], verbose=0), data["y"]) <= TOL


@pytest.mark.skipif(KERAS_3, reason="Keras 3's load_model refuses tf.keras 2 recurrent configs (time_major); "
                                    "load_attention_package_model is the way there")
def test_keras_2_load_model_with_custom_objects():
    for case in CASES:
        model = keras.models.load_model(fixture(case, ".h5"), custom_objects={"Attention": Attention}, compile=False)
        data = stored(case)
        assert isinstance(model.get_layer("attention"), Attention)
        assert max_abs_diff(model.predict(data["x"], verbose=0), data["y"]) <= TOL, case


def test_compile_uses_the_recorded_loss_and_optimizer():
    model = load_attention_package_model(fixture("luong_functional", ".h5"), compile=True)
    data = stored("luong_functional")
    assert type(model.optimizer).__name__ == "Adam"
    loss = model.evaluate(data["x"], data["y"], verbose=0)
    assert float(np.ravel(loss)[0]) <= 1e-9  # mse against its own stored predictions


def test_plan_names_what_it_rewrites_and_why():
    config, applied = SOURCE.rewrites.plan(read_legacy_file(fixture("luong_functional", ".h5")).model_config)
    assert ("drop_time_major", "encoder") in applied
    assert "time_major" in SOURCE.rewrites.describe("drop_time_major")
    lstm = [l for l in config["config"]["layers"] if l["class_name"] == "LSTM"][0]
    assert "time_major" not in lstm["config"]


def test_sequential_without_input_layer_loads(tmp_path):
    # tf.keras 2 Sequential models built with input_shape= on the first layer (no Input).
    def first_layer_input(config):
        layers = config["config"]["layers"]
        shape = layers.pop(0)["config"]["batch_input_shape"]
        layers[0]["config"]["batch_input_shape"] = shape

    path = with_config(fixture("bahdanau_sequential", ".h5"), str(tmp_path / "no_input.h5"), first_layer_input)
    config, applied = SOURCE.rewrites.plan(read_legacy_file(path).model_config)
    assert ("sequential_input_from_first_layer", None) in applied
    model = load_attention_package_model(path)
    data = stored("bahdanau_sequential")
    assert max_abs_diff(model.predict(data["x"], verbose=0), data["y"]) <= TOL


def test_the_source_is_recognised_by_the_packages_layer_and_lists_tf_keras_2s_facts():
    from compat_attention.io.sources.attention_package import holds_package_attention

    config = read_legacy_file(fixture("luong_functional", ".h5")).model_config
    assert holds_package_attention(config)
    keras_attention = {"class_name": "Model", "config": {"layers": [
        {"class_name": "Attention", "config": {"name": "a", "use_scale": False}}]}}
    assert not holds_package_attention(keras_attention)  # keras.layers.Attention: no units
    wrapped = {"class_name": "Model", "config": {"layers": [{"class_name": "TimeDistributed", "config": {
        "layer": {"class_name": "Attention", "config": {"units": 4}}}}]}}
    assert holds_package_attention(wrapped) and not holds_package_attention(None)
    assert SOURCE.evidence is holds_package_attention and SOURCE.keras_versions == ("2.",)
    assert [fn.__name__ for fn in SOURCE.rewrites.rewrites] == [
        "sequential_input_from_first_layer", "drop_inner_batch_input_shape", "drop_time_major", "legacy_hard_sigmoid",
        "drop_embedding_input_length", "initializer_class_names", "optimizer_custom_prefix"]


def test_its_own_checks_refuse_a_keras_2_0_file_and_a_file_without_the_packages_layer():
    from compat_attention.io.structure import check_structure

    bare = check_structure("m.h5", {"class_name": "Sequential", "config": [
        {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [None, 3]}}]})
    with pytest.raises(UnsupportedVersionError, match="^m.h5: is a Keras 2.0.x Sequential file .*load_legacy_model$"):
        for check in SOURCE.checks:
            check(bare)
    plain = check_structure("m.h5", {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [None, 3]}}]}})
    with pytest.raises(UnknownLayerError, match="holds no Attention layer of the attention package"):
        for check in SOURCE.checks:
            check(plain)


# -- the formats of tf.keras >= 2.13: .keras archives and .weights.h5 ------------------------
# They store each weight under its layer's attribute path (.../attention/w_c/vars/0), so our
# layer keeps its sub-layers under the package's attribute names. A Keras before them (tf.keras
# < 2.13) reads neither: the tests that read them skip there, and the loader's refusal is tested.

needs_keras_v3_files = pytest.mark.skipif(
    not READS_KERAS_V3_FILES, reason="this Keras (%s) reads no .keras archive or .weights.h5 file: the formats "
    "came with tf.keras 2.13" % describe())
# The committed files were written by tf.keras 2.14, whose layout Keras 2.15 on (tf_keras) does not
# find with its own reader; load_attention_package_model reads them there too.
KERAS_READS_THE_FIXTURES_ITSELF = "Keras' own reader of this Keras (%s) finds no layer of a tf.keras 2.13/2.14 " \
    ".keras or .weights.h5 file (stored under _layer_checkpoint_dependencies, not layers)" % describe()
needs_tf_keras_2_13_layout = pytest.mark.skipif(not READS_TF_KERAS_2_13_LAYOUT, reason=KERAS_READS_THE_FIXTURES_ITSELF)

KERAS_FORMATS = json.load(open(os.path.join(DATA, "keras_formats.json")))
# A Keras 3 archive of our layer (the model loader refuses it: keras.models.load_model reads it).
KERAS_3_ARCHIVE = os.path.join(DATA, "ours_keras3_luong_functional.keras")


def attention_attributes(weights_h5):
    """The attributes under which a ``.weights.h5`` stores the Attention layer's kernels."""
    import h5py

    found = set()
    with h5py.File(weights_h5, "r") as f:
        def visit(name, obj):
            parts = name.split("/")
            if isinstance(obj, h5py.Dataset) and "attention" in parts:
                found.add(parts[parts.index("attention") + 1])
        f.visititems(visit)
    return sorted(found)


def package_attributes(score):
    return sorted(ATTRIBUTES[sub] for sub in WEIGHT_SUBLAYERS[score])


def assert_weights_are_the_packages(model, case):
    got = [np.asarray(w) for w in model.get_weights()]
    want = stored(case)["weights"]
    assert len(got) == len(want)
    for have, expected in zip(got, want):
        np.testing.assert_array_equal(have, expected)


def test_keras_format_fixtures_are_the_ones_the_tool_wrote():
    assert KERAS_FORMATS["written_by"] == "tools/make_attention_pkg_keras_fixtures.py"
    for name, digest in KERAS_FORMATS["sha256"].items():
        assert sha256(os.path.join(DATA, name)) == digest, name
    for case in CASES:
        recorded = KERAS_FORMATS["cases"][case]
        assert recorded["writer"].startswith("attention 5.0.0 on TensorFlow 2.14.")
        assert recorded["attributes"] == attention_attributes(fixture(case, ".weights.h5"))
        assert recorded["attributes"] == package_attributes(str(stored(case)["score"]))  # w_c, not attention_vector


@needs_keras_v3_files
@needs_tf_keras_2_13_layout
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("suffix", [".weights.h5", ".keras"])
def test_package_weights_load_into_a_model_written_in_code(case, suffix, record_property):
    data = stored(case)
    model = build_in_code(case, kind=str(data["kind"]))
    model.load_weights(fixture(case, suffix))  # Keras' own reader, by attribute path
    assert_weights_are_the_packages(model, case)
    diff = max_abs_diff(model.predict(data["x"], verbose=0), data["y"])
    record_property(PROPERTY, diff)
    print("%s%s on %s: max abs diff %.2e" % (case, suffix, FLAVOUR, diff))
    assert diff <= TOL


@needs_keras_v3_files
@pytest.mark.parametrize("case", CASES)
def test_package_keras_archive_loads(case, record_property):
    path = fixture(case, ".keras")
    before = sha256(path)
    model = load_attention_package_model(path)
    data = stored(case)
    layer = model.get_layer("attention")
    assert isinstance(layer, Attention) and layer.score == str(data["score"]) and layer.units == 32
    assert isinstance(model, keras.Sequential) == (str(data["kind"]) == "sequential")
    assert_weights_are_the_packages(model, case)
    diff = max_abs_diff(model.predict(data["x"], verbose=0), data["y"])
    diff_layer = max_abs_diff(keras.Model(model.inputs, layer.output).predict(data["x"], verbose=0), data["attention"])
    record_property(PROPERTY, max(diff, diff_layer))
    print("%s.keras on %s: max abs diff %.2e (model), %.2e (attention layer)" % (case, FLAVOUR, diff, diff_layer))
    assert diff <= TOL and diff_layer <= TOL
    assert sha256(path) == before


@needs_keras_v3_files
def test_package_keras_archive_compiles_with_its_loss_and_optimizer():
    model = load_attention_package_model(fixture("luong_functional", ".keras"), compile=True)
    data = stored("luong_functional")
    assert type(model.optimizer).__name__ == "Adam"
    assert float(np.ravel(model.evaluate(data["x"], data["y"], verbose=0))[0]) <= 1e-9


@needs_keras_v3_files
@needs_tf_keras_2_13_layout
@pytest.mark.skipif(KERAS_3, reason="Keras 3's load_model refuses tf.keras 2 archive configs (time_major, "
                                    "keras.src.engine modules); load_attention_package_model is the way there")
def test_keras_2_load_model_reads_the_package_archive_with_custom_objects():
    for case in CASES:
        model = keras.models.load_model(fixture(case, ".keras"), custom_objects={"Attention": Attention}, compile=False)
        assert isinstance(model.get_layer("attention"), Attention)
        assert_weights_are_the_packages(model, case)
        assert max_abs_diff(model.predict(stored(case)["x"], verbose=0), stored(case)["y"]) <= TOL, case


@needs_keras_v3_files
def test_model_loader_refuses_a_weights_file_and_a_keras_3_archive_in_one_line():
    with pytest.raises(NotAKerasFileError, match=r"\.weights\.h5 file .*model\.load_weights\(path\)") as info:
        load_attention_package_model(fixture("luong_functional", ".weights.h5"))
    assert "\n" not in str(info.value)
    with pytest.raises(UnsupportedVersionError, match="written by Keras 3.*keras.models.load_model") as info:
        load_attention_package_model(KERAS_3_ARCHIVE)
    assert "\n" not in str(info.value)


@pytest.mark.skipif(READS_KERAS_V3_FILES, reason="this Keras (%s) reads .keras archives and .weights.h5 "
                    "files: their refusal is for tf.keras < 2.13" % describe())
def test_keras_before_2_13_refuses_keras_archives_and_weights_files_in_one_line(monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the file was read before the refusal")

    # Refused before the archive is opened, a model built or any weight read.
    monkeypatch.setattr(archive.zipfile, "ZipFile", must_not_run)
    monkeypatch.setattr(archive, "parse_json", must_not_run)
    monkeypatch.setattr(loader, "build_model", must_not_run)
    monkeypatch.setattr(keras.Model, "load_weights", must_not_run)
    archives = [fixture(case, ".keras") for case in CASES] + [KERAS_3_ARCHIVE]
    for path in archives:
        before = sha256(path)
        for load in (load_attention_package_model, load_legacy_model):
            with pytest.raises(UnsupportedVersionError) as info:
                load(path)
            message = str(info.value)
            assert "\n" not in message
            assert message == "%s: is a .keras archive, a format that came with tf.keras 2.13: %s reads none; " \
                "upgrade to TensorFlow >= 2.13, or load the package's .h5 file (model.save('model.h5')) with " \
                "load_attention_package_model" % (path, describe()), message
            assert info.value.path == path
        assert sha256(path) == before, path
    for path in [fixture(case, ".weights.h5") for case in CASES]:
        before = sha256(path)
        with pytest.raises(NotAKerasFileError, match=r"\.weights\.h5 file .*came with tf\.keras 2\.13: .*reads none; "
                           r"upgrade to TensorFlow >= 2\.13") as info:
            load_attention_package_model(path)
        assert "\n" not in str(info.value) and str(info.value).startswith(path + ": ")
        assert describe() in str(info.value)
        assert sha256(path) == before, path


@needs_keras_v3_files
@pytest.mark.parametrize("score", SCORES)
def test_our_files_now_store_the_packages_layout(tmp_path, score):
    rng = np.random.RandomState(4)
    inputs = keras.Input((5, 3))
    model = keras.Model(inputs, Attention(4, score=score, name="attention")(inputs))
    model.set_weights([rng.normal(0, 0.7, tuple(w.shape)).astype("float32") for w in model.weights])
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    assert attention_attributes(path) == package_attributes(score)
    again = keras.Model(inputs, Attention(4, score=score, name="attention")(inputs))
    again.load_weights(path)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- bad files: tests/io/test_boundary.py, with the corpus of every loader ------------------


# -- the layer itself ------------------------------------------------------------------------

def test_constructor_defaults_and_validation():
    layer = Attention()
    assert (layer.units, layer.score) == (128, "luong")
    for bad in ({"units": 0}, {"units": 2.5}, {"units": True}, {"score": "general"}, {"score": "Luong"}):
        with pytest.raises(ValueError):
            Attention(**bad)
    with pytest.raises(ValueError, match="3D input"):
        Attention(4).build((None, 8))


@pytest.mark.parametrize("score", SCORES)
def test_config_round_trip(score):
    layer = Attention(units=7, score=score, name="att")
    config = layer.get_config()
    assert {"name", "trainable", "dtype", "units", "score"} <= set(config)
    again = Attention.from_config(config)
    assert again.get_config() == config
    # The package's own config (what its .h5 files hold) builds ours.
    ours = Attention.from_config({"name": "attention_5", "trainable": True, "dtype": "float32", "units": 6, "score": score})
    assert (ours.name, ours.units, ours.score) == ("attention_5", 6, score)
    assert keras.utils.get_registered_object("compat_attention>Attention") is Attention


@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("steps", [1, 6, None])
def test_shapes_and_weights(score, steps):
    layer = Attention(units=5, score=score)
    inputs = keras.Input((steps, 3))
    out = layer(inputs)
    assert tuple(out.shape) == (None, 5)
    assert layer.compute_output_shape((None, steps, 3)) == (None, 5)
    shapes = {"luong_w": (3, 3), "bahdanau_v": (3, 1), "bahdanau_w1": (3, 3), "bahdanau_w2": (3, 3),
              "attention_vector": (6, 5)}
    assert [tuple(w.shape) for w in layer.weights] == [shapes[s] for s in WEIGHT_SUBLAYERS[score]]
    assert len(layer.trainable_weights) == len(WEIGHT_SUBLAYERS[score])


@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("steps", [1, 2, 9])
def test_matches_the_documented_equations(score, steps):
    rng = np.random.RandomState(steps)
    layer = Attention(units=4, score=score)
    x = rng.normal(0, 1, (3, steps, 5)).astype("float32")
    layer(x)
    kernels = [rng.normal(0, 0.8, tuple(w.shape)).astype("float32") for w in layer.weights]
    layer.set_weights(kernels)
    assert max_abs_diff(layer(x), numpy_attention(x, kernels, score)) <= TOL


@pytest.mark.parametrize("score", SCORES)
def test_unknown_length_runs_on_every_length(score):
    rng = np.random.RandomState(0)
    inputs = keras.Input((None, 4))
    model = keras.Model(inputs, Attention(units=3, score=score)(inputs))
    kernels = [rng.normal(0, 0.8, tuple(w.shape)).astype("float32") for w in model.weights]
    model.set_weights(kernels)
    for steps in (1, 4, 11):
        x = rng.normal(0, 1, (2, steps, 4)).astype("float32")
        assert max_abs_diff(model.predict(x, verbose=0), numpy_attention(x, kernels, score)) <= TOL


def test_mask_is_ignored_and_not_passed_on():
    rng = np.random.RandomState(1)
    x = rng.normal(0, 1, (2, 5, 3)).astype("float32")
    x[0, 3:] = 0.0  # padded steps
    inputs = keras.Input((5, 3))
    masked = keras.layers.Masking(0.0)(inputs)
    layer = Attention(units=4)
    with_mask = keras.Model(inputs, layer(masked))
    without = keras.Model(inputs, layer(inputs))
    np.testing.assert_array_equal(with_mask.predict(x, verbose=0), without.predict(x, verbose=0))
    assert layer.compute_mask(x, np.ones((2, 5), bool)) is None


@pytest.mark.parametrize("suffix", SAVE_SUFFIXES)
def test_model_with_our_layer_saves_and_reloads(tmp_path, suffix):
    model = load_attention_package_model(fixture("bahdanau_sequential", ".h5"))
    data = stored("bahdanau_sequential")
    _, reloaded = round_trip(model, data["x"], tmp_path, suffixes=[suffix], compile=False)
    reloaded = reloaded[suffix]
    assert isinstance(reloaded.get_layer("attention"), Attention)
    assert reloaded.get_layer("attention").score == "bahdanau"
    assert max_abs_diff(reloaded.predict(data["x"], verbose=0), data["y"]) <= TOL


@pytest.mark.parametrize("score", SCORES)
def test_trains(score):
    rng = np.random.RandomState(2)
    inputs = keras.Input((6, 4))
    model = keras.Model(inputs, keras.layers.Dense(1)(Attention(units=8, score=score)(inputs)))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x, y = rng.normal(0, 1, (32, 6, 4)).astype("float32"), rng.normal(0, 1, (32, 1)).astype("float32")
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    # Every kernel of the layer receives a gradient.
    assert all(not np.array_equal(a, np.array(b)) for a, b in zip(before, model.get_weights()))


# -- the live package (the attention_pkg tox env) --------------------------------------------

LIVE_SHAPES = [(1, 4, 3), (2, 3, 5), (10, 8, 32), (7, 5, 16), (40, 16, 128)]  # (T, D, units)


def _live_diff(score, steps, features, units):
    rng = np.random.RandomState(steps * 1000 + features)
    x = rng.normal(0, 1, (4, steps, features)).astype("float32")
    theirs = PackageAttention(units=units, score=score)
    theirs(x)
    kernels = [rng.normal(0, 0.7, tuple(w.shape)).astype("float32") for w in theirs.weights]
    theirs.set_weights(kernels)
    ours = Attention.from_config(theirs.get_config())  # the package's config builds ours
    ours(x)
    # Same weight names after the layer's own name, same shapes, same order.
    assert [(w.name.split("/", 1)[1], tuple(w.shape)) for w in ours.weights] == \
        [(w.name.split("/", 1)[1], tuple(w.shape)) for w in theirs.weights]
    ours.set_weights(kernels)
    return max_abs_diff(ours(x), np.asarray(theirs(x), np.float64))


@needs_package
@pytest.mark.parametrize("score", SCORES)
def test_live_package_on_random_weights(score, record_property):
    diffs = {shape: _live_diff(score, *shape) for shape in LIVE_SHAPES}
    record_property(PROPERTY, max(diffs.values()))
    report = ", ".join("T=%d D=%d units=%d: %.1e" % (shape + (diff,)) for shape, diff in diffs.items())
    print("live %s: %s" % (score, report))
    assert max(diffs.values()) <= TOL, report


def _saved_now_diff(tmp_path, score, steps):
    inputs = keras.Input((steps, 5))  # the package runs on this env's tf.keras
    x = keras.layers.LSTM(6, return_sequences=True)(inputs)
    x = PackageAttention(units=4, score=score)(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    rng = np.random.RandomState(3)
    model.set_weights([rng.normal(0, 0.7, tuple(w.shape)).astype("float32") for w in model.weights])
    path = str(tmp_path / ("%s_%s.h5" % (score, steps)))
    model.save(path)
    loaded = load_attention_package_model(path)
    diffs = []
    for length in ([steps] if steps else [1, 4, 9]):
        x = rng.normal(0, 1, (3, length, 5)).astype("float32")
        diffs.append(max_abs_diff(loaded.predict(x, verbose=0), np.asarray(model.predict(x, verbose=0), np.float64)))
    return max(diffs)


@needs_package
def test_live_package_files_saved_now_load(tmp_path, record_property):
    # T=1 for both scores; T unknown (None) for luong, the one score whose package layer accepts it.
    cases = [("luong", 1), ("bahdanau", 1), ("luong", None), ("bahdanau", 3)]
    diffs = {case: _saved_now_diff(tmp_path, *case) for case in cases}
    record_property(PROPERTY, max(diffs.values()))
    report = ", ".join("%s T=%s: %.1e" % (score, steps, diff) for (score, steps), diff in diffs.items())
    print("saved now: " + report)
    assert max(diffs.values()) <= TOL, report


LIVE_FORMATS = (".h5", ".weights.h5", ".keras")
LIVE_TOL = 1e-6  # same TensorFlow, same weights: only the order of float32 operations differs


def _package_model(score, kind):
    layers = [keras.layers.LSTM(6, return_sequences=True), PackageAttention(units=4, score=score, name="attention"),
              keras.layers.Dense(2)]
    if kind == "sequential":
        model = keras.Sequential([keras.Input((7, 5))] + layers)
    else:
        inputs = keras.Input((7, 5))
        x = inputs
        for layer in layers:
            x = layer(x)
        model = keras.Model(inputs, x)
    rng = np.random.RandomState(11)
    model.set_weights([rng.normal(0, 0.7, tuple(w.shape)).astype("float32") for w in model.weights])
    return model


def _our_model(score, kind):
    layers = [keras.layers.LSTM(6, return_sequences=True), Attention(units=4, score=score, name="attention"),
              keras.layers.Dense(2)]
    if kind == "sequential":
        return keras.Sequential([keras.Input((7, 5))] + layers)
    inputs = keras.Input((7, 5))
    x = inputs
    for layer in layers:
        x = layer(x)
    return keras.Model(inputs, x)


@needs_keras_v3_files
@needs_package
@pytest.mark.parametrize("kind", ["functional", "sequential"])
@pytest.mark.parametrize("score", SCORES)
def test_live_package_writes_every_format_and_ours_loads_it(tmp_path, score, kind, record_property):
    theirs = _package_model(score, kind)
    x = np.random.RandomState(12).normal(0, 1, (6, 7, 5)).astype("float32")
    want = np.asarray(theirs.predict(x, verbose=0), np.float64)
    ours_attention = {"Attention": Attention}  # ours in place of the package's class
    loaded = {}
    for suffix in LIVE_FORMATS:
        path = str(tmp_path / ("%s_%s%s" % (score, kind, suffix)))
        if suffix == ".weights.h5":
            theirs.save_weights(path)
            model = _our_model(score, kind)
            model.load_weights(path)
            loaded[suffix + " load_weights"] = model
        else:
            theirs.save(path)
            loaded[suffix + " load_attention_package_model"] = load_attention_package_model(path)
            loaded[suffix + " load_model"] = keras.models.load_model(path, custom_objects=ours_attention, compile=False)
    diffs = {}
    for how, model in loaded.items():
        assert isinstance(model.get_layer("attention"), Attention), how
        for have, expected in zip(model.get_weights(), theirs.get_weights()):
            np.testing.assert_array_equal(have, expected)
        diffs[how] = max_abs_diff(model.predict(x, verbose=0), want)
    record_property(PROPERTY, max(diffs.values()))
    report = ", ".join("%s: %.1e" % item for item in diffs.items())
    print("live %s %s: %s" % (score, kind, report))
    assert max(diffs.values()) <= LIVE_TOL, report


@needs_keras_v3_files
@needs_package
@pytest.mark.parametrize("score", SCORES)
def test_live_package_loads_the_weights_files_we_write_now(tmp_path, score):
    ours = _our_model(score, "functional")
    rng = np.random.RandomState(13)
    ours.set_weights([rng.normal(0, 0.7, tuple(w.shape)).astype("float32") for w in ours.weights])
    path = str(tmp_path / "ours.weights.h5")
    ours.save_weights(path)
    theirs = _package_model(score, "functional")
    theirs.load_weights(path)
    for have, expected in zip(theirs.get_weights(), ours.get_weights()):
        np.testing.assert_array_equal(have, expected)
    x = rng.normal(0, 1, (4, 7, 5)).astype("float32")
    assert max_abs_diff(ours.predict(x, verbose=0), np.asarray(theirs.predict(x, verbose=0), np.float64)) <= LIVE_TOL
