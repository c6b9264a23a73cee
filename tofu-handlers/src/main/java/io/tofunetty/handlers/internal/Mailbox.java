package io.tofunetty.handlers.internal;

import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A group's receive mailbox: FIFO, many producers (I/O threads, {@code updateReceiver} callers), meant for one
 * consumer. Once closed it refuses (and releases) what is offered, and frees what it still holds.
 */
public final class Mailbox<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private boolean closed;

    /** Queues {@code item}; if the mailbox is closed, releases it and returns false. */
    public boolean offer(T item) {
        lock.lock();
        try {
            if (!closed) {
                items.addLast(item);
                notEmpty.signal();
                return true;
            }
        } finally {
            lock.unlock();
        }
        ReferenceCountUtil.release(item);
        return false;
    }

    /** Queues {@code item} unless closed; never releases it (the caller keeps it on false). */
    public boolean offerOrKeep(T item) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            items.addLast(item);
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next item, waiting up to {@code timeoutNanos}; null on timeout.
     *
     * @throws ClosedException once the mailbox is closed
     */
    public T poll(long timeoutNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long remaining = timeoutNanos;
            while (true) {
                if (closed) {
                    throw new ClosedException();
                }
                T item = items.pollFirst();
                if (item != null) {
                    return item;
                }
                if (remaining <= 0) {
                    return null;
                }
                remaining = notEmpty.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the mailbox, releases what it holds and wakes every waiter. Idempotent. */
    public void close() {
        ArrayDeque<T> left;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            left = new ArrayDeque<>(items);
            items.clear();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        for (T item : left) {
            ReferenceCountUtil.release(item);
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** Thrown by {@link #poll} once the mailbox is closed. */
    public static final class ClosedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClosedException() {
            super("mailbox closed", null, false, false);
        }
    }
}
