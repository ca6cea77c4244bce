package io.mnist.api.model;

import io.mnist.api.DigitClassifier;
import io.mnist.api.NetworkWeights;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The check that a model's weights are all finite numbers, made on every load and every save: a NaN weight makes
 * every probability NaN, and a NaN probability reads as digit 0 "with confidence NaN", which is worse than an
 * error. It looks at the engine-neutral weights ({@link NetworkWeights}) a classifier exports, so it is the same
 * check for every backend; a model that cannot export such weights is not checked.
 */
public final class FiniteWeights {
    private FiniteWeights() {
    }

    /**
     * Checks a classifier just built from a model file.
     *
     * @param classifier the loaded classifier (not closed here)
     * @param source     the file it came from, for the message
     * @throws NonFiniteWeightsException if a weight is NaN or infinite
     */
    public static void checkLoaded(DigitClassifier classifier, String source) throws NonFiniteWeightsException {
        Bad bad = find(classifier::networkWeights);
        if (bad != null) {
            throw new NonFiniteWeightsException(source + " holds a weight that is not a finite number: " + bad
                    + ". A model like this answers nonsense; it was saved from a training run that diverged, or"
                    + " damaged before its digests were recorded. Train it again (with a lower learning rate if"
                    + " training diverged).", bad.tensor, bad.index);
        }
    }

    /**
     * Checks a model's weights before they are written.
     *
     * @param weights the model's weights; an {@link UnsupportedOperationException} from it means "not checkable"
     * @param target  the file that would be written, for the message
     * @throws NonFiniteWeightsException if a weight is NaN or infinite; then nothing is written
     */
    public static void checkBeforeSave(Supplier<NetworkWeights> weights, Path target) throws NonFiniteWeightsException {
        Bad bad = find(weights);
        if (bad != null) {
            throw new NonFiniteWeightsException("Not saving " + target + ": the model holds a weight that is not a"
                    + " finite number (" + bad + "), so it would answer nonsense. Its training diverged; train"
                    + " again with a lower learning rate.", bad.tensor, bad.index);
        }
    }

    private static Bad find(Supplier<NetworkWeights> source) {
        NetworkWeights weights;
        try {
            weights = source.get();
        } catch (UnsupportedOperationException e) {
            return null;
        }
        for (NetworkWeights.Tensor t : weights.tensors()) {
            float[] v = t.values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    return new Bad(t.name(), i, v[i]);
                }
            }
        }
        return null;
    }

    private record Bad(String tensor, int index, float value) {
        @Override
        public String toString() {
            return "tensor " + tensor + " [" + index + "] is " + value;
        }
    }
}
