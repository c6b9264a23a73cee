package io.tofunetty.afd;

/**
 * Tuning of {@link AfdIoHandler}. Immutable; each {@code withX} returns a copy.
 */
public final class AfdIoHandlerOptions {
    private static final AfdIoHandlerOptions DEFAULTS =
            new AfdIoHandlerOptions(32, 1024, 65536, 8, 10, 2000, 256, "TofuNetty",
                    AfdReadMode.fromSystemProperty(AfdReadMode.COMPLETION));

    private final int groupSize;
    private final int completionBatchSize;
    private final int maxCompletionBatchSize;
    private final int maxArmAttempts;
    private final int armRetryIntervalMillis;
    private final int shutdownDrainTimeoutMillis;
    private final int recordsPerChunk;
    private final String deviceName;
    private final AfdReadMode readMode;

    private AfdIoHandlerOptions(int groupSize, int completionBatchSize, int maxCompletionBatchSize,
                                int maxArmAttempts, int armRetryIntervalMillis, int shutdownDrainTimeoutMillis,
                                int recordsPerChunk, String deviceName, AfdReadMode readMode) {
        this.groupSize = positive("groupSize", groupSize);
        this.completionBatchSize = positive("completionBatchSize", completionBatchSize);
        this.maxCompletionBatchSize = positive("maxCompletionBatchSize", maxCompletionBatchSize);
        if (maxCompletionBatchSize < completionBatchSize) {
            throw new IllegalArgumentException("maxCompletionBatchSize (" + maxCompletionBatchSize
                    + ") < completionBatchSize (" + completionBatchSize + ')');
        }
        this.maxArmAttempts = positive("maxArmAttempts", maxArmAttempts);
        this.armRetryIntervalMillis = positive("armRetryIntervalMillis", armRetryIntervalMillis);
        if (shutdownDrainTimeoutMillis < 0) {
            throw new IllegalArgumentException("shutdownDrainTimeoutMillis must be >= 0: " + shutdownDrainTimeoutMillis);
        }
        this.shutdownDrainTimeoutMillis = shutdownDrainTimeoutMillis;
        this.recordsPerChunk = positive("recordsPerChunk", recordsPerChunk);
        if (deviceName == null || deviceName.isEmpty() || deviceName.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("deviceName must be non-empty and contain no backslash: " + deviceName);
        }
        this.deviceName = deviceName;
        if (readMode == null) {
            throw new NullPointerException("readMode");
        }
        this.readMode = readMode;
    }

    private static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + value);
        }
        return value;
    }

    /** groupSize 32, completionBatchSize 1024 (growing to 65536), maxArmAttempts 8, retry 10 ms, drain 2 s. */
    public static AfdIoHandlerOptions defaults() {
        return DEFAULTS;
    }

    /** Registrations per AFD device handle (cancel cost grows with the polls on one handle). Default 32. */
    public int groupSize() {
        return groupSize;
    }

    public AfdIoHandlerOptions withGroupSize(int v) {
        return new AfdIoHandlerOptions(v, completionBatchSize, maxCompletionBatchSize, maxArmAttempts,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, recordsPerChunk, deviceName, readMode);
    }

    /** Initial completion entries per GetQueuedCompletionStatusEx; doubles while batches come back full. */
    public int completionBatchSize() {
        return completionBatchSize;
    }

    public AfdIoHandlerOptions withCompletionBatchSize(int v) {
        return new AfdIoHandlerOptions(groupSize, v, Math.max(v, maxCompletionBatchSize), maxArmAttempts,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, recordsPerChunk, deviceName, readMode);
    }

    public int maxCompletionBatchSize() {
        return maxCompletionBatchSize;
    }

    public AfdIoHandlerOptions withMaxCompletionBatchSize(int v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, v, maxArmAttempts,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, recordsPerChunk, deviceName, readMode);
    }

    /** Consecutive failed arms (other than "handle closed") before the registration gets an error event. */
    public int maxArmAttempts() {
        return maxArmAttempts;
    }

    public AfdIoHandlerOptions withMaxArmAttempts(int v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, maxCompletionBatchSize, v,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, recordsPerChunk, deviceName, readMode);
    }

    /** Longest wait while failed arms are waiting to be retried. */
    public int armRetryIntervalMillis() {
        return armRetryIntervalMillis;
    }

    public AfdIoHandlerOptions withArmRetryIntervalMillis(int v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, maxCompletionBatchSize, maxArmAttempts,
                v, shutdownDrainTimeoutMillis, recordsPerChunk, deviceName, readMode);
    }

    /** How long destroy() waits for the packets of cancelled polls before leaking their memory instead. */
    public int shutdownDrainTimeoutMillis() {
        return shutdownDrainTimeoutMillis;
    }

    public AfdIoHandlerOptions withShutdownDrainTimeoutMillis(int v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, maxCompletionBatchSize, maxArmAttempts,
                armRetryIntervalMillis, v, recordsPerChunk, deviceName, readMode);
    }

    /** Poll records (64 bytes each) per pinned native chunk. */
    public int recordsPerChunk() {
        return recordsPerChunk;
    }

    public AfdIoHandlerOptions withRecordsPerChunk(int v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, maxCompletionBatchSize, maxArmAttempts,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, v, deviceName, readMode);
    }

    /** The suffix of \Device\Afd\&lt;name&gt; (free text, required by the kernel). */
    public String deviceName() {
        return deviceName;
    }

    public AfdIoHandlerOptions withDeviceName(String v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, maxCompletionBatchSize, maxArmAttempts,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, recordsPerChunk, v, readMode);
    }

    /**
     * How TCP stream channels read: {@link AfdReadMode#POLL} or {@link AfdReadMode#COMPLETION}. The default is
     * {@link AfdReadMode#COMPLETION} (a quarter fewer kernel calls per message; docs/alternatives.md), or the system
     * property {@value AfdReadMode#PROPERTY} ({@code poll} or {@code completion}) when set.
     */
    public AfdReadMode readMode() {
        return readMode;
    }

    public AfdIoHandlerOptions withReadMode(AfdReadMode v) {
        return new AfdIoHandlerOptions(groupSize, completionBatchSize, maxCompletionBatchSize, maxArmAttempts,
                armRetryIntervalMillis, shutdownDrainTimeoutMillis, recordsPerChunk, deviceName, v);
    }

    @Override
    public String toString() {
        return "AfdIoHandlerOptions(groupSize=" + groupSize + ", completionBatchSize=" + completionBatchSize
                + ", maxCompletionBatchSize=" + maxCompletionBatchSize + ", maxArmAttempts=" + maxArmAttempts
                + ", armRetryIntervalMillis=" + armRetryIntervalMillis + ", shutdownDrainTimeoutMillis="
                + shutdownDrainTimeoutMillis + ", recordsPerChunk=" + recordsPerChunk + ", deviceName="
                + deviceName + ", readMode=" + readMode + ')';
    }
}
