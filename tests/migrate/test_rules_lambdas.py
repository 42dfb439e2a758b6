"""rules/lambdas.py: Lambda(lambda x: K.mean(x, axis=a)) and K.sum."""

from migrate_helpers import code


def test_lambda_mean_over_axis_becomes_axis_mean():
    src = ("from keras.layers import Lambda\nfrom keras import backend as K\n"
           "a = Lambda(lambda x: K.mean(x, axis=1), name='avg')(h)\n"
           "b = Lambda(lambda xin: K.sum(xin, axis=-2), output_shape=(16,))(h)\n"
           "c = Lambda(lambda x: K.max(x, axis=1))(h)\n")
    out = code(src)
    assert "a = AxisMean(axis=1, name='avg')(h)\n" in out
    assert "b = AxisSum(axis=-2)(h)\n" in out
    assert "c = Lambda(lambda x: K.max(x, axis=1))(h)\n" in out
    assert "from compat_attention import AxisMean, AxisSum\n" in out
