/**
 * The service-provider interface for backends: {@link io.mnist.api.spi.DigitBackend}, found with
 * {@link java.util.ServiceLoader}, and the shared halves of a classifier and a trainer that a backend completes
 * with only its engine's code.
 */
package io.mnist.api.spi;
