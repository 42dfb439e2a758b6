"""Seeded mutations of legacy ``.h5`` files, as JSON recipes that replay exactly.

``recipes(n, seed)`` draws ``n`` recipes from the golden files; ``apply(recipe, dst, marker)``
writes the mutated copy to ``dst`` (the sources are only read). A recipe is a plain dict,
``{"source": <path from the repository root>, "steps": [{"kind": ..., ...}, ...]}``, with every
choice made at drawing time, so a recipe saved to ``corpus/`` replays the same file later.

Kinds (``KINDS``): byte-level (``bitflip``, ``truncate``, ``append``), model config edits
(``config_delete``, ``config_set``, ``config_class``, ``config_dup_name``, ``config_cycle``,
``config_text``, ``config_huge``, ``config_drop_layer``), file attributes (``attr_version``,
``attr_delete``), weights (``weight_shape``, ``weight_huge``, ``weight_dtype``, ``weight_missing``,
``weight_extra``, ``weight_names``, ``layer_names``), ``training_config`` and ``lambda``
(a Lambda layer, or a ``__lambda__`` activation, whose code would create ``marker`` if it ran).
"""

import base64
import copy
import functools
import json
import marshal
import os
import random
import shutil

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE_GLOBS = ("legacy_reference/golden", "tests/data/attention_pkg")

#: Values a config edit may put anywhere: wrong types, absurd numbers, nesting.
NASTY = [
    None, True, False, 0, -1, -7, 1, 10.5, 1e-300, 1e300, float("nan"), float("inf"), float("-inf"),
    2 ** 31, 2 ** 63, 10 ** 30, "", "str", "10", "hard_sigmoid", "Dense", [], [None], [1, 2, 3], {},
    {"class_name": "Zeros"}, {"class_name": "NoSuchThing", "config": {}}, {"class_name": 5, "config": []},
    [[["input_1", 0, 0, {}]]], ["a", -1, 99], {"__deep__": 50}, {"__deep__": 5000}, {"__deep__": 200000},
]
#: Sizes a ``config_huge`` edit puts on a size key.
HUGE = [0, -1, 10 ** 5, 10 ** 6, 10 ** 9, 2 ** 31, 2 ** 63, 10 ** 30, 1e300, float("inf"), float("nan"), 1e-300,
        3.5, True, "150"]
SIZE_KEYS = ("units", "output_dim", "input_dim", "batch_input_shape", "filters", "kernel_size", "n", "dims",
             "target_shape")
CLASS_NAMES = ["FancyLSTM", "Dense", "LSTM", "GRU", "Lambda", "Input", "Layer", "__class__", "__init__", "Model",
               "Sequential", "Functional", "InputLayer", "TFSMLayer", "Bidirectional", "TimeDistributed",
               "AttentionDecoder", "Attention", "Embedding", "Concatenate", "", 7, None, ["LSTM"], "keras.layers.Dense"]
VERSIONS = ["1.2.2", "3.0.0", "2.", "2", "", "2.0.8\x00", "\udcff", 2, 2.5, "9" * 1000, "2.0.8" * 100]
TRAINING = [
    "[]", '"adam"', "null", "1", "{", "{}", '{"optimizer_config": []}', '{"optimizer_config": {"class_name": ""}}',
    '{"optimizer_config": {"class_name": "__class__"}}', '{"optimizer_config": {"class_name": "Lambda"}}',
    '{"optimizer_config": {"class_name": "Adam", "config": {"lr": "abc"}}}',
    '{"optimizer_config": {"class_name": "Adam", "config": {"lr": -1}}}',
    '{"optimizer_config": {"class_name": "Adam", "config": {"learning_rate": NaN}}}',
    '{"optimizer_config": {"class_name": "Adam", "config": []}}',
    '{"optimizer_config": {"class_name": "NoSuchOpt"}, "loss": "categorical_crossentropy"}',
    '{"optimizer_config": {"class_name": "Adam"}, "loss": 5, "metrics": "acc"}',
    '{"optimizer_config": {"class_name": "Adam"}, "loss": "no_such_loss", "metrics": [[[]]]}',
    '{"optimizer_config": {"class_name": "Adam"}, "loss": {"class_name": "__lambda__", "config": {}}}',
]
CONFIG_TEXTS = ["", "null", "[]", "{}", "1e999", "{", '{"class_name": "Sequential"}', '"Sequential"',
                '{"class_name": "Sequential", "config": null}', '{"class_name": "Model", "config": []}',
                '{"class_name": "Model", "config": {"layers": {}}}', "NaN", "\xff\xfe"]
DTYPES = ["S8", "U", "structured", "complex64", "bool", "int64", "float16", "float64", "vlen_str", "object_ref"]

KINDS = ("bitflip", "truncate", "append", "config_delete", "config_set", "config_class", "config_dup_name",
         "config_cycle", "config_text", "config_huge", "config_drop_layer", "attr_version", "attr_delete",
         "weight_shape", "weight_huge", "weight_dtype", "weight_missing", "weight_extra", "weight_names",
         "layer_names", "training_config", "lambda")


def sources():
    """The files mutations start from (paths relative to the repository root)."""
    found = []
    for folder in SOURCE_GLOBS:
        for name in sorted(os.listdir(os.path.join(ROOT, folder))):
            if name.endswith(".h5"):
                found.append(folder + "/" + name)
    return found


# -- reading a source ---------------------------------------------------------------------
def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@functools.lru_cache(maxsize=None)
def _describe(path):
    """What drawing needs to know of a file: its config, and its weights' layout."""
    with h5py.File(path, "r") as f:
        config = json.loads(_text(f.attrs["model_config"])) if "model_config" in f.attrs else None
        group = f["model_weights"] if "model_weights" in f else f
        layers = []
        for name in group.attrs.get("layer_names", []):
            name = _text(name)
            weights = [(_text(w), tuple(group[name][_text(w)].shape)) for w in group[name].attrs["weight_names"]]
            layers.append((name, weights))
        group_path = "model_weights" if "model_weights" in f else ""
    return config, layers, group_path


def _paths(node, prefix=()):
    """Every path (list of keys/indices) in a JSON tree."""
    yield list(prefix)
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def _layers(config):
    body = config.get("config")
    return body if isinstance(body, list) else body.get("layers", [])


def _layers_path(config):
    return ["config"] if isinstance(config.get("config"), list) else ["config", "layers"]


# -- drawing ----------------------------------------------------------------------------
def _draw_step(rng, kind, path, info):
    """``(kind, params)``: ``kind`` may change when the source lacks what it edits."""
    config, layers, group = info
    size = os.path.getsize(path)
    weighted = [(name, ws) for name, ws in layers if ws]
    if kind == "bitflip":
        count = rng.choice([1, 2, 8, 64])
        return kind, {"offsets": [rng.randrange(size) for _ in range(count)], "masks": [1 << rng.randrange(8)] * count}
    if kind == "truncate":
        return kind, {"length": rng.randrange(8, size)}
    if kind == "append":
        return kind, {"seed": rng.randrange(2 ** 31), "length": rng.choice([1, 100, 4096, 100000])}
    if kind in ("config_delete", "config_set", "config_class", "config_dup_name", "config_cycle", "config_huge",
                "config_drop_layer", "lambda") and config is None:
        kind = "attr_version"
    if kind == "config_delete":
        paths = [p for p in _paths(config) if p]
        return kind, {"path": rng.choice(paths)}
    if kind == "config_set":
        return kind, {"path": rng.choice(list(_paths(config))), "value": rng.choice(NASTY)}
    if kind == "config_huge":
        paths = [p for p in _paths(config) if p and p[-1] in SIZE_KEYS]
        paths += [p for p in _paths(config) if len(p) > 1 and p[-2] == "batch_input_shape"]
        if not paths:
            return kind, {"path": rng.choice(list(_paths(config))), "value": rng.choice(HUGE)}
        return kind, {"path": rng.choice(paths), "value": rng.choice(HUGE)}
    if kind == "config_class":
        paths = [p for p in _paths(config) if p and p[-1] == "class_name"]
        return kind, {"path": rng.choice(paths), "value": rng.choice(CLASS_NAMES)}
    if kind == "config_dup_name":
        count = len(_layers(config))
        return kind, {"layer": rng.randrange(count), "as": rng.randrange(count)}
    if kind == "config_cycle":
        count = len(_layers(config))
        return kind, {"layer": rng.randrange(count), "reads": rng.randrange(count)}
    if kind == "config_drop_layer":
        return kind, {"layer": rng.randrange(len(_layers(config)))}
    if kind == "config_text":
        choice = rng.randrange(len(CONFIG_TEXTS) + 3)
        if choice == len(CONFIG_TEXTS):
            return kind, {"deep": rng.choice([100, 1000, 100000])}
        if choice == len(CONFIG_TEXTS) + 1:
            return kind, {"cut": rng.randrange(1, 2000)}
        if choice == len(CONFIG_TEXTS) + 2:
            return kind, {"bytes": True}
        return kind, {"text": CONFIG_TEXTS[choice]}
    if kind == "attr_version":
        return kind, {"value": rng.choice(VERSIONS), "where": rng.choice(["root", "group"])}
    if kind == "attr_delete":
        return kind, {"attr": rng.choice(["model_config", "keras_version", "backend", "training_config", "layer_names"])}
    if kind in ("weight_shape", "weight_huge", "weight_dtype", "weight_missing") and not weighted:
        kind = "weight_extra"
    if kind in ("weight_shape", "weight_huge", "weight_dtype", "weight_missing"):
        layer, weights = rng.choice(weighted)
        weight, shape = rng.choice(weights)
        step = {"layer": layer, "weight": weight}
        if kind == "weight_shape":
            step["shape"] = rng.choice([[], [0], [1], list(shape[:-1]), list(shape) + [1], [s + 1 for s in shape],
                                        list(reversed(shape)), [3, 4, 5, 6]])
        elif kind == "weight_huge":
            step["shape"] = rng.choice([[2 ** 20, 2 ** 14], [2 ** 33], [10 ** 6, 10 ** 6], [2 ** 16] + list(shape)])
        elif kind == "weight_dtype":
            step["dtype"] = rng.choice(DTYPES)
        elif kind == "weight_missing":
            step["what"] = rng.choice(["dataset", "group"])
        return kind, step
    if kind == "weight_extra":
        return kind, {"layer": rng.choice([name for name, _ in layers] or ["x"]), "what": rng.choice(["dataset", "group"])}
    if kind in ("weight_names", "layer_names"):
        return kind, {"edit": rng.choice(["drop", "duplicate", "reverse", "ghost", "ints", "empty", "nested"]),
                "layer": rng.choice([name for name, _ in weighted] or ["x"])}
    if kind == "training_config":
        return kind, {"text": rng.choice(TRAINING)}
    if kind == "lambda":
        return kind, {"how": rng.choice(["layer_text", "layer_bytecode", "layer_base64", "activation"]),
                "at": rng.randrange(len(_layers(config)))}
    raise ValueError(kind)


def draw(rng, source):
    """One recipe from ``source``: one to three steps, byte edits last."""
    info = _describe(os.path.join(ROOT, source))
    steps = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        kind, params = _draw_step(rng, rng.choice(KINDS), os.path.join(ROOT, source), info)
        steps.append(dict(params, kind=kind))
    steps.sort(key=lambda s: s["kind"] in ("bitflip", "truncate", "append"))
    return {"source": source, "steps": steps}


def recipes(n, seed):
    """``n`` recipes, the same for the same ``seed``."""
    rng = random.Random(seed)
    pool = sources()
    return [draw(rng, rng.choice(pool)) for _ in range(n)]


# -- applying ----------------------------------------------------------------------------
def _deep(depth):
    node = 0
    for _ in range(depth):
        node = [node]
    return node


def _value(value):
    if isinstance(value, dict) and set(value) == {"__deep__"}:
        return _deep(value["__deep__"])
    return copy.deepcopy(value)


def _dumps(config):
    # Deeply nested values are written by hand: json.dumps itself would recurse too deep.
    marks = {}

    def swap(node):
        if isinstance(node, list) and len(node) == 1 and isinstance(node[0], list):
            depth, inner = 0, node
            while isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], list):
                depth, inner = depth + 1, inner[0]
            if depth > 100:
                key = "@@DEEP%d@@" % len(marks)
                marks[key] = "[" * depth + json.dumps(inner) + "]" * depth
                return key
        if isinstance(node, dict):
            return {k: swap(v) for k, v in node.items()}
        if isinstance(node, list):
            return [swap(v) for v in node]
        return node

    text = json.dumps(swap(config))
    for key, value in marks.items():
        text = text.replace('"%s"' % key, value)
    return text


def _get_parent(config, path):
    node = config
    for key in path[:-1]:
        node = node[key]
    return node


def _lambda_code(marker):
    namespace = {}
    exec("f = lambda x: (open(%r, 'w').close(), x)[1]" % marker, namespace)  # noqa: S102 (the bait)
    return marshal.dumps(namespace["f"].__code__)


def _lambda_layer(how, marker, name):
    if how == "layer_text":
        function = ["open(%r, 'w')" % marker, None, None]
    elif how == "layer_bytecode":
        function = [_lambda_code(marker).decode("raw_unicode_escape"), None, None]
    else:
        function = base64.b64encode(_lambda_code(marker)).decode("ascii")
    return {"class_name": "Lambda", "config": {"name": name, "trainable": True, "function_type": "lambda",
                                                "output_shape": None, "arguments": {}, "function": function,
                                                "module": "__main__"}}


def _edit_config(f, step, marker):
    config = json.loads(_text(f.attrs["model_config"]))
    kind = step["kind"]
    layers = _layers(config)
    if kind == "config_delete":
        parent = _get_parent(config, step["path"])
        del parent[step["path"][-1]]
    elif kind in ("config_set", "config_huge", "config_class"):
        if not step["path"]:
            config = _value(step["value"])
        else:
            _get_parent(config, step["path"])[step["path"][-1]] = _value(step["value"])
    elif kind == "config_dup_name":
        name = _name_of(layers[step["as"]])
        layers[step["layer"]].setdefault("config", {})["name"] = name
        if "name" in layers[step["layer"]]:
            layers[step["layer"]]["name"] = name
    elif kind == "config_cycle":
        entry, other = layers[step["layer"]], layers[step["reads"]]
        entry["inbound_nodes"] = [[[_name_of(other), 0, 0, {}]]]
        if entry.get("class_name") == "InputLayer":
            entry["class_name"] = "Dense"
            entry["config"] = {"name": _name_of(entry), "units": 3}
    elif kind == "config_drop_layer":
        del layers[step["layer"]]
    elif kind == "lambda":
        at = step["at"]
        if step["how"] == "activation":
            code = base64.b64encode(_lambda_code(marker)).decode("ascii")
            layers[at]["config"]["activation"] = {"class_name": "__lambda__", "config": {
                "code": code, "defaults": None, "closure": None}}
        else:
            entry = _lambda_layer(step["how"], marker, "lambda_fuzz")
            if isinstance(config["config"], dict) and "input_layers" in config["config"]:
                entry["name"] = "lambda_fuzz"
                entry["inbound_nodes"] = [[[_name_of(layers[at]), 0, 0, {}]]]
            layers.insert(at + 1, entry)
    f.attrs["model_config"] = np.bytes_(_dumps(config))


def _name_of(entry):
    if not isinstance(entry, dict):
        return "?"
    if "name" in entry:
        return entry["name"]
    config = entry.get("config")
    return config.get("name", "?") if isinstance(config, dict) else "?"


def _weights_group(f):
    return f["model_weights"] if "model_weights" in f else f


def _replace_dataset(group, name, make):
    attrs = dict(group[name].attrs)
    del group[name]
    make(group, name)
    for key, value in attrs.items():
        group[name].attrs[key] = value


def _edit_weights(f, step):
    kind = step["kind"]
    top = _weights_group(f)
    group = top[step["layer"]] if step.get("layer") in top else None
    if kind == "weight_shape":
        _replace_dataset(group, step["weight"], lambda g, n: g.create_dataset(
            n, data=np.full(tuple(step["shape"]), 0.5, np.float32)))
    elif kind == "weight_huge":  # chunked and never written: a few bytes on disk, absurd in memory
        shape = tuple(step["shape"])
        _replace_dataset(group, step["weight"], lambda g, n: g.create_dataset(
            n, shape=shape, dtype="float32", chunks=tuple(min(s, 64) for s in shape) or None, fillvalue=0.5))
    elif kind == "weight_dtype":
        shape = group[step["weight"]].shape
        dtype = step["dtype"]
        if dtype == "structured":
            data = np.zeros(shape, dtype=[("a", "f4"), ("b", "i4")])
        elif dtype == "vlen_str":
            data = np.array(np.full(shape, "x", dtype=object), dtype=h5py.string_dtype())
        elif dtype == "object_ref":
            data = np.full(shape, f.ref, dtype=h5py.ref_dtype) if shape else f.ref
            _replace_dataset(group, step["weight"], lambda g, n: g.create_dataset(
                n, shape=shape, dtype=h5py.ref_dtype, data=data))
            return
        elif dtype == "U":
            data = np.full(shape, "x", dtype="S4")
        else:
            data = np.ones(shape, dtype=dtype)
        _replace_dataset(group, step["weight"], lambda g, n: g.create_dataset(n, data=data))
    elif kind == "weight_missing":
        if step["what"] == "dataset":
            del group[step["weight"]]
        else:
            del top[step["layer"]]
    elif kind == "weight_extra":
        if step["what"] == "group" or group is None:
            extra = top.create_group("extra_fuzz_layer")
            extra.attrs["weight_names"] = [np.bytes_("extra_fuzz_layer/kernel:0")]
            extra.create_dataset("extra_fuzz_layer/kernel:0", data=np.ones((2, 2), np.float32))
            top.attrs["layer_names"] = list(top.attrs.get("layer_names", [])) + [np.bytes_("extra_fuzz_layer")]
        else:
            group.create_dataset("extra_fuzz:0", data=np.ones((3,), np.float32))
            group.attrs["weight_names"] = list(group.attrs["weight_names"]) + [np.bytes_("extra_fuzz:0")]
    elif kind in ("weight_names", "layer_names"):
        holder = group if kind == "weight_names" else top
        if holder is None:
            return
        key = "weight_names" if kind == "weight_names" else "layer_names"
        names = list(holder.attrs.get(key, []))
        edit = step["edit"]
        if edit == "drop" and names:
            names = names[:-1]
        elif edit == "duplicate" and names:
            names = names + names[:1]
        elif edit == "reverse":
            names = names[::-1]
        elif edit == "ghost":
            names = names + [np.bytes_("no_such_thing:0")]
        if edit == "ints":
            holder.attrs[key] = np.arange(len(names) or 1)
        elif edit == "empty":
            holder.attrs[key] = np.array([], dtype="S1")
        elif edit == "nested":
            holder.attrs[key] = np.array([[b"a", b"b"], [b"c", b"d"]])
        else:
            holder.attrs[key] = np.array(names, dtype="S") if names else np.array([], dtype="S1")


def _edit_attrs(f, step):
    kind = step["kind"]
    if kind == "attr_version":
        target = f.attrs if step["where"] == "root" or "model_weights" not in f else f["model_weights"].attrs
        value = step["value"]
        target["keras_version"] = np.bytes_(value.encode("utf-8", "surrogateescape")) if isinstance(value, str) else value
    elif kind == "attr_delete":
        holder = _weights_group(f) if step["attr"] == "layer_names" else f
        if step["attr"] in holder.attrs:
            del holder.attrs[step["attr"]]
    elif kind == "config_text":
        if "deep" in step:
            text = "[" * step["deep"] + "]" * step["deep"]
        elif "cut" in step:
            text = _text(f.attrs.get("model_config", "{}"))[:step["cut"]]
        elif "bytes" in step:
            f.attrs["model_config"] = np.bytes_(b"\xff\xfe{\x00\x80")
            return
        else:
            text = step["text"]
        f.attrs["model_config"] = np.bytes_(text.encode("utf-8", "surrogateescape"))
    elif kind == "training_config":
        f.attrs["training_config"] = np.bytes_(step["text"])


def _edit_bytes(dst, step):
    kind = step["kind"]
    with open(dst, "r+b") as raw:
        data = bytearray(raw.read())
        if kind == "bitflip":
            for offset, mask in zip(step["offsets"], step["masks"]):
                if offset < len(data):
                    data[offset] ^= mask
        elif kind == "truncate":
            data = data[:step["length"]]
        elif kind == "append":
            data += random.Random(step["seed"]).randbytes(step["length"])
        raw.seek(0)
        raw.truncate()
        raw.write(bytes(data))


def apply(recipe, dst, marker):
    """Write the mutated copy of ``recipe['source']`` to ``dst``; ``marker`` is the file a Lambda would create."""
    shutil.copyfile(os.path.join(ROOT, recipe["source"]), dst)
    for step in recipe["steps"]:
        kind = step["kind"]
        if kind in ("bitflip", "truncate", "append"):
            _edit_bytes(dst, step)
            continue
        try:
            with h5py.File(dst, "a") as f:
                if kind.startswith("config_") and kind != "config_text" or kind == "lambda":
                    if "model_config" not in f.attrs:
                        continue
                    try:
                        _edit_config(f, step, marker)
                    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError):
                        continue  # an earlier step removed what this one edits
                elif kind.startswith("weight_") or kind == "layer_names":
                    try:
                        _edit_weights(f, step)
                    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
                        continue
                else:
                    _edit_attrs(f, step)
        except OSError:
            continue
    return dst
