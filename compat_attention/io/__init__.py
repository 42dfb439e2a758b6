"""Reading model files of other Keras versions and packages, and rebuilding them on this one.

One pipeline (``loader.load``), each stage its own module:

* ``h5file`` / ``archive``: read an ``.h5`` / a ``.keras`` archive read-only into a ``LegacyFile``,
  refusing bad files;
* ``sources/``: the producers of the files, one module each, each exporting one ``SOURCE``
  (``source.Source``: how its files are recognised, its rewrites, checks and custom objects);
  ``loader.pick_source`` picks a file's;
* ``structure`` and ``resources``: the checks every file gets before anything is built;
* ``rewrites``: ``RewriteSet``, and the named config rewrites several sources share;
* ``configs``: the one walk over (wrapped) layer configs;
* ``build``: layers from rewritten configs, wired as the file says, weights assigned;
* ``training``: the loss, metrics and optimizer the file records, its optimizer state restored;
* ``targets``: ``load_legacy_weights``' check of the layers the weights go into;
* ``loader``: the one loader and the public load functions; ``operations``: inspect, convert,
  verify (what the CLI calls); ``boundary``: what escapes Keras leaves typed.
"""
