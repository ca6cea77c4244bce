/**
 * Image preprocessing: from photos, scans and canvas drawings to MNIST-form {@link io.mnist.api.DigitImage}s; and
 * the way back, {@link io.mnist.api.image.DigitPictures}, which draws a digit as a picture or PNG file.
 */
package io.mnist.api.image;
