/**
 * Latency-aware client-side load balancing: peak-EWMA latency, power of two choices, outlier ejection and slow
 * start. This package holds the algorithms; their wiring into Spring Cloud LoadBalancer comes with the
 * load-balancing work.
 */
@NullMarked
package dev.hyperlane.boot.loadbalancer;

import org.jspecify.annotations.NullMarked;
