"""genlab: the shared helpers of a notebook series on generative models of MNIST.

The notebooks keep the lesson (architectures, losses, ``train_step``) in plain sight and
import the plumbing from here, always the same way::

    from genlab import data, plots, manifold, animation
"""

import os

# TensorFlow prints pages of C++ start-up logs; keep warnings and errors only.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
