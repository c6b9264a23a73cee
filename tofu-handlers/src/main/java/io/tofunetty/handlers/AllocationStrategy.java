package io.tofunetty.handlers;

/** How {@link TofuEngine#get} behaves when the engine's message pool is empty (tofu's {@code AllocationStrategy}). */
public enum AllocationStrategy {
    /** Take a message from the pool; null when the pool is empty. */
    POOL_ONLY,
    /** Take a message from the pool, or allocate a new one when the pool is empty. */
    ALWAYS
}
