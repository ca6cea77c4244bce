package io.mnist.api.spi;

import io.mnist.api.NetworkSpec;

/** Applies {@link NetworkSpec#inputScale()} before pixels reach an engine, so that no backend has to. */
final class InputScale {
    private InputScale() {
    }

    /**
     * Multiplies the first {@code length} values of {@code pixels} by the network's input scale, in place.
     *
     * @return {@code pixels}
     */
    static float[] apply(NetworkSpec network, float[] pixels, int length) {
        float scale = (float) network.inputScale();
        if (scale != 1f) {
            for (int i = 0; i < length; i++) {
                pixels[i] *= scale;
            }
        }
        return pixels;
    }
}
