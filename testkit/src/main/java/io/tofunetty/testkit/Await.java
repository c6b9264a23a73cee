package io.tofunetty.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for something another thread makes true. The limit is a hang guard sized for a loaded machine under Wine,
 * never a timing the test asserts (docs/testing.md, "Tests that cannot fail by chance").
 */
public final class Await {
    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it still does not after {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        until(what, limit, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; a failure also says what {@code state} reports then. */
    public static void until(String what, Duration limit, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                String detail = state.get();
                throw new AssertionError(what + ": not within " + limit.toSeconds() + " s"
                        + (detail.isEmpty() ? "" : "; " + detail));
            }
            Thread.sleep(10);
        }
    }
}
