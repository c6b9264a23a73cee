package io.tofunetty.handlers.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide message id counter: a message posted with id 0 gets the next value, starting at 1
 * (tofu src/message.zig:626-628, 687-692). Ids are u64; 0 is skipped should the counter ever wrap.
 */
public final class MessageIds {
    private static final AtomicLong NEXT = new AtomicLong(1);

    private MessageIds() {
    }

    public static long next() {
        long id = NEXT.getAndIncrement();
        return id != 0 ? id : NEXT.getAndIncrement();
    }
}
