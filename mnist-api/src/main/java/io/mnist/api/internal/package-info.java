/**
 * Helpers of the API's own implementation: not exported from the {@code io.mnist.api} module, and not for users
 * or backends, whose code needs nothing here.
 */
package io.mnist.api.internal;
