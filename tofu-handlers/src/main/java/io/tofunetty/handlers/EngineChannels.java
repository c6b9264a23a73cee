package io.tofunetty.handlers;

import io.tofunetty.codec.Status;
import io.tofunetty.handlers.internal.ChannelNumbers;

import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine's channel table: the number of every open data channel and listener, and the endpoint behind it.
 * Numbers come from {@link ChannelNumbers} (random, never 0 or 65535, a released one blocked for a while).
 */
final class EngineChannels {
    private final ChannelNumbers numbers = new ChannelNumbers();
    private final ConcurrentHashMap<Integer, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** A number for a channel the application opens. */
    int allocate() {
        try {
            return numbers.allocate();
        } catch (IllegalStateException e) {
            throw new TofuException(Status.ALLOCATION_FAILED, e.getMessage());
        }
    }

    /** A number for an accepted channel, or -1 when none is left. */
    int allocateForAccept() {
        try {
            return numbers.allocate();
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** Adds a new endpoint to the table and its group; false (number released) if the group is destroyed. */
    boolean register(Endpoint e) {
        if (!e.group.add(e)) {
            numbers.release(e.number);
            return false;
        }
        endpoints.put(e.number, e);
        return true;
    }

    /** Removes an endpoint from the table; its number stays blocked for the next 1024 releases. */
    void forget(Endpoint e) {
        if (endpoints.remove(e.number, e)) {
            numbers.release(e.number);
        }
    }

    /** The open endpoint with this number, or null. */
    Endpoint get(int number) {
        return endpoints.get(number);
    }
}
