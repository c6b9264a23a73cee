package io.tofunetty.handlers;

/**
 * A snapshot of a {@link TofuEngine}'s counters ({@link TofuEngine#statistics()}), for monitoring: they show the
 * engine's bounds at work. Counts are since the engine was built.
 *
 * @param framesReceived      frames received from peers, on all channels
 * @param heldMessages        received frames held back now because the pool is empty (reading is stopped on their
 *                            channels); at most one read of {@link TofuEngine#MAX_READ_BYTES} bytes per channel
 * @param heldMessagesPeak    the highest {@code heldMessages} so far
 * @param connectionsAccepted connections accepted by the engine's listeners
 * @param connectionsRefused  connections a listener closed at once because it had
 *                            {@link TofuEngine.Builder#maxConnectionsPerListener} open already
 * @param readTimeouts        channels closed because a frame stayed incomplete past
 *                            {@link TofuEngine.Builder#partialFrameTimeout}, or nothing arrived for
 *                            {@link TofuEngine.Builder#readIdleTimeout}
 */
public record EngineStatistics(long framesReceived, int heldMessages, int heldMessagesPeak, long connectionsAccepted,
                               long connectionsRefused, long readTimeouts) {
}
