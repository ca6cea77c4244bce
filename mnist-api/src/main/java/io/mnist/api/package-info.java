/**
 * The user-facing API: {@link io.mnist.api.DigitClassifiers} to get a classifier or a trainer,
 * {@link io.mnist.api.DigitClassifier} to predict, evaluate and save, and the value types around them.
 * No engine type ever appears here.
 */
package io.mnist.api;
