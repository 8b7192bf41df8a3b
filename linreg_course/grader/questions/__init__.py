"""The public tests of each exercise, one module per notebook: `chNN_topic.py` for `NN_topic.ipynb`."""
