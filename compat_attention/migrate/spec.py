"""The API changes ``migrate`` applies, as data: what Keras renamed, moved or removed since 2.0.x.

One spec for every rule (after ``tf_upgrade_v2``'s single API-change spec): each table below
states one legacy fact and the Keras version that changed it; the rules in ``rules/`` hold the
logic that applies the tables to a program's syntax tree, and no table lives anywhere else.
This module is plain data: it imports nothing, so reading it never imports Keras.

Names are given relative to the Keras package (``'layers.Dense'``) unless they say otherwise;
a Keras package is any of :data:`KERAS_ROOTS`.
"""

#: The Keras generations a program can be migrated for: ``'keras2'`` (tf.keras 2.8-2.15,
#: tf_keras) and ``'keras3'``.
TARGETS = ("keras2", "keras3")

#: Where Keras code imports Keras from: standalone Keras (2.0.x and 3), TensorFlow's bundled
#: copy (public and private paths), and the tf_keras package.
KERAS_ROOTS = ("keras", "tensorflow.keras", "tensorflow.python.keras", "tf_keras")

#: The package that gives migrated programs what Keras 3 removed.
LEGACY_PACKAGE = "compat_attention.legacy"

# -- modules that moved or disappeared ---------------------------------------------------------

#: Keras 2.2-2.3 folded the per-family layer modules into ``keras.layers``
#: (``from keras.layers.recurrent import LSTM`` -> ``from keras.layers import LSTM``).
LAYER_MODULES = frozenset("layers." + m for m in (
    "recurrent", "wrappers", "core", "merge", "embeddings", "convolutional", "pooling", "normalization",
    "advanced_activations", "noise", "local", "cudnn_recurrent", "convolutional_recurrent"))

#: Layer modules that Keras 2.0 programs imported as modules (``from keras.layers import core``);
#: the names they held are now attributes of ``keras.layers`` itself.
LAYER_MODULES_IMPORTED_WHOLE = ("recurrent", "core", "wrappers", "embeddings", "convolutional", "pooling",
                                "normalization", "advanced_activations", "noise")

#: Keras 2.2 split ``keras.engine`` (``topology``, ``training``, ...) into private modules; tf.keras
#: and Keras 3 never had it. Its public names now live in ``keras.layers``, except :data:`ENGINE_NAMES`.
ENGINE_MODULES = frozenset({"engine", "engine.topology", "engine.training", "engine.base_layer",
                            "engine.input_layer", "engine.sequential", "engine.network"})

#: Where a name imported from an engine module lives now (a full module path).
ENGINE_NAMES = {"Model": "keras.models", "Sequential": "keras.models", "load_model": "keras.models",
                "get_source_inputs": "keras.utils"}

#: Keras 2.0's utility submodules, folded into ``keras.utils`` (``keras.utils.np_utils.to_categorical``
#: -> ``keras.utils.to_categorical``); ``visualize_util`` was Keras 1's name of ``vis_utils``.
UTIL_MODULES = frozenset("utils." + m for m in (
    "np_utils", "visualize_util", "vis_utils", "data_utils", "generic_utils", "layer_utils", "conv_utils"))

#: The utility submodules that Keras 2.0 programs imported as modules (``from keras.utils import
#: np_utils``): ``keras.utils`` itself holds their names now.
UTIL_MODULES_IMPORTED_WHOLE = ("np_utils", "generic_utils", "data_utils", "vis_utils", "visualize_util")

#: ``keras.utils`` functions whose Keras 2.0.8 behaviour Keras 3 changed (``to_categorical`` of a
#: column vector) or dropped (``normalize``): on Keras 3 they come from ``compat_attention.legacy.utils``.
LEGACY_UTILS = ("to_categorical", "normalize")

#: Keras 1 module names that Keras 2 renamed (``from keras import initializations``).
RENAMED_MODULES = {"initializations": "initializers"}

#: Modules Keras 2.0's ``keras.layers`` re-exported (``from keras.layers import activations``):
#: only ``keras`` has them now.
LAYERS_REEXPORTED_MODULES = ("activations", "initializers", "regularizers", "constraints")

#: Keras 1's ``keras.utils.visualize_util`` names that Keras 2 renamed (``plot`` -> ``plot_model``).
VISUALIZE_UTIL_RENAMES = {"plot": "plot_model"}

#: Keras 3 dropped ``keras.preprocessing.text`` and the Keras 2.0 ``keras.preprocessing.sequence``
#: helpers; ``compat_attention.legacy`` has modules of the same names.
PREPROCESSING_MODULES = ("text", "sequence")

#: Names Keras 2.2 removed outright, with what to do instead (reported where they are used).
REMOVED_NAMES = {"Recurrent": "subclass keras.layers.RNN with a cell instead",
                 "Merge": "use concatenate/add/multiply on the branches (functional API)",
                 "merge": "use concatenate/add/multiply/dot/average/maximum on the branches",
                 "HDF5Matrix": "read the arrays with h5py (or keep them in NumPy files)"}

# -- Keras 1 layers (Keras 2.0 converted them at run time, with a warning) ----------------------

#: Keras 1 layer classes and the Keras 2 class each became (``CuDNN*``: tf.keras 2 and Keras 3
#: pick the cuDNN kernel inside ``LSTM``/``GRU`` themselves).
KERAS1_CLASS_RENAMES = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "AtrousConvolution1D": "Conv1D", "AtrousConvolution2D": "Conv2D",
    "Deconvolution2D": "Conv2DTranspose", "SeparableConvolution2D": "SeparableConv2D",
    "CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU",
}

#: Keras 1 layers that Keras 2 removed, with what to write instead.
KERAS1_REMOVED_CLASSES = {
    "TimeDistributedDense": "use TimeDistributed(Dense(...))",
    "Highway": "write it as a custom layer (two Dense layers and a gate)",
    "MaxoutDense": "use Dense(units * k) followed by a max over k groups",
}

_WEIGHT_KWARGS = {"init": "kernel_initializer", "W_regularizer": "kernel_regularizer",
                  "b_regularizer": "bias_regularizer", "W_constraint": "kernel_constraint",
                  "b_constraint": "bias_constraint", "bias": "use_bias"}
_RECURRENT_KWARGS = dict(_WEIGHT_KWARGS, output_dim="units", inner_init="recurrent_initializer",
                         U_regularizer="recurrent_regularizer", U_constraint="recurrent_constraint",
                         inner_activation="recurrent_activation", dropout_W="dropout", dropout_U="recurrent_dropout")
_CONV_KWARGS = dict(_WEIGHT_KWARGS, nb_filter="filters", filter_length="kernel_size", subsample_length="strides",
                    subsample="strides", border_mode="padding", atrous_rate="dilation_rate", dim_ordering="data_format")
_POOL_KWARGS = {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding",
                "dim_ordering": "data_format"}

#: The recurrent layers, whose Keras 1 ``input_dim=``/``input_length=`` became ``input_shape=``.
RECURRENT_CLASSES = ("LSTM", "GRU", "SimpleRNN")

#: Keras 1 constructor arguments and their Keras 2 names, per (Keras 2) layer class.
KERAS1_KWARGS = {
    "Dense": dict(_WEIGHT_KWARGS, output_dim="units"),
    "Embedding": {"init": "embeddings_initializer", "W_regularizer": "embeddings_regularizer",
                  "W_constraint": "embeddings_constraint"},
    "BatchNormalization": {"beta_init": "beta_initializer", "gamma_init": "gamma_initializer"},
    "Dropout": {"p": "rate"}, "SpatialDropout1D": {"p": "rate"}, "SpatialDropout2D": {"p": "rate"},
    "SpatialDropout3D": {"p": "rate"}, "GaussianDropout": {"p": "rate"}, "GaussianNoise": {"sigma": "stddev"},
    "UpSampling1D": {"length": "size"}, "PReLU": {"init": "alpha_initializer"},
    "GlobalMaxPooling2D": {"dim_ordering": "data_format"}, "GlobalAveragePooling2D": {"dim_ordering": "data_format"},
}
KERAS1_KWARGS.update({c: _RECURRENT_KWARGS for c in RECURRENT_CLASSES})
KERAS1_KWARGS.update({c: _CONV_KWARGS for c in ("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "SeparableConv2D")})
KERAS1_KWARGS.update({c: _POOL_KWARGS for c in ("MaxPooling1D", "AveragePooling1D", "MaxPooling2D",
                                                "AveragePooling2D", "MaxPooling3D", "AveragePooling3D")})

#: Keras 1's ``dim_ordering`` values and the ``data_format`` each means (``'default'``: the
#: configured one, which is what leaving ``data_format`` out means today).
DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}

#: Keras 1's ``forget_bias_init`` values that map to Keras 2's ``unit_forget_bias``.
FORGET_BIAS_INIT = {"one": True, "zero": False}

#: Keras 1 recurrent layers' ``consume_less=`` chose an implementation only: dropped.
IMPLEMENTATION_ONLY_KWARGS = ("consume_less",)

# -- Keras 1's merge() -------------------------------------------------------------------------

#: ``merge(inputs, mode=...)`` (removed in Keras 2.2): the Keras 2 function of each string mode.
MERGE_MODES = {"concat": "concatenate", "sum": "add", "mul": "multiply", "ave": "average", "max": "maximum",
               "dot": "dot", "cos": "dot"}

#: ``merge``'s positional order in Keras 2.0.8.
MERGE_SIGNATURE = ["inputs", "mode", "concat_axis", "dot_axes", "output_shape", "output_mask", "arguments",
                   "node_indices", "tensor_indices", "name"]

#: ``merge`` arguments that no Keras 2 merge function takes.
MERGE_UNSUPPORTED = ("output_shape", "output_mask", "arguments", "node_indices", "tensor_indices")

# -- models ------------------------------------------------------------------------------------

#: Keras 1's ``Model(input=, output=)``, renamed ``inputs=``/``outputs=`` by Keras 2.
MODEL_KWARGS = {"input": "inputs", "output": "outputs"}

# -- optimizers --------------------------------------------------------------------------------

#: Keras 2.0.8's positional order of each optimizer's arguments.
OPTIMIZER_SIGNATURES = {
    "SGD": ["lr", "momentum", "decay", "nesterov"],
    "RMSprop": ["lr", "rho", "epsilon", "decay"],
    "Adagrad": ["lr", "epsilon", "decay"],
    "Adadelta": ["lr", "rho", "epsilon", "decay"],
    "Adam": ["lr", "beta_1", "beta_2", "epsilon", "decay"],
    "Adamax": ["lr", "beta_1", "beta_2", "epsilon", "decay"],
    "Nadam": ["lr", "beta_1", "beta_2", "epsilon", "schedule_decay"],
}

#: Keras 2.0.8's default learning rate of each optimizer (source text, written as is).
OPTIMIZER_LR_2017 = {"SGD": "0.01", "RMSprop": "0.001", "Adagrad": "0.01", "Adadelta": "1.0", "Adam": "0.001",
                     "Adamax": "0.002", "Nadam": "0.002"}

#: Today's default learning rate of each optimizer (tf.keras 2.11+ and Keras 3).
OPTIMIZER_LR_NOW = {"SGD": "0.01", "RMSprop": "0.001", "Adagrad": "0.001", "Adadelta": "0.001", "Adam": "0.001",
                    "Adamax": "0.001", "Nadam": "0.001"}

#: Keras 2.0's lower-case aliases (``keras.optimizers.adam``, ``optimizer='adam'``).
OPTIMIZER_ALIASES = {name.lower(): name for name in OPTIMIZER_SIGNATURES}

#: Keras 2.0.8's ``Nadam(schedule_decay=)`` default; modern Nadam fixes its schedule at this value.
NADAM_SCHEDULE_DECAY = 0.004

#: The module of ``legacy_decay(lr, decay)``, Keras 2.0's ``lr / (1 + decay * t)`` as a schedule.
DECAY_SCHEDULE_MODULE = LEGACY_PACKAGE + ".optimizers"

#: Attribute owners that name an optimizer in ``model.optimizer.lr`` (Keras 3 has ``learning_rate`` only).
OPTIMIZER_OWNERS = ("optimizer", "opt", "optim")

# -- the training API --------------------------------------------------------------------------

#: Keras 2.0.8's positional order of the generator methods (removed in Keras 3, deprecated in TF 2.1).
GENERATOR_SIGNATURES = {
    "fit_generator": ["generator", "steps_per_epoch", "epochs", "verbose", "callbacks", "validation_data",
                      "validation_steps", "class_weight", "max_queue_size", "workers", "use_multiprocessing",
                      "initial_epoch"],
    "predict_generator": ["generator", "steps", "max_queue_size", "workers", "use_multiprocessing", "verbose"],
    "evaluate_generator": ["generator", "steps", "max_queue_size", "workers", "use_multiprocessing"],
}

#: Keras 1 spellings of training arguments that Keras 2.0 still accepted.
TRAINING_KWARG_RENAMES = {"nb_epoch": "epochs", "max_q_size": "max_queue_size", "pickle_safe": "use_multiprocessing",
                          "nb_worker": "workers"}

#: Keras 1 counted samples where Keras 2 counts batches: not convertible without the batch size.
KERAS1_SAMPLE_COUNTS = {"samples_per_epoch": "steps_per_epoch", "nb_val_samples": "validation_steps",
                        "val_samples": "steps"}

#: Arguments that only set how batches were produced in parallel; Keras 3's fit/evaluate/predict reject them.
PARALLELISM_KWARGS = frozenset({"workers", "use_multiprocessing", "max_queue_size"})

#: The model methods that take the training arguments above.
TRAINING_METHODS = ("fit", "evaluate", "predict")

#: The model methods that take targets (``y``) as their second argument.
TARGET_METHODS = ("fit", "train_on_batch", "evaluate", "test_on_batch")

#: ``compile(sample_weight_mode=)`` values Keras 3 needs no argument for.
SAMPLE_WEIGHT_MODES_IMPLIED = ("temporal", None)

#: ``Sequential`` methods removed in TF 2.6 and Keras 3; ``compat_attention.legacy`` has them as functions.
PREDICT_METHODS = ("predict_classes", "predict_proba")

#: Libraries whose models keep a ``predict_proba`` method of their own.
OTHER_LIBRARIES = ("sklearn", "xgboost", "lightgbm", "catboost")

# -- file names (Keras 3) ----------------------------------------------------------------------

#: Keras 2.0.8's positional order of ``ModelCheckpoint``'s arguments.
MODEL_CHECKPOINT_SIGNATURE = ["filepath", "monitor", "verbose", "save_best_only", "save_weights_only", "mode",
                              "period"]

#: The suffix Keras 3 requires of weights files (``save_weights``, ``ModelCheckpoint(save_weights_only=True)``).
WEIGHTS_SUFFIX = ".weights.h5"

#: HDF5 suffixes of Keras 2 files; Keras 3 accepts ``.h5`` (not ``.hdf5``) for whole models.
HDF5_SUFFIXES = (".hdf5", ".h5")

#: Suffixes that mark a string literal as a model or weights file name.
MODEL_FILE_SUFFIXES = (".h5", ".hdf5", ".keras", ".tf")

# -- callbacks and layer arguments -------------------------------------------------------------

#: Callback arguments renamed since Keras 2.0 (``ReduceLROnPlateau(epsilon=)``: ``min_delta`` in 2.1.6).
CALLBACK_KWARG_RENAMES = {"ReduceLROnPlateau": {"epsilon": "min_delta"}}

#: Callback arguments Keras 3 removed; they only shaped the logs.
CALLBACK_KWARGS_REMOVED_IN_KERAS3 = {"TensorBoard": frozenset({"write_grads", "batch_size"})}

#: Layers whose Keras 3 constructor has no ``weights=`` (Embedding keeps it).
LAYERS_WITHOUT_WEIGHTS_KWARG = frozenset({
    "Dense", "LSTM", "GRU", "SimpleRNN", "Conv1D", "Conv2D", "Conv3D", "BatchNormalization", "Bidirectional",
    "TimeDistributed", "Conv2DTranspose", "SeparableConv2D", "PReLU"})

#: Of those, the ones whose Keras 3 constructor accepts ``weights=None`` (Keras 3.1-3.15's
#: ``Bidirectional(layer, merge_mode, weights=None, ...)``, which never applies a value).
LAYERS_TAKING_WEIGHTS_NONE = frozenset({"Bidirectional"})

# -- keras.backend -----------------------------------------------------------------------------

#: The Keras 2.0 backend functions ``compat_attention.legacy.backend`` provides: exactly its
#: ``__all__`` (a test in tests/legacy/ holds the two equal), written here so that ``migrate``
#: knows them without importing Keras.
LEGACY_BACKEND_FUNCTIONS = frozenset("""
abs all any arange argmax argmin batch_dot batch_flatten batch_get_value batch_set_value
binary_crossentropy cast categorical_crossentropy clear_session clip concatenate constant
ctc_batch_cost ctc_decode cumprod cumsum dot dtype elu epsilon equal eval exp expand_dims flatten floatx
function gather get_value gradients greater greater_equal hard_sigmoid image_data_format
image_dim_ordering in_test_phase in_train_phase int_shape l2_normalize learning_phase less less_equal
log logsumexp max maximum mean min minimum ndim not_equal one_hot ones ones_like permute_dimensions
placeholder pow prod random_binomial random_normal random_uniform relu repeat repeat_elements reshape
round set_epsilon set_floatx set_image_data_format set_image_dim_ordering set_learning_phase set_value
shape sigmoid sign softmax softplus softsign sparse_categorical_crossentropy sqrt square squeeze stack
std stop_gradient sum switch tanh tile transpose update update_add update_sub var variable zeros
zeros_like
""".split())

#: Backend names gone from tf.keras 2.x's ``keras.backend`` (TensorFlow 1 sessions, Keras 1 dim
#: ordering), with the fix.
BACKEND_REMOVED_IN_TF_KERAS = {
    "tf": "import tensorflow as tf and use it directly",
    "set_image_dim_ordering": "use K.set_image_data_format('channels_first'/'channels_last')",
    "image_dim_ordering": "use K.image_data_format()",
    "get_session": "TensorFlow 2 runs eagerly: remove session handling",
    "set_session": "TensorFlow 2 runs eagerly: remove session handling (GPU memory: "
                   "tf.config.experimental.set_memory_growth)"}

# -- Lambda reductions -------------------------------------------------------------------------

#: ``Lambda(lambda x: K.<reduction>(x, axis=a))`` and the saveable compat_attention layer computing it.
AXIS_REDUCTIONS = {"mean": "AxisMean", "sum": "AxisSum"}

# -- the copied legacy attention code ----------------------------------------------------------

#: The base class the legacy AttentionDecoder subclassed (``keras.layers.recurrent.Recurrent``,
#: removed in Keras 2.2: its file stops importing).
REMOVED_RECURRENT_BASE = "Recurrent"

#: The legacy definitions compat_attention always replaces, with the leading parameters that
#: identify them (after ``self``): the legacy ``AttentionDecoder(units, output_dim)`` and
#: ``_time_distributed_dense(x, w, ...)``.
LEGACY_DEFINITIONS = {"AttentionDecoder": ["units", "output_dim"], "_time_distributed_dense": ["x", "w"]}

#: The default of a parameter that has none (in :data:`LEGACY_DECODER_SIGNATURE`).
REQUIRED = object()

#: The legacy ``AttentionDecoder.__init__``'s whole signature after ``self`` (parameter -> default,
#: ``REQUIRED`` for none), which compat_attention's ``AttentionDecoder`` takes with the same
#: meaning. A copy whose constructor has another parameter or another default was modified: it is
#: kept (and migrated), and reported, never replaced by ours.
LEGACY_DECODER_SIGNATURE = {
    "units": REQUIRED, "output_dim": REQUIRED, "activation": "tanh", "return_probabilities": False,
    "name": "AttentionDecoder", "kernel_initializer": "glorot_uniform", "recurrent_initializer": "orthogonal",
    "bias_initializer": "zeros", "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
    "kernel_constraint": None, "bias_constraint": None}

#: Other copied definitions compat_attention provides, each with the parameters of ours: a
#: copy is replaced only when its own parameters fit in (and it reads no module setting).
PROVIDED_DEFINITIONS = {
    "attention_3d_block": frozenset({"inputs", "single_attention_vector"}),
    "AttentionPooling": frozenset({"self", "return_attention", "use_bias", "kernel_initializer", "bias_initializer",
                                   "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint"}),
    "Attention": frozenset({"self", "units", "score"}),
}

# -- Keras 2.0.8's meaning, kept by default (``--modern-defaults`` opts out) ------------------
#
# Where today's default (or the meaning of a name) differs from Keras 2.0.8's, the migrated call
# states the 2017 value, and the pin is listed as a note. Each fact below names where Keras
# 2.0.8 sets it (keras/ of the keras==2.0.8 wheel); MIGRATION.md has the table.

#: The function ``recurrent_activation='hard_sigmoid'`` meant in Keras 2.0.8 (slope 0.2), per
#: target: tf.keras 2 still has it under that name; Keras 3's ``hard_sigmoid`` has slope 1/6, so
#: there compat_attention's ``LEGACY_HARD_SIGMOID`` (imported from ``compat_attention``) is stated.
HARD_SIGMOID_2017 = {"keras2": "'hard_sigmoid'", "keras3": "LEGACY_HARD_SIGMOID"}

#: Layers whose gates defaulted to ``recurrent_activation='hard_sigmoid'`` in Keras 2.0.8, with the
#: argument's position there (keras/layers/recurrent.py ``LSTM.__init__``, ``GRU.__init__``;
#: keras/layers/convolutional_recurrent.py ``ConvLSTM2D.__init__``); today's default is 'sigmoid'.
#: Keras 1 called it ``inner_activation`` (also 'hard_sigmoid').
HARD_SIGMOID_GATES = {"LSTM": 2, "GRU": 2, "ConvLSTM2D": 7}

#: Layers that computed with today's defaults already (Keras 2.0.9+'s ``CuDNNLSTM``/``CuDNNGRU``:
#: 'sigmoid' gates, the reset gate after the recurrent product): ``keras1_layer_names`` renames them
#: ``LSTM``/``GRU``, so their values are stated (a second run must not pin 2017's on them).
TODAYS_SEMANTICS_CLASSES = {"CuDNNLSTM": (("recurrent_activation", "'sigmoid'"),),
                            "CuDNNGRU": (("recurrent_activation", "'sigmoid'"), ("reset_after", "True"))}

#: Other arguments whose default changed, each stated when a call leaves it out: class ->
#: ``(argument, Keras 2.0.8's value (source text), targets where it differs, position of the
#: argument in today's signature (None: keyword only), the Keras 2.0.8 fact, today's default)``.
LAYER_PINS = {
    "GRU": [("reset_after", "False", TARGETS, None,
             "keras/layers/recurrent.py GRU: the reset gate applied before the recurrent product, one bias "
             "(3 * units,)", "reset_after=True: after it, two biases (2, 3 * units); 2017 weights do not fit")],
    "Flatten": [("data_format", "'channels_last'", TARGETS, 0,
                 "keras/layers/core.py Flatten.call: K.batch_flatten(inputs) whatever the image data format",
                 "None: with image_data_format() 'channels_first' it moves the channels last before flattening")],
    "BatchNormalization": [("fused", "False", ("keras2",), None,
                            "keras/layers/normalization.py BatchNormalization.call: the moving variance follows "
                            "K.normalize_batch_in_training's tf.nn.moments, the biased batch variance",
                            "fused=None: fused kernel on 4D inputs, which updates the moving variance with the "
                            "unbiased (N/(N-1)) batch variance")],
    "Conv1D": [("data_format", "'channels_last'", ("keras3",), 4,
                "keras/layers/convolutional.py Conv1D: always channels_last (no data_format argument)",
                "None: image_data_format()")],
    "MaxPooling1D": [("data_format", "'channels_last'", ("keras3",), 3,
                      "keras/layers/pooling.py _Pooling1D: always channels_last", "None: image_data_format()")],
    "AveragePooling1D": [("pool_size", "2", ("keras3",), 0, "keras/layers/pooling.py AveragePooling1D(pool_size=2)",
                          "no default (pool_size is required)"),
                         ("data_format", "'channels_last'", ("keras3",), 3,
                          "keras/layers/pooling.py _Pooling1D: always channels_last", "None: image_data_format()")],
    "AveragePooling2D": [("pool_size", "(2, 2)", ("keras3",), 0,
                          "keras/layers/pooling.py AveragePooling2D(pool_size=(2, 2))", "no default (required)")],
    "AveragePooling3D": [("pool_size", "(2, 2, 2)", ("keras3",), 0,
                          "keras/layers/pooling.py AveragePooling3D(pool_size=(2, 2, 2))", "no default (required)")],
    "GlobalMaxPooling1D": [("data_format", "'channels_last'", ("keras3",), 0,
                            "keras/layers/pooling.py _GlobalPooling1D: always channels_last",
                            "None: image_data_format()")],
    "GlobalAveragePooling1D": [("data_format", "'channels_last'", ("keras3",), 0,
                                "keras/layers/pooling.py _GlobalPooling1D: always channels_last",
                                "None: image_data_format()")],
    "ZeroPadding1D": [("data_format", "'channels_last'", ("keras3",), 1,
                       "keras/layers/convolutional.py ZeroPadding1D: always channels_last", "None: image_data_format()")],
}

#: Other names of the pinned classes (Keras 2.0's aliases and Keras 1 names; ``Atrous`` too).
PINNED_CLASS_ALIASES = {"MaxPool1D": "MaxPooling1D", "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D",
                        "AvgPool3D": "AveragePooling3D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
                        "GlobalAvgPool1D": "GlobalAveragePooling1D", "Convolution1D": "Conv1D",
                        "AtrousConvolution1D": "Conv1D", "Conv1D": "Conv1D"}

#: The module of Keras 2.0.8's optimizers for migrated programs (``compat_attention.legacy.optimizers``).
LEGACY_OPTIMIZERS_MODULE = LEGACY_PACKAGE + ".optimizers"

#: What each Keras 2.0.8 optimizer had that today's of the same name has not (keras/optimizers.py
#: of Keras 2.0.8, each class's ``__init__`` and ``get_updates``; today: Keras 3 and tf.keras >= 2.11).
OPTIMIZER_CHANGES = {
    "SGD": "clipnorm clipped by the global norm of all gradients (today: each by its own norm)",
    "RMSprop": "epsilon 1e-8 outside the root: g / (sqrt(a) + 1e-8) (today: g / sqrt(a + 1e-7))",
    "Adagrad": "learning rate 0.01, accumulator from 0, g / (sqrt(a) + 1e-8) (today: 0.001, from 0.1, "
               "g / sqrt(a + 1e-7))",
    "Adadelta": "learning rate 1.0, epsilon 1e-8 (today: 0.001, 1e-7)",
    "Adam": "epsilon 1e-8 (today: 1e-7)",
    "Adamax": "learning rate 0.002, epsilon 1e-8 (today: 0.001, 1e-7)",
    "Nadam": "learning rate 0.002, epsilon 1e-8, schedule_decay (today: 0.001, 1e-7, fixed schedule)",
}

#: What every Keras 2.0.8 optimizer shared that today's have not: ``decay``, dense sparse gradients.
OPTIMIZER_CHANGES_ALL = ("decay as lr * 1 / (1 + decay * t); an Embedding's sparse gradient squared after summing "
                         "repeated rows (Keras 3: row by row)")

# -- other idioms of 2017 programs (rules/idioms.py) -------------------------------------------

#: NumPy names removed in NumPy 1.24 (the builtin aliases) and 2.0, with what to write instead (an
#: expression; ``None``: reported, no rewrite). ``np.float(3)`` was ``float(3)``.
NUMPY_REMOVED = {"product": "np.prod", "cumproduct": "np.cumprod", "sometrue": "np.any", "alltrue": "np.all",
                 "float": "float", "int": "int", "bool": "bool", "object": "object", "str": "str",
                 "complex": "complex", "float_": "np.float64", "complex_": "np.complex128", "NaN": "np.nan",
                 "NAN": "np.nan", "Inf": "np.inf", "Infinity": "np.inf", "infty": "np.inf", "PINF": "np.inf",
                 "NINF": "-np.inf", "unicode_": "np.str_", "string_": "np.bytes_", "round_": "np.round",
                 "in1d": "np.isin", "row_stack": "np.vstack", "asscalar": None}

#: Keras 1 ``fit``/``evaluate`` arguments Keras 2.0 already rejected ("Unrecognized keyword
#: arguments"), which only shaped the progress output: dropped.
KERAS1_TRAINING_LOG_ARGS = ("show_accuracy",)

#: Methods that took them.
KERAS1_LOG_ARG_METHODS = ("fit", "evaluate", "fit_generator", "evaluate_generator", "train_on_batch", "test_on_batch")

#: ``K.set_image_dim_ordering`` (Keras 1; gone from tf.keras 2 and Keras 3's backend) values and
#: the ``K.set_image_data_format`` value each meant.
DIM_ORDERINGS = {"th": "channels_first", "tf": "channels_last"}

#: Keras 1 custom-layer methods Keras 2 renamed (a custom layer keeping them is never called).
KERAS1_LAYER_METHODS = {"get_output_shape_for": "compute_output_shape"}

#: The base classes of custom layers (last component of the Keras name).
LAYER_BASES = ("Layer", "Recurrent", "RNN", "Wrapper")
