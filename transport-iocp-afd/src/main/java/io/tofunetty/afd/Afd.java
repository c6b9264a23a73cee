package io.tofunetty.afd;

import com.sun.jna.Platform;
import io.tofunetty.afd.internal.poll.JnaAfdDriver;

/**
 * Whether the AFD transport can run here: Windows x64 (or Wine 7.13+), JNA loadable, and \Device\Afd openable.
 * Checked once, on first use.
 */
public final class Afd {
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private Afd() {
    }

    private static Throwable probe() {
        if (!Platform.isWindows()) {
            return new UnsupportedOperationException("the AFD transport needs Windows (os.name="
                    + System.getProperty("os.name") + ')');
        }
        if (!Platform.is64Bit()) {
            return new UnsupportedOperationException("the AFD transport needs a 64-bit JVM (os.arch="
                    + System.getProperty("os.arch") + ')');
        }
        try {
            JnaAfdDriver driver = new JnaAfdDriver(AfdIoHandlerOptions.defaults().deviceName());
            try {
                driver.closeDevice(driver.openDevice());
            } finally {
                driver.close();
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Whether the transport can be used. */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Throws {@link UnsatisfiedLinkError} (with the reason as its cause) when the transport cannot be used.
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError("the AFD transport is unavailable: "
                    + UNAVAILABILITY_CAUSE).initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /** Why the transport cannot be used, or null when it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }
}
