"""Named config rewrites: ``RewriteSet`` (one per source), and the rewrites several sources share.

Each rewrite is one small function fixing ONE legacy fact, marked with the fact it fixes:

* a model rewrite (``@model_rewrite``) takes the model config (``{"class_name": ..., "config": ...}``);
* a layer rewrite (``@layer_rewrite``) takes one layer's ``(class_name, config)`` and also runs on
  the layers wrappers hold (``configs.walk``: the wrapped layer first); it may return the name of
  the class the layer becomes (the rewrites after it see that class);
* a training rewrite (``@training_rewrite``) takes the training config;
* a file rewrite (``@file_rewrite``) takes the model config and the ``LegacyFile`` it came from, for a
  fact the config alone does not tell (a shape only the stored weights show, the backend only the
  weight names show); it runs among the model rewrites, in the listed order.

Each returns True (or a class name) when it changed something, so that ``inspect`` lists what was rewritten and why.
Nothing is registered anywhere: each source (``io/sources/``) lists the rewrites it applies, in
order, in its ``RewriteSet``. The rewrites live here, one catalogue of legacy facts grouped by the
producers that had them (every Keras 2; standalone Keras 2.0.x; tf.keras 2), so that a source of
another era lists the facts it shares without importing another source.
"""

import copy

from .._keras.internals import initializer_class_name
from ..layers.activations import LEGACY_HARD_SIGMOID
from ..layers.convolutional import CHANNELS_FIRST_1D, LegacyConv2DTranspose
from ..layers.recurrent import LegacyGRU, LegacyLSTM, LegacySimpleRNN
from .configs import layer_entries, walk

#: What a rewrite takes: the model config, one layer's ``(class_name, config)``, the training config, or
#: the model config and the file.
KINDS = ("model", "layer", "training", "file")


def _marker(kind):
    def rewrite(fact):
        def mark(fn):
            fn.fact, fn.kind = fact, kind
            return fn
        return mark
    rewrite.__name__ = "%s_rewrite" % kind
    rewrite.__doc__ = "Decorator: mark ``fn`` as a %s rewrite fixing ``fact`` (nothing is registered)." % kind
    return rewrite


model_rewrite, layer_rewrite, training_rewrite, file_rewrite = (_marker(kind) for kind in KINDS)


def _holder(outer, layer_config):
    """The ``{'class_name', 'config'}`` dict holding ``layer_config`` inside one of the ``outer`` layers'
    configs (``(holder, class_name, config)`` of the walk so far): a wrapper's ``layer`` or
    ``backward_layer``, an ``RNN``'s ``cell``, a ``StackedRNNCells``' ``cells``."""
    for _, _, config in reversed(outer):
        for value in config.values():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and item.get("config") is layer_config:
                    return item
    raise KeyError("no layer config holds %r" % layer_config.get("name"))


class RewriteSet(object):
    """The ordered rewrites that adapt one source's configs to the running Keras.

    Args:
        name: the source, for messages (e.g. ``"Keras 2.0.x"``).
        rewrites: functions marked by ``model_rewrite``, ``file_rewrite``, ``layer_rewrite`` or
            ``training_rewrite``, in the order they run (model and file rewrites first, then per layer
            the layer rewrites).

    Example:

    >>> rewrites = RewriteSet("example", [drop_embedding_input_length])
    >>> model = {"class_name": "Sequential", "config": {"layers": [
    ...     {"class_name": "Embedding", "config": {"name": "words", "input_length": 5}}]}}
    >>> rewritten, applied = rewrites.plan(model)
    >>> applied, rewritten["config"]["layers"][0]["config"]
    ([('drop_embedding_input_length', 'words')], {'name': 'words'})
    """

    def __init__(self, name, rewrites):
        self.name = name
        self.rewrites = tuple(rewrites)
        for fn in self.rewrites:
            if getattr(fn, "kind", None) not in KINDS:
                raise TypeError("%r is not marked as a rewrite (model_rewrite, layer_rewrite, training_rewrite, "
                                "file_rewrite)" % fn)

    def of_kind(self, kind):
        """The rewrites of ``kind`` (``'model'``, ``'layer'``, ``'training'``), in order."""
        return [fn for fn in self.rewrites if fn.kind == kind]

    def find(self, name):
        """The rewrite called ``name``.

        Raises:
            KeyError: no rewrite of this set has that name.
        """
        for fn in self.rewrites:
            if fn.__name__ == name:
                return fn
        raise KeyError(name)

    def describe(self, name):
        """The legacy fact behind rewrite ``name``."""
        return self.find(name).fact

    def plan(self, model_config, legacy=None):
        """Rewrite a copy of ``model_config`` (checked by ``structure.STRUCTURE``); the input is left untouched.

        Args:
            model_config: the model config as read.
            legacy: the ``LegacyFile`` it was read from, for the file rewrites (None: they do not run).

        Returns:
            ``(model_config, applied)``: the rewritten copy and the list of
            ``(rewrite name, layer name or None)`` that changed something.
        """
        config = copy.deepcopy(model_config)
        applied = []
        for fn in self.rewrites:
            if (fn.kind == "model" and fn(config)) or (fn.kind == "file" and legacy is not None and fn(config, legacy)):
                applied.append((fn.__name__, None))
        layer_rewrites = self.of_kind("layer")
        layers = {}  # top-level index -> its walk, the wrapper first, each with the dict holding its class name
        for (index, entry), class_name, layer_config, depth in walk(config):
            holder = entry if depth == 0 else _holder(layers[index], layer_config)
            layers.setdefault(index, []).append((holder, class_name, layer_config))
        for index in sorted(layers):
            # The wrapped layer first: a wrapper's rewrite may rename the class of the layer it holds.
            for holder, class_name, layer_config in reversed(layers[index]):
                for fn in layer_rewrites:
                    changed = fn(class_name, layer_config)
                    if isinstance(changed, str):  # the layer becomes another class
                        holder["class_name"] = class_name = changed
                    if changed:
                        applied.append((fn.__name__, layer_config.get("name", class_name)))
        return config, applied

    def plan_training(self, training_config):
        """A copy of ``training_config`` with the training rewrites applied (dicts only; anything else as is)."""
        training_config = copy.deepcopy(training_config)
        if isinstance(training_config, dict):
            for fn in self.of_kind("training"):
                fn(training_config)
        return training_config


# -- Keras 2: facts of every Keras 2 producer (standalone Keras 2.x and tf.keras 2) -------------------

@model_rewrite("A Keras 2 Sequential built without an Input (always in Keras 2.0.x, input_shape= on the first "
               "layer in tf.keras 2) declared its input through the first layer's batch_input_shape; Keras 3 "
               "layers refuse that key, so it becomes an Input.")
def sequential_input_from_first_layer(model_config):
    layers = model_config["config"].get("layers") if isinstance(model_config["config"], dict) else None
    if model_config["class_name"] != "Sequential" or not layers or layers[0]["class_name"] == "InputLayer":
        return False
    first = layers[0]["config"]
    if "batch_input_shape" not in first:
        return False
    model_config["config"]["input"] = {
        "batch_shape": first.pop("batch_input_shape"),
        "dtype": first.pop("dtype", "float32"),
    }
    return True


@model_rewrite("Keras 2 layers could carry batch_input_shape anywhere; modern Keras takes input shapes from "
               "Input layers only.")
def drop_inner_batch_input_shape(model_config):
    changed = False
    for layer in layer_entries(model_config):
        if layer["class_name"] != "InputLayer" and "batch_input_shape" in layer["config"]:
            layer["config"].pop("batch_input_shape")
            changed = True
    return changed


@layer_rewrite("Keras 2 Embedding took `input_length`; Keras 3 refuses it (the Input carries the length).")
def drop_embedding_input_length(class_name, config):
    return class_name == "Embedding" and config.pop("input_length", "absent") != "absent"


@layer_rewrite("Keras 2 saved initializers under their class names (Orthogonal, ...); the running Keras may "
               "know one only by its <name>Initializer spelling (Orthogonal: Keras 3.0-3.3).")
def initializer_class_names(class_name, config):
    changed = False
    for key, value in config.items():
        if key.endswith("_initializer") and isinstance(value, dict) and isinstance(value.get("class_name"), str):
            name = initializer_class_name(value["class_name"])
            if name is not None and name != value["class_name"]:
                value["class_name"] = name
                changed = True
    return changed


@layer_rewrite("Keras 2 hard_sigmoid was clip(0.2x + 0.5, 0, 1), the Keras 2.0-2.2 LSTM/GRU default "
               "recurrent_activation; Keras 3 redefined it with slope 1/6.")
def legacy_hard_sigmoid(class_name, config):
    changed = False
    for key in ("activation", "recurrent_activation"):
        if config.get(key) == "hard_sigmoid":
            config[key] = LEGACY_HARD_SIGMOID
            changed = LEGACY_HARD_SIGMOID != "hard_sigmoid"
    return changed


# -- standalone Keras 2.0.x (and, until they have sources of their own, the later Keras 2.x) ------------

#: Keras 2.0.x recurrent layer classes.
RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN")

#: Per recurrent class, ours that keeps Keras 2.0.8's masked steps inside a wrapper.
MASKED_STEPS_KEPT = {"LSTM": LegacyLSTM, "GRU": LegacyGRU, "SimpleRNN": LegacySimpleRNN}


@model_rewrite("Keras 2.0.x saved a Sequential model's config as a bare list of layer configs.")
def sequential_bare_list(model_config):
    if model_config["class_name"] == "Sequential" and isinstance(model_config["config"], list):
        model_config["config"] = {"name": "sequential", "layers": model_config["config"]}
        return True
    return False


@layer_rewrite("Keras 2.0.x Recurrent layers stored `implementation` (0, 1 or 2), a speed setting with no "
               "effect on the numbers; Keras 3 refuses the key.")
def drop_recurrent_implementation(class_name, config):
    return config.pop("implementation", None) is not None


@layer_rewrite("Keras 2.0.8 GRU had no reset_after (the reset gate acts before the recurrent product, one "
               "(3U,) bias); modern GRU defaults to reset_after=True.")
def gru_without_reset_after(class_name, config):
    if class_name == "GRU" and "reset_after" not in config:
        config["reset_after"] = False
        return True
    return False


@layer_rewrite("Keras 2.0.8 recurrent layers repeated their last output at masked steps (the next layer "
               "reads those repeated vectors); say so explicitly.")
def masked_steps_repeat_output(class_name, config):
    if class_name in RECURRENT_CLASSES and config.get("zero_output_for_mask") is not False:
        config["zero_output_for_mask"] = False
        return True
    return False


@layer_rewrite("Keras 2.0.8's Bidirectional let each direction repeat its last output at masked steps (the "
               "forward one the step before, the backward one the step after); modern Bidirectional forces "
               "zeros there, so the wrapped layer becomes one that keeps 2.0.8's steps.")
def bidirectional_masked_steps_repeat_output(class_name, config):
    inner = config.get("layer")
    if class_name == "Bidirectional" and isinstance(inner, dict) and inner.get("class_name") in RECURRENT_CLASSES:
        inner["class_name"] = MASKED_STEPS_KEPT[inner["class_name"]].__name__
        return True
    return False


@layer_rewrite("Keras 2.0.8's TimeDistributed never passed the mask to the layer it wrapped; modern "
               "TimeDistributed does, so a wrapped recurrent layer ignores it, as it did then.")
def time_distributed_inner_sees_no_mask(class_name, config):
    inner = config.get("layer")
    if class_name == "TimeDistributed" and isinstance(inner, dict) and inner.get("class_name") in RECURRENT_CLASSES:
        inner["class_name"] = MASKED_STEPS_KEPT[inner["class_name"]].__name__
        inner["config"]["ignore_mask"] = True
        return True
    return False


@layer_rewrite("Keras 2.0.8's SpatialDropout1D/2D/3D stored `trainable`; Keras 3's refuse the key (they have "
               "no weights, so it meant nothing).")
def spatial_dropout_drops_trainable(class_name, config):
    if class_name.startswith("SpatialDropout") and "trainable" in config:
        config.pop("trainable")
        return True
    return False


# -- tf.keras 2 -------------------------------------------------------------------------------------

@layer_rewrite("tf.keras 2 recurrent layers stored time_major (False unless asked); Keras 3 refuses the key.")
def drop_time_major(class_name, config):
    if config.get("time_major", "absent") is False:
        del config["time_major"]
        return True
    return False


@training_rewrite("tf.keras 2.11+ saved its (new) optimizers under the class name 'Custom>Adam'.")
def optimizer_custom_prefix(training_config):
    optimizer = training_config.get("optimizer_config")
    name = optimizer.get("class_name") if isinstance(optimizer, dict) else None
    if isinstance(name, str) and name.startswith("Custom>"):
        optimizer["class_name"] = name[len("Custom>"):]
        return True
    return False


def _metric_by_name(metric):
    """A serialized ``MeanMetricWrapper`` as the name it was compiled with; anything else as it is."""
    if isinstance(metric, dict) and metric.get("class_name") == "MeanMetricWrapper" and \
            isinstance(metric.get("config"), dict) and isinstance(metric["config"].get("name"), str):
        return metric["config"]["name"]
    return metric


@training_rewrite("tf.keras 2.13+ saved the metrics of a one-output model as a list per output ([[...]]), and a metric "
                  "compiled by name or function as a serialized MeanMetricWrapper (name 'accuracy', fn "
                  "'categorical_accuracy'), which Keras 3 cannot rebuild: each becomes the name it was compiled with.")
def metrics_by_name(training_config):
    metrics = training_config.get("metrics")
    if not isinstance(metrics, list):
        return False
    changed = False
    if len(metrics) == 1 and isinstance(metrics[0], list):
        metrics, changed = metrics[0], True
    named = [[_metric_by_name(x) for x in m] if isinstance(m, list) else _metric_by_name(m) for m in metrics]
    changed = changed or named != metrics
    training_config["metrics"] = named
    return changed


@training_rewrite("tf.keras's OptimizerV2 Nadam (TensorFlow 1.13-2.10) saved its schedule_decay as 'decay': its momentum "
                  "was 0.96 ** (t * decay), its learning rate never decayed.")
def nadam_decay_is_its_schedule_decay(training_config):
    optimizer = training_config.get("optimizer_config")
    config = optimizer.get("config") if isinstance(optimizer, dict) and optimizer.get("class_name") == "Nadam" else None
    if not isinstance(config, dict) or "decay" not in config or "schedule_decay" in config:
        return False
    config["schedule_decay"] = config.pop("decay")
    return True


# -- Keras 1 and Keras 2.0.x: the Keras 1 layers Keras 2.0-2.1 kept in keras.legacy ------------------

#: Keras 1's argument names of its dense layers and Keras 2's (Keras 2.0.8's ``legacy_dense_support``).
KERAS_1_DENSE_NAMES = (("output_dim", "units"), ("init", "kernel_initializer"), ("W_regularizer", "kernel_regularizer"),
                       ("b_regularizer", "bias_regularizer"), ("W_constraint", "kernel_constraint"),
                       ("b_constraint", "bias_constraint"), ("bias", "use_bias"))


def renamed(config, pairs):
    """Rename the keys ``config`` has among ``pairs`` (``(old, new)``) in place; whether any was renamed."""
    changed = False
    for old, new in pairs:
        if old in config:
            config[new] = config.pop(old)
            changed = True
    return changed


@layer_rewrite("Keras 1's Highway and MaxoutDense (kept by Keras 2.0-2.3 in keras.legacy.layers with their Keras 1 "
               "arguments) are ours, with Keras 2's argument names: output_dim -> units, init -> "
               "kernel_initializer, W_/b_regularizer and constraint -> kernel_/bias_, bias -> use_bias; input_dim "
               "(the Input gives it) is dropped.")
def highway_maxout_keras2_names(class_name, config):
    if class_name not in ("Highway", "MaxoutDense"):
        return False
    changed = renamed(config, KERAS_1_DENSE_NAMES)
    return config.pop("input_dim", "absent") != "absent" or changed


# -- standalone Keras 2.1-2.3 (and tf.keras where the same facts held) --------------------------------

#: Our classes the rewrites below rename layers to: a source that lists them adds these to its custom objects.
REWRITTEN_CLASSES = {cls.__name__: cls for cls in (LegacyConv2DTranspose, *CHANNELS_FIRST_1D.values())}

#: Where an ``RNN`` config (Keras 2.1+) nests its cell, and a ``StackedRNNCells`` its cells.
CELL_KEYS = {"RNN": "cell", "StackedRNNCells": "cells"}


def nested_cells(class_name, config):
    """``(class_name, config)`` of every cell an ``RNN`` / ``StackedRNNCells`` config holds, nested ones too."""
    key = CELL_KEYS.get(class_name)
    held = config.get(key) if key is not None and isinstance(config, dict) else None
    for cell in held if isinstance(held, list) else [held]:
        if isinstance(cell, dict) and isinstance(cell.get("config"), dict):
            yield cell.get("class_name"), cell["config"]
            yield from nested_cells(cell.get("class_name"), cell["config"])


@layer_rewrite("Keras 2.1+ RNN(cell) nests its cell configs ('cell'; a StackedRNNCells' 'cells'): the facts of the "
               "recurrent layers hold for them too (legacy hard_sigmoid, `implementation`, initializer names, TF 1.x's "
               "initializer dtype).")
def rnn_cells_keep_layer_facts(class_name, config):
    changed = False
    for cell_class, cell_config in nested_cells(class_name, config):
        for fact in (drop_recurrent_implementation, legacy_hard_sigmoid, initializer_class_names, drop_initializer_dtype):
            changed = fact(cell_class, cell_config) or changed
    return changed


@layer_rewrite("Keras 2.1+ SpatialDropout1D/2D/3D stored Dropout's `noise_shape` (always None: the layer made its "
               "own); Keras 3's refuse the key.")
def spatial_dropout_drops_noise_shape(class_name, config):
    if class_name.startswith("SpatialDropout") and "noise_shape" in config and config["noise_shape"] is None:
        del config["noise_shape"]
        return True
    return False


@layer_rewrite("Keras 2.2+ Conv1D/MaxPooling1D/AveragePooling1D with data_format='channels_first' were computed "
               "channels last between two transposes; TensorFlow has no CPU kernel for the NCW layout today's "
               "layers ask for, so ours transpose as Keras did (the same numbers).")
def channels_first_1d_transposed(class_name, config):
    if class_name in CHANNELS_FIRST_1D and config.get("data_format") == "channels_first":
        return CHANNELS_FIRST_1D[class_name].__name__
    return False


@layer_rewrite("Keras 2.2+ Conv2DTranspose(dilation_rate > 1) dilated its kernel (TF 1.x: atrous_conv2d_transpose); "
               "TensorFlow's dilated transposed convolution has no CPU kernel, so ours dilates the kernel itself "
               "(the same sums).")
def conv_transpose_dilation_in_the_kernel(class_name, config):
    rates = config.get("dilation_rate", 1)
    rates = rates if isinstance(rates, (list, tuple)) else [rates]
    if class_name == "Conv2DTranspose" and any(r != 1 for r in rates):
        return LegacyConv2DTranspose.__name__
    return False


#: The layer facts every standalone Keras 2.1-2.3 file shares with 2.0.x, in their order (after the CuDNN
#: layers became plain ones): a source of those versions lists them as one block.
KERAS_2_RECURRENT_FACTS = (drop_recurrent_implementation, drop_embedding_input_length, initializer_class_names,
                           legacy_hard_sigmoid, gru_without_reset_after, rnn_cells_keep_layer_facts,
                           masked_steps_repeat_output, bidirectional_masked_steps_repeat_output)


# -- tf.keras 1 and 2 (TensorFlow 1.x and 2.x) ---------------------------------------------------------

#: Layer classes whose config held `causal` (tf.keras 1.13-2.9); Keras 3 and tf.keras >= 2.10 take
#: `use_causal_mask` at call time instead.
CAUSAL_ATTENTION_CLASSES = ("Attention", "AdditiveAttention")

#: Separable convolutions, whose tf.keras configs also carry the unused `kernel_*` keys.
SEPARABLE_CONV_CLASSES = ("SeparableConv1D", "SeparableConv2D")


@model_rewrite("A tf.keras Sequential built by calling it on data recorded its input shape once, as "
               "build_input_shape at the model level, and none on its layers; it becomes an Input.")
def sequential_build_input_shape(model_config):
    body = model_config["config"]
    if model_config["class_name"] != "Sequential" or not isinstance(body, dict) or "input" in body:
        return False
    shape = body.pop("build_input_shape", None)
    layers = body.get("layers") or []
    if not isinstance(shape, list) or (layers and layers[0]["class_name"] == "InputLayer"):
        return False
    body["input"] = {"batch_shape": shape, "dtype": "float32"}
    return True


@model_rewrite("tf.keras 1.13-2.9 Attention/AdditiveAttention took causal=True in their config (each query "
               "step attends to the value steps up to its own); Keras 3 and tf.keras >= 2.10 take it as the "
               "call argument use_causal_mask, so it moves from the config to each call.")
def attention_causal_as_call_argument(model_config):
    found = [layer for layer in layer_entries(model_config)
             if layer["class_name"] in CAUSAL_ATTENTION_CLASSES and "causal" in layer["config"]]
    for layer in found:
        causal = layer["config"].pop("causal")
        for node in (layer.get("inbound_nodes") or []) if causal else []:
            if node and isinstance(node[0], list) and len(node[0]) >= 3:
                if len(node[0]) == 3:
                    node[0].append({})
                node[0][3]["use_causal_mask"] = True
    return bool(found)


@layer_rewrite("tf.keras BatchNormalization wrote its axis as a list ([1]); Keras 3 takes one integer.")
def batch_normalization_axis_as_integer(class_name, config):
    axis = config.get("axis")
    if class_name == "BatchNormalization" and isinstance(axis, list) and len(axis) == 1:
        config["axis"] = axis[0]
        return True
    return False


@layer_rewrite("tf.keras SeparableConv1D/2D configs also carried kernel_initializer/regularizer/constraint, "
               "which those layers never used (their weights are the depthwise and pointwise kernels); "
               "Keras 3 refuses the keys.")
def separable_conv_drops_unused_kernel_keys(class_name, config):
    if class_name not in SEPARABLE_CONV_CLASSES:
        return False
    found = [key for key in ("kernel_initializer", "kernel_regularizer", "kernel_constraint") if key in config]
    for key in found:
        del config[key]
    return bool(found)


@layer_rewrite("TensorFlow 1.x's initializers (init_ops) wrote their dtype into their configs "
               "({'seed': None, 'dtype': 'float32'}); TensorFlow 2's and Keras 3's take no dtype there (the "
               "layer's dtype decides), so the key is dropped.")
def drop_initializer_dtype(class_name, config):
    initializers = [value.get("config") for key, value in config.items()
                    if key.endswith("_initializer") and isinstance(value, dict)]
    found = [settings for settings in initializers if isinstance(settings, dict) and "dtype" in settings]
    for settings in found:
        del settings["dtype"]
    return bool(found)


#: The layer rewrites tf.keras of TensorFlow 1.x and 2 share, in the order both sources run them.
TF_KERAS_LAYER_REWRITES = (
    drop_time_major,
    rnn_cells_keep_layer_facts,
    drop_recurrent_implementation,
    drop_embedding_input_length,
    initializer_class_names,
    legacy_hard_sigmoid,
    batch_normalization_axis_as_integer,
    separable_conv_drops_unused_kernel_keys,
    spatial_dropout_drops_trainable,
    spatial_dropout_drops_noise_shape,
)


#: Keras 2.0.x's layer facts after its config-shape rewrites, in their order: what a Keras 1 file becomes
#: once its names are Keras 2's (Keras 2.0's own loader converted them), so both sources list them as one block.
KERAS_2_0_LAYER_FACTS = (drop_embedding_input_length, initializer_class_names, legacy_hard_sigmoid,
                         gru_without_reset_after, masked_steps_repeat_output, bidirectional_masked_steps_repeat_output,
                         time_distributed_inner_sees_no_mask, spatial_dropout_drops_trainable)
