/**
 * The model file: a zip with {@code manifest.json} and a backend's weights, written atomically and verified on
 * reading, with one exception type per way a file can be unusable.
 */
package io.mnist.api.model;
