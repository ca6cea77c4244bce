/**
 * The {@code dl4j} backend: the seed network and its training on Deeplearning4j with ND4J's native CPU backend.
 * Everything engine-neutral (data, training loop, evaluation, model file) comes from {@code mnist-api}.
 */
package io.mnist.dl4j;
