"""compat_attention.io.structure: each check refuses what Keras 2 never wrote, in one line naming layer and key."""

import copy

import pytest

from compat_attention import errors
from compat_attention.io.structure import STRUCTURE, check_structure


def _functional():
    return {"class_name": "Model", "config": {
        "name": "m", "input_layers": [["in", 0, 0]], "output_layers": [["d", 0, 0]],
        "layers": [
            {"name": "in", "class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [None, 3]},
             "inbound_nodes": []},
            {"name": "d", "class_name": "Dense", "config": {"name": "d", "units": 2},
             "inbound_nodes": [[["in", 0, 0, {}]]]}]}}


def test_a_well_formed_config_passes_and_the_subject_walked_it():
    subject = check_structure("m.h5", _functional())
    assert subject.is_functional and [entry["name"] for entry in subject.layers] == ["in", "d"]
    assert [class_name for _, class_name, _, _ in subject.nodes] == ["InputLayer", "Dense"]
    assert len(STRUCTURE) == 9 and all(fn.fact for fn in STRUCTURE)


def _edited(edit):
    config = _functional()
    edit(config)
    return config


BROKEN = [
    (lambda c: c.update(class_name="Graph"), errors.UnknownLayerError, "model class 'Graph' is not supported"),
    (lambda c: c["config"]["layers"].append({"class_name": "Sequential", "name": "s", "config": {}, "inbound_nodes": []}),
     errors.UnknownLayerError, "nested model"),
    (lambda c: c["config"]["layers"][1].update(config=[1]), errors.MalformedFileError, "key 'config'"),
    (lambda c: c["config"]["layers"][1].update(class_name="Bidirectional"), errors.MalformedFileError,
     "a Bidirectional wraps a layer, but 'layer' is a null"),
    (lambda c: c["config"]["layers"][1].update(name="in"), errors.MalformedFileError, "also that of layer 0"),
    (lambda c: c["config"]["layers"][1]["config"].update(units=2.5), errors.MalformedFileError, "key 'units'"),
    (lambda c: c["config"]["layers"][1].update(inbound_nodes=[[["nowhere", 0, 0, {}]]]), errors.MalformedFileError,
     "reads layer 'nowhere'"),
    (lambda c: c["config"].update(output_layers=[]), errors.MalformedFileError, "key 'output_layers': is empty"),
    (lambda c: c["config"]["layers"][0]["config"].pop("batch_input_shape"), errors.MalformedFileError,
     "InputLayer without batch_input_shape"),
    (lambda c: c["config"]["layers"][0].update(inbound_nodes=[[["d", 0, 0, {}]]]), errors.MalformedFileError,
     "InputLayer reads other layers"),
]


@pytest.mark.parametrize("edit,error,words", BROKEN)
def test_each_fact_is_checked_in_one_line(edit, error, words):
    config = _edited(edit)
    before = copy.deepcopy(config)
    with pytest.raises(error) as caught:
        check_structure("m.h5", config)
    message = str(caught.value)
    assert message.startswith("m.h5: ") and "\n" not in message and words in message, message
    assert config == before  # checked, not changed


def test_a_cycle_is_refused_with_the_layers_on_it():
    def cycle(config):
        layers = config["config"]["layers"]
        layers.append({"name": "e", "class_name": "Dense", "config": {"name": "e", "units": 2},
                       "inbound_nodes": [[["d", 0, 0, {}]]]})
        layers[1]["inbound_nodes"] = [[["e", 0, 0, {}]]]
    with pytest.raises(errors.MalformedFileError, match=r"layers \['d', 'e'\] read each other in a cycle"):
        check_structure("m.h5", _edited(cycle))
