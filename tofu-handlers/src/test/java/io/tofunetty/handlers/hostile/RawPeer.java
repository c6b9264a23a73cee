package io.tofunetty.handlers.hostile;

import io.tofunetty.handlers.TofuAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A hostile peer on a plain JDK socket (TCP or Unix domain), speaking raw bytes: it writes whatever the test
 * wants, as fast or as slowly as it wants, reads with a deadline, and can abort the connection with an RST.
 */
final class RawPeer implements AutoCloseable {
    /** What a read found. */
    enum ReadResult { DATA, EOF, RESET, TIMEOUT }

    private final SocketChannel channel;
    private final TofuAddress.Kind kind;
    private final Selector selector;

    private RawPeer(SocketChannel channel, TofuAddress.Kind kind) throws IOException {
        this.channel = channel;
        this.kind = kind;
        channel.configureBlocking(false);
        this.selector = Selector.open();
    }

    /** Connects (blocking) to {@code address}, a TCP or UDS address as the engine's WelcomeResponse names it. */
    static RawPeer connect(TofuAddress address) throws IOException {
        SocketChannel ch;
        if (address.kind() == TofuAddress.Kind.TCP) {
            ch = SocketChannel.open(new InetSocketAddress(address.host(), address.port()));
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } else {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(address.path()));
        }
        return new RawPeer(ch, address.kind());
    }

    /** Writes everything, waiting while the socket is full (the receiver's backpressure). */
    void writeFully(byte[] bytes, Duration timeout) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                awaitWritable(deadline);
            }
        }
    }

    /** One non-blocking write: how many bytes the socket took (0 when its buffers are full). */
    int tryWrite(ByteBuffer b) throws IOException {
        return channel.write(b);
    }

    private void awaitWritable(long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("peer could not write within its deadline");
        }
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        try {
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
        } finally {
            key.interestOps(0);
        }
    }

    /** Reads into {@code into} until it is full, the peer closes or resets, or the timeout passes. */
    ReadResult read(ByteBuffer into, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (into.hasRemaining()) {
            int n;
            try {
                n = channel.read(into);
            } catch (IOException e) {
                return ReadResult.RESET; // "Connection reset by peer"
            }
            if (n < 0) {
                return ReadResult.EOF;
            }
            if (n == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return ReadResult.TIMEOUT;
                }
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                try {
                    selector.select(Math.max(1, left / 1_000_000));
                    selector.selectedKeys().clear();
                } finally {
                    key.interestOps(0);
                }
            }
        }
        return ReadResult.DATA;
    }

    /** Waits until the engine closes the connection: EOF or reset; DATA if bytes came instead, or TIMEOUT. */
    ReadResult awaitClosedByEngine(Duration timeout) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ReadResult r = read(one, timeout);
        return r;
    }

    /** Closes with an RST on TCP (SO_LINGER 0, as tofu does); a plain close on UDS, which has no reset. */
    void abort() throws IOException {
        if (kind == TofuAddress.Kind.TCP && channel.isOpen()) {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        close();
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
