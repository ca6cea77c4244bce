package io.mnist.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RMSProp with Keras' semantics, written with NDArray operations because DJL's PyTorch engine has no native
 * RMSProp update ({@code Optimizer.rmsprop()} throws {@code UnsupportedOperationException} there):
 * <pre>
 *   ms = rho * ms + (1 - rho) * g^2
 *   w  = w - lr * g / sqrt(ms + epsilon)
 * </pre>
 * with rho 0.9 and epsilon 1e-7 (Keras' defaults; epsilon inside the root as in Keras, not after it as in PyTorch).
 */
final class KerasRmsProp extends KerasOptimizer {
    static final float RHO = 0.9f;
    static final float EPSILON = 1e-7f;

    private final Map<String, NDArray> meanSquares = new ConcurrentHashMap<>();

    KerasRmsProp(float learningRate) {
        super(learningRate);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        NDArray ms = meanSquares.computeIfAbsent(parameterId, id -> {
            NDArray zeros = weight.zerosLike();
            NDScope.unregister(zeros);
            return zeros;
        });
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            ms.muli(RHO).addi(grad.square().muli(1 - RHO));
            weight.subi(grad.div(ms.add(EPSILON).sqrt()).muli(learningRate()));
        }
    }
}
