"""compat_attention.io.configs: the one walk over layer configs, wrapped layers included, on unchecked input."""

from compat_attention.io.configs import layer_entries, walk, walk_layer


def _layer(class_name, **config):
    return {"class_name": class_name, "config": dict(config)}


def test_layer_entries_of_both_sequential_forms_and_of_unchecked_input():
    dense = _layer("Dense", name="d")
    assert layer_entries({"class_name": "Sequential", "config": [dense]}) == [dense]
    assert layer_entries({"class_name": "Model", "config": {"layers": [dense]}}) == [dense]
    for broken in (None, [], {"config": None}, {"config": {"layers": "x"}}, {"config": 5}):
        assert layer_entries(broken) == []


def test_walk_yields_wrappers_before_the_layers_they_hold_with_depths_and_positions():
    inner = _layer("LSTM", name="l")
    wrapped = {"class_name": "TimeDistributed", "config": {"name": "td", "layer": {
        "class_name": "Bidirectional", "config": {"name": "bi", "layer": inner}}}}
    model = {"class_name": "Sequential", "config": [_layer("Dense", name="d"), wrapped]}
    got = [(index, class_name, config.get("name"), depth) for (index, _), class_name, config, depth in walk(model)]
    assert got == [(0, "Dense", "d", 0), (1, "TimeDistributed", "td", 0), (1, "Bidirectional", "bi", 1),
                   (1, "LSTM", "l", 2)]
    assert all(position[1] is wrapped for position, _, _, _ in walk(model) if position[0] == 1)


def test_walk_hands_unchecked_entries_on_as_they_are_and_enters_only_dicts():
    model = {"class_name": "Sequential", "config": ["not a layer", {"class_name": 3, "config": "x"},
                                                    _layer("Bidirectional", name="bi", layer=["x"])]}
    got = [(class_name, config, depth) for _, class_name, config, depth in walk(model)]
    assert got == [(None, None, 0), (3, "x", 0), ("Bidirectional", {"name": "bi", "layer": ["x"]}, 0)]


def test_walk_layer_passes_the_position_through():
    layer = {"name": "bi", "layer": _layer("GRU", name="g")}
    assert [(p, c, d) for p, c, _, d in walk_layer("here", "Bidirectional", layer)] == [
        ("here", "Bidirectional", 0), ("here", "GRU", 1)]
