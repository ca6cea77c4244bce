/**
 * MNIST data: validated IDX reading, the verified locating and fetching of the dataset, and the in-memory
 * {@link io.mnist.api.data.MnistDataset}.
 */
package io.mnist.api.data;
