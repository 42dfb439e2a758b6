"""compat_attention.io.source: what a ``Source`` holds, and its layer hook as the builder uses it."""

from compat_attention._keras.flavour import keras
from compat_attention.io.build import LayerFactory
from compat_attention.io.rewrites import RewriteSet
from compat_attention.io.source import Source


def _source(**kwargs):
    return Source("test producer", keras_versions=["2.1."], rewrites=RewriteSet("test", []),
                  weights_only_fix="build it in code", recurrent_defaults=lambda version: {}, **kwargs)


def test_a_source_holds_its_marks_as_given():
    objects = {"Thing": keras.layers.Dense}
    source = _source(custom_objects=objects, checks=[len])
    objects["Other"] = keras.layers.LSTM  # the source keeps its own copy
    assert source.keras_versions == ("2.1.",) and source.checks == (len,)
    assert source.custom_objects == {"Thing": keras.layers.Dense}
    assert (source.evidence, source.make_layer) == (None, None) and repr(source) == "<Source test producer>"


def test_the_builder_makes_layers_through_the_sources_hook_or_its_own():
    made = []

    def make_layer(factory, class_name, config):
        made.append(class_name)
        return factory.make_standard(class_name, dict(config, units=5))

    hooked = LayerFactory("m.h5", _source(make_layer=make_layer)).make("Dense", {"name": "d", "units": 2})
    plain = LayerFactory("m.h5", _source()).make("Dense", {"name": "d", "units": 2})
    assert made == ["Dense"] and hooked.units == 5 and plain.units == 2
    thing = LayerFactory("m.h5", _source(custom_objects={"Thing": keras.layers.Dense})).make("Thing", {"units": 3})
    assert isinstance(thing, keras.layers.Dense) and thing.units == 3
