package io.mnist.djl;

import ai.djl.training.optimizer.Optimizer;

/** What our Keras-style optimisers share: a learning rate the training loop may change between epochs. */
abstract class KerasOptimizer extends Optimizer {
    private volatile float learningRate;

    KerasOptimizer(float learningRate) {
        super(new Builder());
        this.learningRate = learningRate;
    }

    /** The step size of the next updates. */
    final float learningRate() {
        return learningRate;
    }

    /** Changes the step size of the next updates; the optimiser's moments are kept. */
    final void learningRate(float learningRate) {
        this.learningRate = learningRate;
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
