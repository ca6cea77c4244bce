/**
 * The {@code djl} backend: any network a {@code NetworkSpec} describes, built, trained and run on DJL with the
 * PyTorch engine, CPU, offline. Everything engine-neutral (data, training loop, evaluation, model file) comes from
 * {@code mnist-api}.
 */
package io.mnist.djl;
