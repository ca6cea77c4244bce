/** Image preprocessing: from photos, scans and canvas drawings to MNIST-form {@link io.mnist.api.DigitImage}s. */
package io.mnist.api.image;
