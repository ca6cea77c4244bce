/**
 * The backend contract kit, shipped as mnist-api's test-jar: abstract JUnit 5 tests that every backend module
 * extends, and helpers to damage model files the way real files get damaged.
 */
package io.mnist.api.contract;
