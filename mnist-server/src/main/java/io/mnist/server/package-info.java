/**
 * The HTTP service and the draw-a-digit page ({@code mnist serve}): a thin adapter over
 * {@link io.mnist.api.DigitClassifier} that decodes through {@link io.mnist.api.image.ImageDecoder} with its own
 * {@link io.mnist.api.image.ImageLimits} and answers the library's {@link io.mnist.api.InvalidImageException} kinds
 * as stable JSON error codes. {@link io.mnist.server.MnistServer} is the entry point.
 */
package io.mnist.server;
