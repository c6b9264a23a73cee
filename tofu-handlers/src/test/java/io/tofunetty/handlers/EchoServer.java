package io.tofunetty.handlers;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tofu echo server on its own thread, like tofu's recipes: answers every request with its response
 * (HelloRequest → HelloResponse, Request → Response, ByeRequest → ByeResponse), same id and body; gives
 * notifications back to the pool; stops on a receiver_update.
 */
final class EchoServer implements AutoCloseable {
    final TofuEngine engine;
    final ChannelGroup group;
    final TofuAddress address;
    final AtomicInteger hellos = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger byes = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final Set<Integer> openChannels = ConcurrentHashMap.newKeySet();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    EchoServer(TofuEngine engine, TofuAddress listenOn) throws InterruptedException {
        this.engine = engine;
        this.group = engine.create();
        this.address = TestSupport.startListener(group, listenOn);
        this.thread = new Thread(this::run, "echo-server");
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                TofuMessage m = group.waitReceive(Duration.ofSeconds(30));
                if (m == null) {
                    continue;
                }
                if (m.status() == Status.RECEIVER_UPDATE) {
                    engine.put(m);
                    return;
                }
                if (m.origin() == Origin.ENGINE) {
                    if (m.opCode() == OpCode.SIGNAL && m.status() == Status.CHANNEL_CLOSED) {
                        openChannels.remove(m.channelNumber());
                        closed.incrementAndGet();
                    }
                    engine.put(m);
                    continue;
                }
                OpCode op = m.opCode();
                if (!op.isRequest()) {
                    engine.put(m);
                    continue;
                }
                if (op == OpCode.HELLO_REQUEST) {
                    openChannels.add(m.channelNumber());
                    hellos.incrementAndGet();
                } else if (op == OpCode.BYE_REQUEST) {
                    byes.incrementAndGet();
                } else {
                    requests.incrementAndGet();
                }
                try {
                    group.post(m.opCode(op.echo()));
                } catch (TofuException e) {
                    // The client may be gone already (e.g. it aborted with a ByeSignal).
                    if (e.status() != Status.INVALID_CHANNEL_NUMBER) {
                        throw e;
                    }
                    engine.put(m);
                }
            }
        } catch (TofuException e) {
            if (e.status() != Status.SHUTDOWN_STARTED) {
                failure.set(e);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    /** Waits until {@code n} channels have closed on the server side. */
    void awaitClosed(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TestSupport.WAIT.toNanos();
        while (closed.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            group.updateReceiver(null);
        } catch (TofuException e) {
            // already destroyed
        }
        thread.join(TestSupport.WAIT.toMillis());
        engine.destroy(group);
        if (failure.get() != null) {
            throw new AssertionError("echo server failed", failure.get());
        }
        if (thread.isAlive()) {
            throw new AssertionError("echo server thread did not stop");
        }
    }
}
