# Train, checkpoint every epoch, save the final weights and the predictions they give.
import numpy as np
from keras.callbacks import ModelCheckpoint
from model_def import build_model, sample_data

model = build_model()
x, y = sample_data(seed=0)
checkpoint = ModelCheckpoint('echo_checkpoint.h5', monitor='loss', save_weights_only=True, period=1)
history = model.fit(x, y, batch_size=16, nb_epoch=2, verbose=0, callbacks=[checkpoint])
model.save_weights('echo_final.h5')
np.save('train_predictions.npy', model.predict(x[:4]))
print('CORPUS_OK train loss=%.4f' % history.history['loss'][-1])
