/**
 * ONNX export: {@link io.mnist.api.onnx.OnnxExport} writes any network of a {@link io.mnist.api.NetworkSpec} with
 * its weights as an ONNX model (operator set 13), so that a model trained or imported here runs in ONNX Runtime and
 * every other ONNX consumer. {@link io.mnist.api.DigitClassifier#exportOnnx(java.nio.file.Path)} is the short way.
 */
package io.mnist.api.onnx;
