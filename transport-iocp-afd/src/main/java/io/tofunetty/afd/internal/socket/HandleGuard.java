package io.tofunetty.afd.internal.socket;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps closesocket apart from calls in flight on the same SOCKET value. Windows reuses handle values at once: an
 * option call from a user thread that raced the event loop's close could otherwise land on an unrelated socket (or
 * file) that got the value meanwhile. Calls {@link #enter()} and {@link #exit()} around the system call; the closer
 * {@link #closeAndAwait() marks the handle closed} (later enters fail) and waits for those in flight before it calls
 * closesocket. The JDK does the same with its NativeThreadSet and the state lock around its file descriptor.
 *
 * <p>The guarded calls are single non-blocking system calls, so the closer waits microseconds at most.
 */
final class HandleGuard {
    private static final AtomicIntegerFieldUpdater<HandleGuard> USERS =
            AtomicIntegerFieldUpdater.newUpdater(HandleGuard.class, "users");

    private volatile int users;
    private volatile boolean closed;
    private volatile Thread closer;

    /** Admits one call; false once the handle is closing (the caller then reports the socket closed). */
    boolean enter() {
        USERS.incrementAndGet(this);
        // Dekker-style with closeAndAwait(): either the closer sees this call in 'users', or this call sees 'closed'.
        if (closed) {
            exit();
            return false;
        }
        return true;
    }

    /** Ends a call admitted by {@link #enter()}. */
    void exit() {
        if (USERS.decrementAndGet(this) == 0 && closed) {
            Thread t = closer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Whether {@link #closeAndAwait()} has started. */
    boolean isClosed() {
        return closed;
    }

    /** Calls in flight (tests). */
    int inFlight() {
        return users;
    }

    /**
     * Refuses new calls and waits until the calls in flight have exited; then the handle may be closed. Only one
     * thread may call this, once (the owner's close is already idempotent).
     */
    void closeAndAwait() {
        closer = Thread.currentThread();
        closed = true;
        boolean interrupted = false;
        while (users != 0) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true; // keep waiting: closing under a call in flight is what this class prevents
            }
        }
        closer = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
