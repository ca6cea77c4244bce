/**
 * Telling images that are not digits from digits: {@link io.mnist.api.ood.NotADigitDetector} (the statistics and
 * thresholds a model file may hold, behind {@link io.mnist.api.Prediction#outOfDistributionScore()}),
 * {@link io.mnist.api.ood.DigitSubspaces} (per-digit principal subspaces in pixel space) and
 * {@link io.mnist.api.ood.NonDigitImages} (letters, stains and scribbles drawn in code, to measure it with).
 */
package io.mnist.api.ood;
