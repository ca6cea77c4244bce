/**
 * The {@code djl} backend: the seed network and its training on DJL with the PyTorch engine, CPU, offline.
 * Everything engine-neutral (data, training loop, evaluation, model file) comes from {@code mnist-api}.
 */
package io.mnist.djl;
