"""Keras 2.0.8's recurrent layers where modern Keras computes masked steps otherwise.

``LegacyLSTM``, ``LegacyGRU``, ``LegacySimpleRNN``: the modern layers, except that masked steps
always repeat the last output (``zero_output_for_mask`` stays False even inside a
``Bidirectional``, which forces it to True on modern Keras), and, with ``ignore_mask=True``, that
they ignore the mask (what Keras 2.0.8's ``TimeDistributed`` gave the layer it wrapped). The
Keras 2.0.x source (``io/sources/keras2_0.py``) puts them where a wrapper holds a recurrent layer;
the class names are registered, and files converted by this package name them.
"""

import inspect

from .._keras.flavour import CAN_UNROLL_MASKED_BACKWARDS, keras, register_legacy_subclass

__all__ = ["LegacyGRU", "LegacyLSTM", "LegacySimpleRNN"]


def _legacy_recurrent(base):
    class Legacy(base):
        def __init__(self, *args, ignore_mask=False, **kwargs):
            kwargs.pop("zero_output_for_mask", None)
            if not CAN_UNROLL_MASKED_BACKWARDS:
                kwargs["unroll"] = False  # the same numbers, through the symbolic loop
            super().__init__(*args, **kwargs)
            self.ignore_mask = bool(ignore_mask)

        # Keras 2.0.8 repeated the last output at masked steps in every direction; modern
        # Bidirectional sets this to True on the layers it wraps: such writes are ignored.
        @property
        def zero_output_for_mask(self):
            return False

        @zero_output_for_mask.setter
        def zero_output_for_mask(self, value):
            pass

        def call(self, *args, **kwargs):
            if self.ignore_mask:
                kwargs["mask"] = None
            return super().call(*args, **kwargs)

        # the base's own parameters (Keras 3 names the sequences ``sequences`` and matches ``build``'s
        # ``sequences_shape`` to them; Keras 2 names them ``inputs``), so the layer builds on its own too
        call.__signature__ = inspect.signature(base.call)

        def compute_mask(self, inputs, mask=None):
            return super().compute_mask(inputs, None if self.ignore_mask else mask)

        def get_config(self):
            config = super().get_config()
            config["ignore_mask"] = self.ignore_mask
            return config

    return register_legacy_subclass(Legacy, base, "Keras 2.0.8's ``%s``: masked steps repeat the last output, in "
                                    "either direction and inside a ``Bidirectional``; ``ignore_mask=True`` ignores "
                                    "the mask.")


LegacyLSTM = _legacy_recurrent(keras.layers.LSTM)
LegacyGRU = _legacy_recurrent(keras.layers.GRU)
LegacySimpleRNN = _legacy_recurrent(keras.layers.SimpleRNN)

# A Keras 2 Bidirectional (tf.keras, tf_keras) writes the layer it wraps into an .h5 under its
# bare class name, which deserialization then looks up unprefixed: register that spelling too.
keras.utils.get_custom_objects().update({cls.__name__: cls for cls in (LegacyLSTM, LegacyGRU, LegacySimpleRNN)})
