package io.mnist.cli;

/** Output formats. */
enum Format {
    text, csv, json
}
