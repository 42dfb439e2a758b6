"""The one walk over the layer configs of a model config, wrapped layers included.

A Keras 2 model config is ``{"class_name": "Sequential" | "Model" | "Functional", "config": ...}``;
its layers are the Sequential's bare list (Keras 2.0.x) or ``config["layers"]``, and a wrapper
(``Bidirectional``, ``TimeDistributed``) holds its layer in ``config["layer"]``, a layer config of
the same form. Everything that reads layer configs (structure and resource checks, rewrites,
the builder, the weights-target check) walks them with ``walk`` or ``walk_layer``.

The walk reads unchecked input without failing: an entry that is not an object, a config that is
not a dict, comes out as it is (``None`` class name or config where there is none), and only a
dict's ``"layer"`` that is itself a dict is entered. Judging what comes out is the caller's job
(``structure.py``).
"""

#: Layer classes that hold another layer in ``config["layer"]``.
WRAPPER_CLASSES = ("Bidirectional", "TimeDistributed")


def layer_entries(model_config):
    """The list of layer entries of ``model_config`` ([] where it has none).

    Args:
        model_config: a model config as read (unchecked).

    Returns:
        The Keras 2.0.x Sequential's bare list, or ``config["layers"]``; [] when neither is a list.

    Example:

    >>> layer_entries({"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {}}]})
    [{'class_name': 'Dense', 'config': {}}]
    """
    body = model_config.get("config") if isinstance(model_config, dict) else None
    layers = body.get("layers") if isinstance(body, dict) else body
    return layers if isinstance(layers, list) else []


def walk_layer(position, class_name, config, depth=0):
    """Yield ``(position, class_name, config, depth)`` for a layer, then for the layer it wraps.

    Args:
        position: what the caller names the top-level layer by (``(index, entry)``), passed through.
        class_name: the layer's class name (unchecked).
        config: the layer's config (unchecked).
        depth: 0 for a top-level layer, 1 for the layer a wrapper holds, ...

    Yields:
        The wrapper first, each wrapped layer after the layer that holds it.
    """
    yield position, class_name, config, depth
    inner = config.get("layer") if isinstance(config, dict) else None
    if isinstance(inner, dict):
        yield from walk_layer(position, inner.get("class_name"), inner.get("config"), depth + 1)


def walk(model_config):
    """Yield ``(position, class_name, config, depth)`` for every layer of ``model_config``, wrapped ones too.

    Args:
        model_config: a model config (unchecked).

    Yields:
        Per top-level entry, in model order, ``walk_layer``'s tuples with ``position`` the pair
        ``(index, entry)``; an entry that is not an object gives one tuple with ``None`` class
        name and config.

    Example:

    >>> lstm = {"class_name": "LSTM", "config": {"name": "lstm"}}
    >>> model = {"class_name": "Sequential", "config": {"layers": [
    ...     {"class_name": "Bidirectional", "config": {"name": "bi", "layer": lstm}}]}}
    >>> [(class_name, depth) for _, class_name, _, depth in walk(model)]
    [('Bidirectional', 0), ('LSTM', 1)]
    """
    for index, entry in enumerate(layer_entries(model_config)):
        if isinstance(entry, dict):
            yield from walk_layer((index, entry), entry.get("class_name"), entry.get("config"))
        else:
            yield (index, entry), None, None, 0


def walk_entries(model_config):
    """Yield every layer entry ``{"class_name": ..., "config": ...}`` of ``model_config`` that is a dict with
    a dict config, the wrapper before the layer it wraps: for the rewrites that change a layer's class.

    Example:

    >>> model = {"class_name": "Sequential", "config": [
    ...     {"class_name": "TimeDistributed", "config": {"layer": {"class_name": "Dense", "config": {}}}}]}
    >>> [entry["class_name"] for entry in walk_entries(model)]
    ['TimeDistributed', 'Dense']
    """
    for entry in layer_entries(model_config):
        while isinstance(entry, dict) and isinstance(entry.get("config"), dict):
            yield entry
            entry = entry["config"].get("layer")
