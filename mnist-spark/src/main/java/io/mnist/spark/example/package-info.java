/** An example Spark job over {@link io.mnist.spark.DigitRecognizer}: a folder or Parquet table of images in, Parquet out. */
package io.mnist.spark.example;
