package io.mnist.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Adam with Keras' defaults (beta1 0.9, beta2 0.999, epsilon 1e-7), with bias correction folded into the step
 * size as Keras does: {@code w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)}.
 */
final class KerasAdam extends KerasOptimizer {
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-7f;

    private final Map<String, NDArray[]> moments = new ConcurrentHashMap<>();

    KerasAdam(float learningRate) {
        super(learningRate);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        NDArray[] mv = moments.computeIfAbsent(parameterId, id -> {
            NDArray m = weight.zerosLike();
            NDArray v = weight.zerosLike();
            NDScope.unregister(m, v);
            return new NDArray[] {m, v};
        });
        double step = learningRate() * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            mv[0].muli(BETA1).addi(grad.mul(1 - BETA1));
            mv[1].muli(BETA2).addi(grad.square().muli(1 - BETA2));
            weight.subi(mv[0].div(mv[1].sqrt().addi(EPSILON)).muli((float) step));
        }
    }
}
