/**
 * Keras import: reads a model saved by Keras ({@code model.save("x.h5")} in Keras 2 or 3, {@code model.save("x.keras")}
 * in Keras 2.13+ and 3) into an engine-neutral {@link io.mnist.api.NetworkSpec} and {@link io.mnist.api.NetworkWeights},
 * without any engine; {@link io.mnist.api.DigitClassifiers#importKeras} then builds it on a backend. HDF5 is read by
 * jHDF (pure Java), the JSON configs by Jackson.
 */
package io.mnist.api.keras;
