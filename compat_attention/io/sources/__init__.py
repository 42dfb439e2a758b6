"""The producers of the files the loader reads, one module each, each exporting one ``SOURCE``.

* ``keras2_0``: Keras 2.0.x ``.h5`` files (and, until each later Keras 2 era has a source of
  its own, every other Keras 2 file);
* ``attention_package``: files of tf.keras 2 models holding the ``attention`` package's layer
  (``.h5`` and ``.keras``).

A source module imports no other source module; the shared rewrites are in ``io/rewrites.py``,
the shared checks in ``io/structure.py`` and ``io/resources.py``. ``loader.pick_source`` picks
a file's source from its own metadata.
"""
