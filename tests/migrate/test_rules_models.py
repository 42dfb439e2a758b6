"""rules/models.py: Keras 1's Model(input=, output=)."""

from migrate_helpers import code


def test_model_input_output_keywords():
    assert code("from keras.models import Model\nm = Model(input=[a, b], output=c, name='x')\n") == \
        "from keras.models import Model\nm = Model(inputs=[a, b], outputs=c, name='x')\n"
