/**
 * Batch recognition on Apache Spark: {@link io.mnist.spark.DigitRecognizer}, a Spark ML transformer over a column of
 * images, with the model loaded once per executor and images classified in batches. Decoding, preprocessing and the
 * error kinds are the API's ({@link io.mnist.api.image.ImageDecoder}, {@link io.mnist.api.InvalidImageException}).
 */
package io.mnist.spark;
