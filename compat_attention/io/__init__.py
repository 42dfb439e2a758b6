"""Reading model files of other Keras versions and packages, and rebuilding them on this one.

A pipeline, each stage its own module:

* ``h5file``: read a Keras 2 HDF5 file read-only (config, weights), refusing bad files;
* ``rewrites``: ``RewriteSet``, named config rewrites, one per legacy fact;
* ``keras2_0`` and ``attention_package``: the sources, each a set of rewrites (and, for the
  package, a layer of its own);
* ``build``: layers from rewritten configs, wired as the file says, weights assigned;
* ``loader``: the one loader every source goes through, and the public load functions;
* ``operations``: inspect, convert, verify (what the CLI calls).
"""
