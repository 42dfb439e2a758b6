# Rebuild the model and load the weights train.py saved, by layer name.
import os
import numpy as np
from model_def import build_model, sample_data

WEIGHTS = 'echo_final.h5'

model = build_model()
if not os.path.exists(WEIGHTS):
    raise SystemExit('no %s: run train.py first' % WEIGHTS)
model.load_weights(WEIGHTS, by_name=True)
x, _ = sample_data(seed=0)
diff = np.abs(model.predict(x[:4]) - np.load('train_predictions.npy')).max()
assert diff < 1e-6, diff
print('CORPUS_OK predict loss=%.2e' % diff)
