"""The config rewrites that make a Keras 2.0.x model compute, today, what it computed then.

Each rewrite is one small function fixing ONE legacy fact, registered in order in
``LAYER_REWRITES`` (per layer config, nested wrapper layers included) or
``MODEL_REWRITES`` (the model config as a whole). A rewrite returns True when it
changed something, so ``inspect`` can list what was rewritten and why.

No weight values need rewriting for the layers Keras 2.0.8 had: the LSTM (i, f, c, o),
GRU (z, r, h, with ``reset_after=False``), Bidirectional (forward then backward) and
Embedding layouts are the modern ones; the golden fixtures check this numerically.
"""

from collections import namedtuple

from ._compat import LEGACY_HARD_SIGMOID

Rewrite = namedtuple("Rewrite", "name fact apply")

LAYER_REWRITES = []
MODEL_REWRITES = []

RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN")
WRAPPER_CLASSES = ("Bidirectional", "TimeDistributed")


def _layer_rewrite(fact):
    def register(fn):
        LAYER_REWRITES.append(Rewrite(fn.__name__, fact, fn))
        return fn
    return register


def _model_rewrite(fact):
    def register(fn):
        MODEL_REWRITES.append(Rewrite(fn.__name__, fact, fn))
        return fn
    return register


# -- model-level facts -------------------------------------------------------------------
@_model_rewrite("Keras 2.0.x saved a Sequential model's config as a bare list of layer configs.")
def sequential_bare_list(model_config):
    if model_config["class_name"] == "Sequential" and isinstance(model_config["config"], list):
        model_config["config"] = {"name": "sequential", "layers": model_config["config"]}
        return True
    return False


@_model_rewrite("A Keras 2 Sequential declared its input through the first layer's "
                "batch_input_shape; Keras 3 layers refuse that key, so it becomes an Input.")
def sequential_input_from_first_layer(model_config):
    if model_config["class_name"] != "Sequential":
        return False
    layers = model_config["config"]["layers"]
    if not layers or "batch_input_shape" not in layers[0]["config"]:
        return False
    first = layers[0]["config"]
    model_config["config"]["input"] = {
        "batch_shape": first.pop("batch_input_shape"),
        "dtype": first.pop("dtype", "float32"),
    }
    return True


# -- per-layer facts ---------------------------------------------------------------------
@_model_rewrite("Keras 2 layers could carry batch_input_shape anywhere; modern Keras takes "
                "input shapes from Input layers only.")
def drop_inner_batch_input_shape(model_config):
    changed = False
    for layer in model_config["config"]["layers"]:
        if layer["class_name"] != "InputLayer" and "batch_input_shape" in layer["config"]:
            layer["config"].pop("batch_input_shape")
            changed = True
    return changed


@_layer_rewrite("Keras 2.0.x Recurrent layers stored `implementation` (0, 1 or 2), a speed "
                "setting with no effect on the numbers; Keras 3 refuses the key.")
def drop_recurrent_implementation(class_name, config):
    return config.pop("implementation", None) is not None


@_layer_rewrite("Keras 2 Embedding took `input_length`; Keras 3 refuses it (the Input carries the length).")
def drop_embedding_input_length(class_name, config):
    return class_name == "Embedding" and config.pop("input_length", "absent") != "absent"


@_layer_rewrite("Keras 2.0.8 hard_sigmoid was clip(0.2x + 0.5, 0, 1), the LSTM/GRU default "
                "recurrent_activation; Keras 3 redefined it with slope 1/6.")
def legacy_hard_sigmoid(class_name, config):
    changed = False
    for key in ("activation", "recurrent_activation"):
        if config.get(key) == "hard_sigmoid":
            config[key] = LEGACY_HARD_SIGMOID
            changed = LEGACY_HARD_SIGMOID != "hard_sigmoid"
    return changed


@_layer_rewrite("Keras 2.0.8 GRU had no reset_after (the reset gate acts before the "
                "recurrent product, one (3U,) bias); modern GRU defaults to reset_after=True.")
def gru_without_reset_after(class_name, config):
    if class_name == "GRU" and "reset_after" not in config:
        config["reset_after"] = False
        return True
    return False


@_layer_rewrite("Keras 2.0.8 recurrent layers repeated their last output at masked steps "
                "(the next layer reads those repeated vectors); say so explicitly.")
def masked_steps_repeat_output(class_name, config):
    if class_name in RECURRENT_CLASSES and config.get("zero_output_for_mask") is not False:
        config["zero_output_for_mask"] = False
        return True
    return False


def apply_model_rewrites(model_config):
    """Run every model-level rewrite; return the names of those that changed something."""
    return [r.name for r in MODEL_REWRITES if r.apply(model_config)]


def apply_layer_rewrites(class_name, config):
    """Run every layer rewrite on one layer config (wrapped layers too).

    Returns:
        list of ``(rewrite name, layer name)`` for the rewrites that changed something.
    """
    applied = []
    if class_name in WRAPPER_CLASSES and isinstance(config.get("layer"), dict):
        inner = config["layer"]
        applied += apply_layer_rewrites(inner["class_name"], inner["config"])
    for rewrite in LAYER_REWRITES:
        if rewrite.apply(class_name, config):
            applied.append((rewrite.name, config.get("name", class_name)))
    return applied


def describe(name):
    """The legacy fact behind rewrite ``name``."""
    for rewrite in MODEL_REWRITES + LAYER_REWRITES:
        if rewrite.name == name:
            return rewrite.fact
    raise KeyError(name)
