"""compat_attention.io.resources: the parameter cap, stored sizes, classes known, parameters declared vs stored.

The parameters a layer of ours needs come from its class (``decoder/cell.weight_shapes``,
``package_attention.kernel_shapes``): the estimate is checked against the weights the class makes.
"""

import numpy as np
import pytest

from compat_attention import AttentionDecoder, errors
from compat_attention._keras.flavour import keras
from compat_attention.io import resources
from compat_attention.io.structure import check_structure
from compat_attention.layers.package_attention import Attention


def _sequential(*layers):
    return {"class_name": "Sequential", "config": {"name": "s", "layers": list(layers)}}


def _check(model_config, stored=None, limit=10 ** 6, custom_objects=None):
    resources.check_resources(check_structure("m.h5", model_config), stored or {}, limit, custom_objects or {})


def _declared(model_config):
    subject = check_structure("m.h5", model_config)
    return [params for _, _, params in resources._declared(subject)]


def _count(layer):
    return sum(int(np.prod(w.shape)) for w in layer.weights)


def test_attention_decoder_needs_the_weights_its_cell_makes():
    inputs = keras.Input((5, 6))
    decoder = AttentionDecoder(7, 3, name="dec")
    keras.Model(inputs, decoder(inputs))
    model = _sequential({"class_name": "LSTM", "config": {"name": "l", "units": 6, "batch_input_shape": [None, 5, 4]}},
                        {"class_name": "AttentionDecoder", "config": {"name": "dec", "units": 7, "output_dim": 3}})
    assert _declared(model)[1] == _count(decoder) == 7 * 7 + 6 * 7 + 7 + 7 + 3 * (6 * 7 + 7 * 7 + 3 * 7 + 7) + \
        (6 * 3 + 7 * 3 + 3 * 3 + 3) + 6 * 7


@pytest.mark.parametrize("score", ["luong", "bahdanau"])
def test_package_attention_needs_the_kernels_it_makes(score):
    inputs = keras.Input((5, 6))
    layer = Attention(units=4, score=score, name="att")
    keras.Model(inputs, layer(inputs))
    model = _sequential({"class_name": "LSTM", "config": {"name": "l", "units": 6, "batch_input_shape": [None, 5, 4]}},
                        {"class_name": "Attention", "config": {"name": "att", "units": 4, "score": score}})
    assert _declared(model)[1] == _count(layer)


def test_keras_layers_need_at_least_their_kernels():
    model = _sequential({"class_name": "Dense", "config": {"name": "d", "units": 5, "batch_input_shape": [None, 3]}},
                        {"class_name": "LSTM", "config": {"name": "l", "units": 2}})
    assert _declared(model) == [3 * 5, 4 * 2 * (5 + 2)]


def test_a_layer_needing_more_than_the_cap_is_refused_before_anything_is_built():
    model = _sequential({"class_name": "Dense", "config": {"name": "big", "units": 10 ** 5,
                                                          "batch_input_shape": [None, 10 ** 4]}})
    with pytest.raises(errors.ResourceLimitError, match="layer 'big' .*need at least 1000000000 parameters, over the "
                       "limit of 1000000.*COMPAT_ATTENTION_MAX_PARAMETERS"):
        _check(model)


def test_sizes_far_beyond_the_stored_weights_are_refused():
    model = _sequential({"class_name": "Dense", "config": {"name": "d", "units": 2000, "batch_input_shape": [None, 1000]}})
    with pytest.raises(errors.ResourceLimitError, match="need at least 2000000 parameters, the file stores 6 for it"):
        _check(model, stored={"d": 6}, limit=10 ** 8)
    _check(model, stored={"d": 2002000}, limit=10 ** 8)


def test_unknown_and_refused_classes():
    fancy = _sequential({"class_name": "FancyLSTM", "config": {"name": "f"}})
    with pytest.raises(errors.UnknownLayerError, match="class 'FancyLSTM'.*custom_objects=\\{'FancyLSTM'"):
        _check(fancy)
    _check(fancy, custom_objects={"FancyLSTM": keras.layers.LSTM})
    with pytest.raises(errors.UnknownLayerError, match="class 'TFSMLayer'"):
        _check(_sequential({"class_name": "TFSMLayer", "config": {"name": "t"}}))


def test_check_stored_size_counts_toward_the_cap():
    assert resources.check_stored_size("m.h5", "d", "kernel", (3, 4), 0, 100) == 12
    with pytest.raises(errors.ResourceLimitError, match="layer 'd', weight 'kernel': shape \\(3, 4\\) brings the "
                       "stored parameters to 102, over the limit of 100"):
        resources.check_stored_size("m.h5", "d", "kernel", (3, 4), 90, 100)


def test_parameter_limit(monkeypatch):
    monkeypatch.delenv(resources.MAX_PARAMETERS_ENV, raising=False)
    assert resources.parameter_limit() == resources.MAX_PARAMETERS == 100 * 1000 * 1000
    assert resources.parameter_limit(5) == 5
    monkeypatch.setenv(resources.MAX_PARAMETERS_ENV, "7")
    assert resources.parameter_limit() == 7
    for bad in (0, -1, 2.5, True):
        with pytest.raises(errors.UsageError):
            resources.parameter_limit(bad)
