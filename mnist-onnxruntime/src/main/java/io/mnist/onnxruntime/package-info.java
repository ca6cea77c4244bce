/**
 * The {@code onnxruntime} backend: runs any model of a {@link io.mnist.api.NetworkSpec} through its ONNX export
 * ({@link io.mnist.api.onnx.OnnxExport}) in ONNX Runtime, for inference only. Models come from the training backends
 * by {@link io.mnist.api.DigitClassifiers#convert(io.mnist.api.DigitClassifier, String)}.
 */
package io.mnist.onnxruntime;
