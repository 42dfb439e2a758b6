"""The only place that knows which Keras (flavour, version, backend) is running.

* ``detect``: the installed Keras, from package metadata, without importing it;
* ``flavour``: the imported Keras, its version, backend, and the capabilities that differ;
* ``ops``: the tensor ops of our layers, with one spelling on every flavour and backend;
* ``internals``: the few reads of Keras internals (masks, call arguments, sub-layer scopes);
* ``saving``: save formats and the SavedModel export;
* ``optimizers``: optimizer slots and the ``decay`` schedule (for restored 2017 optimizers and migrated code);
* ``keras_ops``: ``keras.ops`` on every flavour (and variables, CTC, random numbers), for
  ``compat_attention.legacy``.

Nothing is imported here: import the module you need.
"""
