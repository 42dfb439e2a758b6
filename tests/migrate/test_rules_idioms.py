"""rules/idioms.py and the idioms of issue 25 handled elsewhere: each before -> after, or reported with its line."""

import pytest

from migrate_helpers import code, issues, migrate

NP = "import numpy as np\n"


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_numpy_2_removed_names(target):
    before = NP + "n = np.product(s)\nf = np.float(3)\ni = np.int(2.5)\nm = np.NaN\nq = np.NINF\nc = np.cumproduct(a)\n"
    after = NP + "n = np.prod(s)\nf = float(3)\ni = int(2.5)\nm = np.nan\nq = -np.inf\nc = np.cumprod(a)\n"
    assert code(before, target) == after
    assert code("import numpy\nnumpy.product(s)\n", target) == "import numpy\nnumpy.prod(s)\n"
    assert issues(NP + "x = 1\nv = np.asscalar(a)\n", target) == [("numpy_removed_names", 3)]
    assert code("import mylib as np\nnp.product(s)\n", target) == "import mylib as np\nnp.product(s)\n"


def test_xrange_in_a_python_3_file():
    assert code("for i in xrange(3):\n    pass\n") == "for i in range(3):\n    pass\n"
    kept = "from six.moves import xrange\nfor i in xrange(3):\n    pass\n"
    assert code(kept) == kept


def test_fit_show_accuracy_dropped():
    assert code("model.fit(x, y, show_accuracy=True, verbose=2)\n") == "model.fit(x, y, verbose=2)\n"
    assert code("model.evaluate(x, y, show_accuracy=True)\n") == "model.evaluate(x, y)\n"


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_set_image_dim_ordering(target):
    src = "from keras import backend as K\nK.set_image_dim_ordering('th')\n"
    assert code(src, target).endswith("K.set_image_data_format('channels_first')\n")
    assert code(src.replace("'th'", "'tf'"), target).endswith("K.set_image_data_format('channels_last')\n")
    found = issues(src.replace("'th'", "ordering"), target)  # not a literal: reported once, left as it is
    assert found == [("keras1_leftovers", 2)]


def test_tf_print_kept_as_tf_compat_v1_print():
    # the helper copied with the legacy attention module: tfPrint = lambda d, T: tf.Print(input_=T, ...)
    src = "import tensorflow as tf\ntfPrint = lambda d, T: tf.Print(input_=T, data=[T], message=d)\n"
    assert code(src) == src.replace("tf.Print", "tf.compat.v1.Print")
    mine = "from mylib import tf\ntf.Print(x)\n"
    assert code(mine) == mine


def test_keras_legacy_interfaces_and_keras1_layer_methods_reported():
    src = ("from keras.engine.topology import Layer\nfrom keras.legacy import interfaces\n"
           "class My(Layer):\n    def build(self):\n        pass\n    def get_output_shape_for(self, s):\n        return s\n")
    result = migrate(src)
    assert [(i.line, i.rule, i.what) for i in result.issues] == [
        (2, "keras1_leftovers", "from keras.legacy import ..."),
        (4, "keras1_leftovers", "My.build(self)"), (6, "keras1_leftovers", "My.get_output_shape_for")]
    assert "rename it compute_output_shape" in result.issues[2].format()
    fine = "from keras.layers import Layer\nclass My(Layer):\n    def build(self, input_shape):\n        pass\n"
    assert issues(fine) == []


@pytest.mark.parametrize("target", ["keras2", "keras3"])
def test_keras_layers_imports_that_moved(target):
    # Keras 2.0's keras.layers re-exported these modules; merge unused goes, plot became plot_model
    assert code("from keras.layers import activations, Dense\nactivations.relu\nDense\n", target) == \
        "from keras.layers import Dense\nfrom keras import activations\nactivations.relu\nDense\n"
    assert code("from keras.layers import merge, Dense\nDense(3)\n", target) == "from keras.layers import Dense\nDense(3)\n"
    assert code("from keras.utils.visualize_util import plot\nplot(model, to_file='m.png')\n", target) == \
        "from keras.utils import plot_model as plot\nplot(model, to_file='m.png')\n"


def test_dict_target_through_a_name_is_reported_on_keras3():
    src = ("def gen():\n    while True:\n        outputs = {'ctc': np.zeros([32])}\n"
           "        yield (inputs, outputs)\n")
    assert issues(src) == [("dict_targets", 4)]
    assert issues(src, "keras2") == []
