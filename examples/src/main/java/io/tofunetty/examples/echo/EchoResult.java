package io.tofunetty.examples.echo;

import java.util.Locale;

/**
 * The outcome of an echo client run.
 *
 * @param failure          null when every echo was verified, else the first problem
 * @param transport        the concrete transport's name
 * @param connections      connections opened
 * @param requests         Requests per connection
 * @param expectedEchoes   echoes expected in all (Hello, Requests, Signal and Bye of every connection)
 * @param verifiedEchoes   echoes that arrived and matched
 * @param elapsedNanos     from the first connect to the last verified Bye (or to the failure)
 * @param p50Micros        median Request round trip, -1 without Requests
 * @param p99Micros        99th percentile Request round trip, -1 without Requests
 */
public record EchoResult(String failure, String transport, String address, int connections, int requests,
                         long expectedEchoes, long verifiedEchoes, long elapsedNanos, long p50Micros,
                         long p99Micros) {

    public boolean success() {
        return failure == null;
    }

    /** Echoed messages per second over the whole run. */
    public long messagesPerSecond() {
        return elapsedNanos <= 0 ? 0 : Math.round(verifiedEchoes * 1e9 / elapsedNanos);
    }

    /** One line: {@code SUMMARY ok ...} or {@code SUMMARY FAILED ...}. */
    public String summary() {
        String seconds = String.format(Locale.ROOT, "%.3f", elapsedNanos / 1e9);
        if (!success()) {
            return "SUMMARY FAILED: transport " + transport + ", " + connections + " connection(s) to " + address + ", "
                    + verifiedEchoes + " of " + expectedEchoes + " echoes verified in " + seconds + " s";
        }
        return "SUMMARY ok: transport " + transport + ", " + connections + " connection(s) to " + address + ", "
                + requests + " requests each, all " + verifiedEchoes + " echoes verified in " + seconds + " s: "
                + messagesPerSecond() + " messages/s, latency p50 " + micros(p50Micros) + ", p99 "
                + micros(p99Micros);
    }

    private static String micros(long v) {
        return v < 0 ? "n/a" : v + " us";
    }
}
