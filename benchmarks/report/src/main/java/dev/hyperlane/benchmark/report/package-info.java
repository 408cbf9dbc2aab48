/**
 * Turns the benchmark harness's measurements into Markdown tables and PNG charts.
 */
@NullMarked
package dev.hyperlane.benchmark.report;

import org.jspecify.annotations.NullMarked;
