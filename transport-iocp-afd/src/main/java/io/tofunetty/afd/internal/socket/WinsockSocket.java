package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Win32Errors;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.NativeCallCounter;
import io.tofunetty.afd.internal.win32.Winsock;

import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One Winsock SOCKET owned by a channel: non-blocking, non-inheritable, created with WSA_FLAG_OVERLAPPED so the
 * AFD poller can watch it. Keeps the shutdown and closed state Winsock does not report, maps failures to the
 * exceptions of {@link WinsockExceptions}, and counts open sockets process-wide ({@link #openSockets()}).
 *
 * <p>IP sockets are dual-stack AF_INET6 (IPV6_V6ONLY off, IPv4 addresses written v4-mapped, the IPv4 wildcard as
 * {@code ::}) unless IPv6 is unavailable or {@code java.net.preferIPv4Stack} is set, like the JDK's own sockets.
 *
 * <p>TCP sockets follow the JDK's NIO on Windows in two more ways:
 * <ul>
 *   <li><b>Exclusive bind.</b> Windows' SO_REUSEADDR lets a second socket bind an address and port that is in use,
 *       even by a listener, and the two then share (or steal) its connections. Like the JDK (Net.c bind0 and
 *       NET_WinBind in net_util_md.c, with {@code sun.net.useExclusiveBind} at its Windows default), {@link #bind}
 *       sets SO_EXCLUSIVEADDRUSE first, and SO_REUSEADDR is only emulated: {@link #setReuseAddress} stores the value
 *       and {@link #isReuseAddress} reads it back, the kernel never sees it (as ServerSocketChannelImpl and
 *       SocketChannelImpl do). {@link #setExclusiveBind setExclusiveBind(false)} (or the JDK's
 *       {@code -Dsun.net.useExclusiveBind=false}) restores Windows' own SO_REUSEADDR.</li>
 *   <li><b>Fast failure of refused loopback connects.</b> Windows answers a connect to a closed port with RST but
 *       retransmits its SYN first, so the failure takes about 2 s even on loopback. For a loopback destination
 *       {@link #connect} first asks for no SYN retransmission (SIO_TCP_INITIAL_RTO, as the JDK's
 *       NET_EnableFastTcpLoopbackConnect in net_util_md.c and libuv's src/win/tcp.c do). It is an optimisation:
 *       where the stack lacks the ioctl the connect goes on unchanged.</li>
 * </ul>
 *
 * <p>Hot-path calls ({@link #recv}, {@link #send}, {@link #sendv}) run on the event loop only, which is also where the
 * socket is closed (or, for a lingering close, after the channel left the loop). Every other call may come from any
 * thread and is {@link HandleGuard guarded}: {@link #close()} waits for calls in flight before closesocket, so no call
 * ever reaches a recycled handle value.
 */
public final class WinsockSocket {
    private static final AtomicInteger OPEN = new AtomicInteger();
    private static final AtomicIntegerFieldUpdater<WinsockSocket> STATE =
            AtomicIntegerFieldUpdater.newUpdater(WinsockSocket.class, "state");
    private static final int INPUT_SHUTDOWN = 1;
    private static final int OUTPUT_SHUTDOWN = 2;
    private static final int CLOSED = 4;
    private static final int HANDLE_FLAG_INHERIT = 1;

    /** The JDK's switch (sun.nio.ch.Net.useExclusiveBind): unset or empty means on, as on Windows by default. */
    private static final boolean EXCLUSIVE_BIND_BY_DEFAULT = exclusiveBindByDefault();

    private static volatile int ipv6Support; // 0 unknown, 1 yes, -1 no
    /** Set once the stack has refused SIO_TCP_INITIAL_RTO as unknown: later connects do not ask again. */
    private static volatile boolean initialRtoUnavailable;

    /** What a connect asked of the kernel to fail fast when a loopback port is closed. */
    public enum FastLoopbackConnect {
        /** Not asked: no connect yet, not a TCP socket, or not a loopback destination. */
        NOT_ASKED,
        /** SIO_TCP_INITIAL_RTO with no SYN retransmission was set before the connect. */
        APPLIED,
        /** Asked, but the stack lacks the ioctl (or refused it); the connect went on with the system's timing. */
        UNAVAILABLE
    }

    private final long handle;
    private final boolean ipv6;
    private final boolean tcp;
    private final HandleGuard guard = new HandleGuard();
    private volatile int state;
    private InetSocketAddress acceptedRemote;
    private volatile boolean exclusiveBind;
    private volatile boolean reuseAddress;
    private volatile boolean bound;
    private volatile FastLoopbackConnect fastLoopbackConnect = FastLoopbackConnect.NOT_ASKED;
    /** The completion port (its owner) this socket was associated with; a socket can never move to another one. */
    private volatile Object completionPortOwner;
    private volatile boolean skipsCompletionPortOnSuccess;

    private WinsockSocket(long handle, boolean ipv6, boolean tcp) {
        this.handle = handle;
        this.ipv6 = ipv6;
        this.tcp = tcp;
        this.exclusiveBind = tcp && EXCLUSIVE_BIND_BY_DEFAULT;
        OPEN.incrementAndGet();
    }

    private static boolean exclusiveBindByDefault() {
        String value = System.getProperty("sun.net.useExclusiveBind");
        return value == null || value.isEmpty() || Boolean.parseBoolean(value);
    }

    /** Sockets created or accepted by the transport and not yet closed, in this process. */
    public static int openSockets() {
        return OPEN.get();
    }

    /** A new TCP socket of the preferred family (dual-stack IPv6 when available). */
    public static WinsockSocket newStreamSocket() throws IOException {
        return newStreamSocket(preferIpv6());
    }

    /** A new TCP socket; {@code ipv6} makes a dual-stack AF_INET6 socket, otherwise AF_INET. */
    public static WinsockSocket newStreamSocket(boolean ipv6) throws IOException {
        return newInetSocket(ipv6, true);
    }

    /**
     * A new non-blocking, non-inheritable TCP or UDP socket: AF_INET6 dual-stack (IPV6_V6ONLY off) when {@code ipv6},
     * else AF_INET. UDP sockets come with SIO_UDP_CONNRESET off ({@link SocketHandles#newSocket}).
     */
    static WinsockSocket newInetSocket(boolean ipv6, boolean tcp) throws IOException {
        long s;
        try {
            s = tcp ? SocketHandles.newTcpSocket(ipv6) : SocketHandles.newUdpSocket(ipv6);
        } catch (IOException e) {
            throw WinsockExceptions.newException("WSASocketW(" + (ipv6 ? "AF_INET6" : "AF_INET")
                    + (tcp ? ", SOCK_STREAM)" : ", SOCK_DGRAM)"), WinsockExceptions.errorCode(e));
        }
        WinsockSocket socket = new WinsockSocket(s, ipv6, tcp);
        if (ipv6) {
            try {
                socket.setIntOption(Winsock.IPPROTO_IPV6, Winsock.IPV6_V6ONLY, 0);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
        return socket;
    }

    /**
     * Takes ownership of a SOCKET made by {@link Winsock#newSocket} for a kind this class has no factory of (UDP
     * sockets, AF_UNIX streams): the result closes it and counts it in {@link #openSockets()}. {@code ipv6} tells
     * whether IPv4 addresses are written v4-mapped (a dual-stack AF_INET6 socket). The IP address helpers
     * ({@link #localAddress()}, {@link #finishConnect}, {@link #accept()}) do not apply to AF_UNIX sockets: their
     * channels read addresses themselves.
     */
    public static WinsockSocket adopt(long handle, boolean ipv6) {
        if (handle == Winsock.INVALID_SOCKET || handle == 0) {
            throw new IllegalArgumentException("not a socket: 0x" + Long.toHexString(handle));
        }
        return new WinsockSocket(handle, ipv6, false);
    }

    /**
     * Whether a socket of the preferred family is a dual-stack IPv6 one: yes unless {@code java.net.preferIPv4Stack}
     * is set or this system cannot make IPv6 sockets (probed once).
     */
    public static boolean preferIpv6() {
        if (NetUtil.isIpV4StackPreferred()) {
            return false;
        }
        int support = ipv6Support;
        if (support == 0) {
            try {
                Winsock.startup();
                long probe = Winsock.WSASocketW(Winsock.AF_INET6, Winsock.SOCK_STREAM, Winsock.IPPROTO_TCP, 0, 0,
                        Winsock.WSA_FLAG_OVERLAPPED | Winsock.WSA_FLAG_NO_HANDLE_INHERIT);
                support = probe == Winsock.INVALID_SOCKET ? -1 : 1;
                if (probe != Winsock.INVALID_SOCKET && Winsock.closesocket(probe) != 0) {
                    throw new IllegalStateException(WinsockExceptions.newException("closesocket(IPv6 probe)",
                            Winsock.lastError()).getMessage());
                }
            } catch (IOException e) {
                support = -1;
            }
            ipv6Support = support;
        }
        return support > 0;
    }

    /** The SOCKET value. */
    public long handle() {
        return handle;
    }

    /** Whether this is an AF_INET6 (dual-stack) socket. */
    public boolean isIpv6() {
        return ipv6;
    }

    private int family() {
        return ipv6 ? Winsock.AF_INET6 : Winsock.AF_INET;
    }

    public boolean isOpen() {
        return (state & CLOSED) == 0;
    }

    public boolean isInputShutdown() {
        return (state & INPUT_SHUTDOWN) != 0;
    }

    public boolean isOutputShutdown() {
        return (state & OUTPUT_SHUTDOWN) != 0;
    }

    public boolean isShutdown() {
        int s = state;
        return (s & (INPUT_SHUTDOWN | OUTPUT_SHUTDOWN)) == (INPUT_SHUTDOWN | OUTPUT_SHUTDOWN) || (s & CLOSED) != 0;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /**
     * Admits one call on {@link #handle()} from outside this class (raw option calls): the handle stays open until
     * {@link #release()}. Throws when the socket is closed or closing.
     */
    public long acquire() throws ClosedChannelException {
        if (!isOpen() || !guard.enter()) {
            throw new ClosedChannelException();
        }
        return handle;
    }

    /** Ends a call admitted by {@link #acquire()}. */
    public void release() {
        guard.exit();
    }

    // ------------------------------------------------------------------------------------------ connection set-up

    /**
     * Binds to {@code local}; a TCP socket binds exclusively unless {@link #setExclusiveBind} turned that off. A
     * failure is a {@link java.net.BindException} naming {@code local}.
     */
    public void bind(SocketAddress local) throws IOException {
        acquire();
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            if (exclusiveBind) {
                // SO_EXCLUSIVEADDRUSE counts at bind time only. The kernel's SO_REUSEADDR is off here (it is emulated
                // while exclusive bind is on), so the two cannot clash.
                try {
                    SocketHandles.setIntOption(handle, Winsock.SOL_SOCKET, Winsock.SO_EXCLUSIVEADDRUSE, 1);
                } catch (IOException e) {
                    throw WinsockExceptions.newException("bind(" + local + ") (SO_EXCLUSIVEADDRUSE)",
                            WinsockExceptions.errorCode(e));
                }
            }
            int len = SockAddrs.write(local, sa, family());
            if (Winsock.bind(handle, sa, len) != 0) {
                int err = Winsock.lastError();
                // Windows answers WSAEACCES when another socket holds the port exclusively; it means "in use", as
                // the JDK reports it (NET_Bind in net_util_md.c).
                throw WinsockExceptions.newException("bind(" + local + ')',
                        err == Win32Errors.WSAEACCES ? Win32Errors.WSAEADDRINUSE : err);
            }
            bound = true;
        } finally {
            Mem.free(sa);
            release();
        }
    }

    public void listen(int backlog) throws IOException {
        acquire();
        try {
            if (Winsock.listen(handle, backlog) != 0) {
                throw WinsockExceptions.newException("listen()", Winsock.lastError());
            }
        } finally {
            release();
        }
    }

    /**
     * Starts a non-blocking connect: true when connected at once, false when in progress (wait for SEND or
     * CONNECT_FAIL, then {@link #finishConnect}).
     */
    public boolean connect(SocketAddress remote) throws IOException {
        acquire();
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            if (tcp && remote instanceof InetSocketAddress && !((InetSocketAddress) remote).isUnresolved()
                    && ((InetSocketAddress) remote).getAddress().isLoopbackAddress()) {
                askForFastLoopbackFailure();
            }
            return connect(handle, sa, SockAddrs.write(remote, sa, family()));
        } finally {
            Mem.free(sa);
            release();
        }
    }

    /**
     * Starts a non-blocking connect to the sockaddr at {@code sa}: true when connected at once, false when in
     * progress (WSAEWOULDBLOCK or WSAEINPROGRESS; the channel then arms AfdIoOps.CONNECT).
     */
    static boolean connect(long handle, long sa, int length) throws IOException {
        if (Winsock.connect(handle, sa, length) == 0) {
            return true;
        }
        int err = Winsock.lastError();
        if (err == Win32Errors.WSAEWOULDBLOCK || err == Win32Errors.WSAEINPROGRESS) {
            return false;
        }
        throw WinsockExceptions.newConnectException(err);
    }

    /**
     * No SYN retransmission for this connect (the JDK's NET_EnableFastTcpLoopbackConnect): a refused loopback
     * connect then fails at the first RST instead of after about 2 s. Only for loopback, where an unanswered SYN is
     * not a lost packet. Wine 8.0 lacks the ioctl (WSAEOPNOTSUPP) and Windows before 10 1709 the no-retransmission
     * value: the connect then keeps the system's timing, and once the stack has refused it later connects stop
     * asking.
     */
    private void askForFastLoopbackFailure() {
        if (initialRtoUnavailable) {
            fastLoopbackConnect = FastLoopbackConnect.UNAVAILABLE;
            return;
        }
        int err = SocketHandles.setInitialRto(handle, Winsock.TCP_INITIAL_RTO_UNSPECIFIED_RTT,
                Winsock.TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS);
        if (err == 0) {
            fastLoopbackConnect = FastLoopbackConnect.APPLIED;
            return;
        }
        if (err == Win32Errors.WSAEOPNOTSUPP || err == Win32Errors.WSAEINVAL
                || err == Win32Errors.WSAENOPROTOOPT) {
            initialRtoUnavailable = true;
        }
        fastLoopbackConnect = FastLoopbackConnect.UNAVAILABLE;
    }

    /** What the last {@link #connect} asked of the kernel to fail fast on a closed loopback port. */
    public FastLoopbackConnect fastLoopbackConnect() {
        return fastLoopbackConnect;
    }

    /**
     * Completes a non-blocking connect after the poll reported SEND or CONNECT_FAIL: SO_ERROR decides. Returns the
     * connected peer's address, or null while the connect is still in progress (a spurious wake-up).
     *
     * @param hintError the Win32 error the poll reported with CONNECT_FAIL (0 if none); used when SO_ERROR is 0 but
     *                  the poll said the connect failed
     */
    public InetSocketAddress finishConnect(int hintError) throws IOException {
        return finishConnect(hintError, false) ? remoteAddress() : null;
    }

    /**
     * Completes a non-blocking connect: true when it succeeded, false while it is still in progress; a failure
     * (SO_ERROR, or {@code hintError} when SO_ERROR is 0) throws a {@link java.net.ConnectException}.
     *
     * @param hintError    the Win32 error the poll reported with CONNECT_FAIL (0 if none)
     * @param sendReported the poll reported SEND: the connect completed. The connection may already be gone again
     *                     (reset right after the handshake, so getpeername fails); the read that follows reports that.
     */
    public boolean finishConnect(int hintError, boolean sendReported) throws IOException {
        ensureOpen();
        int err = getIntOption(Winsock.SOL_SOCKET, Winsock.SO_ERROR);
        if (err == 0) {
            err = hintError;
        }
        if (err != 0) {
            throw WinsockExceptions.newConnectException(err);
        }
        if (sendReported) {
            return true;
        }
        acquire();
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE + 8);
        try {
            long lenCell = sa + SockAddrs.STORAGE_SIZE;
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            if (Winsock.getpeername(handle, sa, lenCell) != 0) {
                int e = Winsock.lastError();
                if (e == Win32Errors.WSAENOTCONN) {
                    return false;
                }
                throw WinsockExceptions.newConnectException(e);
            }
            return true;
        } finally {
            Mem.free(sa);
            release();
        }
    }

    /**
     * Accepts one pending connection: a new non-blocking, non-inheritable socket, or null when none is pending.
     * {@link #acceptedRemoteAddress()} of the result holds the peer's address.
     */
    public WinsockSocket accept() throws IOException {
        acquire();
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE + 8);
        try {
            long lenCell = sa + SockAddrs.STORAGE_SIZE;
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            long s = Winsock.accept(handle, sa, lenCell);
            if (s == Winsock.INVALID_SOCKET) {
                int err = Winsock.lastError();
                if (err == Win32Errors.WSAEWOULDBLOCK) {
                    return null;
                }
                throw WinsockExceptions.newException("accept()", err);
            }
            WinsockSocket accepted = new WinsockSocket(s, ipv6, true);
            try {
                // Accepted sockets inherit the listener's mode on Windows, but a blocking socket would stall the
                // event loop, so make sure; and the JDK clears inheritance explicitly too.
                SocketHandles.setNonBlocking(s, true);
                Winsock.Handles.SetHandleInformation(s, HANDLE_FLAG_INHERIT, 0);
                accepted.acceptedRemote = SockAddrs.readInet(sa, Mem.getInt(lenCell));
            } catch (IOException e) {
                accepted.close();
                throw WinsockExceptions.newException("accept()", WinsockExceptions.errorCode(e));
            } catch (RuntimeException e) {
                accepted.close();
                throw e;
            }
            return accepted;
        } finally {
            Mem.free(sa);
            release();
        }
    }

    /** The peer address recorded by {@link #accept()} for an accepted socket, else null. */
    public InetSocketAddress acceptedRemoteAddress() {
        return acceptedRemote;
    }

    /** getsockname, or null when the socket is closed or unbound. */
    public InetSocketAddress localAddress() {
        return address(true);
    }

    /** getpeername, or null when the socket is closed or not connected. */
    public InetSocketAddress remoteAddress() {
        return address(false);
    }

    private InetSocketAddress address(boolean local) {
        if (!isOpen() || !guard.enter()) {
            return null;
        }
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE + 8);
        try {
            long lenCell = sa + SockAddrs.STORAGE_SIZE;
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            int rc = local ? Winsock.getsockname(handle, sa, lenCell) : Winsock.getpeername(handle, sa, lenCell);
            if (rc != 0) {
                return null;
            }
            return SockAddrs.readInet(sa, Mem.getInt(lenCell));
        } finally {
            Mem.free(sa);
            guard.exit();
        }
    }

    /** The owner of the completion port this socket is associated with, null while it is associated with none. */
    public Object completionPortOwner() {
        return completionPortOwner;
    }

    /**
     * Records the association made with CreateIoCompletionPort (it lasts as long as the socket), and whether
     * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS was set with it.
     */
    public void associatedWithCompletionPort(Object owner, boolean skipsOnSuccess) {
        skipsCompletionPortOnSuccess = skipsOnSuccess;
        completionPortOwner = owner;
    }

    /** Whether an overlapped operation that completes at once queues no packet on this socket. */
    public boolean skipsCompletionPortOnSuccess() {
        return skipsCompletionPortOnSuccess;
    }

    // ------------------------------------------------------------------------------------------ data path

    /**
     * Receives into native memory: the byte count, -1 at end of stream, 0 when nothing is ready.
     */
    public int recv(long address, int length) throws IOException {
        NativeCallCounter.count(NativeCallCounter.RECV);
        int n = Winsock.recv(handle, address, length, 0);
        if (n > 0) {
            return n;
        }
        if (n == 0) {
            return -1;
        }
        int err = Winsock.lastError();
        if (err == Win32Errors.WSAEWOULDBLOCK) {
            return 0;
        }
        throw ioFailure("recv()", err);
    }

    /** Sends from native memory: the bytes accepted, 0 when the send buffer is full. */
    public int send(long address, int length) throws IOException {
        NativeCallCounter.count(NativeCallCounter.SEND);
        int n = Winsock.send(handle, address, length, 0);
        if (n >= 0) {
            return n;
        }
        int err = Winsock.lastError();
        if (err == Win32Errors.WSAEWOULDBLOCK) {
            return 0;
        }
        throw ioFailure("send()", err);
    }

    /**
     * Gathering send of {@code count} WSABUFs at {@code wsabufs}; {@code bytesCell} is a DWORD for the count. Returns
     * the bytes accepted, 0 when the send buffer is full.
     */
    public long sendv(long wsabufs, int count, long bytesCell) throws IOException {
        NativeCallCounter.count(NativeCallCounter.WSASEND);
        if (Winsock.WSASend(handle, wsabufs, count, bytesCell, 0, 0, 0) == 0) {
            return Mem.getInt(bytesCell) & 0xFFFFFFFFL;
        }
        int err = Winsock.lastError();
        if (err == Win32Errors.WSAEWOULDBLOCK) {
            return 0;
        }
        throw ioFailure("WSASend()", err);
    }

    private IOException ioFailure(String call, int err) {
        if (err == Win32Errors.WSAENOTSOCK && !isOpen()) {
            return new ClosedChannelException();
        }
        return WinsockExceptions.newException(call, err);
    }

    // ------------------------------------------------------------------------------------------ shutdown / close

    /**
     * shutdown(SD_RECEIVE / SD_SEND / SD_BOTH). The state is marked before the call, as Netty's unix Socket does: a
     * side the application shut down counts as shut even when Winsock refuses (a reset connection answers
     * WSAENOTCONN), or the channel would keep reading a dead input. A socket that never connected fails with
     * {@link NotYetConnectedException}, a closed one with {@link ClosedChannelException}.
     */
    public void shutdown(boolean input, boolean output) throws IOException {
        if (!input && !output) {
            return;
        }
        int how = input && output ? Winsock.SD_BOTH : input ? Winsock.SD_RECEIVE : Winsock.SD_SEND;
        int bits = (input ? INPUT_SHUTDOWN : 0) | (output ? OUTPUT_SHUTDOWN : 0);
        for (;;) {
            int old = state;
            if ((old & CLOSED) != 0) {
                throw new ClosedChannelException();
            }
            if ((old & bits) == bits) {
                return;
            }
            if (STATE.compareAndSet(this, old, old | bits)) {
                break;
            }
        }
        acquire();
        try {
            if (Winsock.shutdown(handle, how) != 0) {
                int err = Winsock.lastError();
                if (err == Win32Errors.WSAENOTCONN) {
                    throw new NotYetConnectedException();
                }
                throw WinsockExceptions.newException("shutdown()", err);
            }
        } finally {
            release();
        }
    }

    /** Records that the peer's FIN was read, so the input counts as shut down without a shutdown() call. */
    public void markInputShutdown() {
        for (;;) {
            int old = state;
            if ((old & INPUT_SHUTDOWN) != 0 || STATE.compareAndSet(this, old, old | INPUT_SHUTDOWN)) {
                return;
            }
        }
    }

    /** Puts the socket back in blocking mode, so that a close with SO_LINGER > 0 waits instead of failing. */
    public void setBlocking() throws IOException {
        acquire();
        try {
            SocketHandles.setNonBlocking(handle, false);
        } catch (IOException e) {
            throw WinsockExceptions.newException("ioctlsocket(FIONBIO)", WinsockExceptions.errorCode(e));
        } finally {
            release();
        }
    }

    /**
     * closesocket, once; later calls do nothing. Waits first for calls in flight from other threads (see
     * {@link HandleGuard}). The result is checked: {@link #openSockets()} counts the socket closed only when Windows
     * closed it.
     *
     * <p>With SO_LINGER on (l_onoff = 1, l_linger &gt; 0), closesocket on a non-blocking socket cannot wait, so it
     * fails with WSAEWOULDBLOCK and leaves the socket open (MS docs, closesocket). Channels that linger switch to
     * blocking mode and close off the event loop ({@link #setBlocking()}); a socket that reaches this point
     * non-blocking and lingering anyway is closed as the JDK's NIO closes a registered non-blocking channel: lingering
     * is turned off and closesocket repeated, so the close completes gracefully in the background.
     *
     * @throws IOException naming the error when Windows did not close the handle (it then stays counted as open)
     */
    public void close() throws IOException {
        for (;;) {
            int old = state;
            if ((old & CLOSED) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, old, old | CLOSED | INPUT_SHUTDOWN | OUTPUT_SHUTDOWN)) {
                break;
            }
        }
        guard.closeAndAwait();
        if (Winsock.closesocket(handle) == 0) {
            OPEN.decrementAndGet();
            return;
        }
        int err = Winsock.lastError();
        if (err == Win32Errors.WSAEWOULDBLOCK) {
            err = closeWithoutLinger();
            if (err == 0) {
                OPEN.decrementAndGet();
                return;
            }
        }
        if (err == Win32Errors.WSAENOTSOCK) {
            // Not a socket (any more): nothing is left open under this value, but something closed it behind our
            // back, which is a bug worth reporting.
            OPEN.decrementAndGet();
            throw WinsockExceptions.newException("closesocket(0x" + Long.toHexString(handle)
                    + ") found no socket", err);
        }
        throw WinsockExceptions.newException("closesocket(0x" + Long.toHexString(handle)
                + ") failed and the socket stays open", err);
    }

    /** SO_LINGER off, then closesocket again: 0 or the Winsock error of the second closesocket. */
    private int closeWithoutLinger() {
        try {
            SocketHandles.setLinger(handle, -1);
        } catch (IOException e) {
            return WinsockExceptions.errorCode(e);
        }
        return Winsock.closesocket(handle) == 0 ? 0 : Winsock.lastError();
    }

    // ------------------------------------------------------------------------------------------ options

    public int getIntOption(int level, int option) throws IOException {
        acquire();
        try {
            return SocketHandles.getIntOption(handle, level, option);
        } catch (IOException e) {
            throw optionFailure("getsockopt", level, option, WinsockExceptions.errorCode(e));
        } finally {
            release();
        }
    }

    public void setIntOption(int level, int option, int value) throws IOException {
        acquire();
        try {
            SocketHandles.setIntOption(handle, level, option, value);
        } catch (IOException e) {
            throw optionFailure("setsockopt", level, option, WinsockExceptions.errorCode(e));
        } finally {
            release();
        }
    }

    public boolean getBooleanOption(int level, int option) throws IOException {
        return getIntOption(level, option) != 0;
    }

    public void setBooleanOption(int level, int option, boolean value) throws IOException {
        setIntOption(level, option, value ? 1 : 0);
    }

    /**
     * SO_REUSEADDR. On a TCP socket that binds exclusively (the default) the value is only stored, as the JDK's NIO
     * does on Windows: Windows' SO_REUSEADDR would let other sockets bind the same port, and with SO_EXCLUSIVEADDRUSE
     * in place there is nothing it could add. Otherwise it is passed to the kernel.
     */
    public void setReuseAddress(boolean on) throws IOException {
        ensureOpen();
        if (tcp) {
            reuseAddress = on;
            if (exclusiveBind) {
                return;
            }
        }
        setBooleanOption(Winsock.SOL_SOCKET, Winsock.SO_REUSEADDR, on);
    }

    /** SO_REUSEADDR as set (see {@link #setReuseAddress}); read from the kernel where it is not emulated. */
    public boolean isReuseAddress() throws IOException {
        if (tcp) {
            ensureOpen();
            return reuseAddress;
        }
        return getBooleanOption(Winsock.SOL_SOCKET, Winsock.SO_REUSEADDR);
    }

    /**
     * Whether {@link #bind} sets SO_EXCLUSIVEADDRUSE (TCP sockets only; on by default). Turning it off hands
     * SO_REUSEADDR to the kernel with Windows' meaning: other sockets may then bind the same address and port.
     *
     * @throws IllegalStateException when the socket is bound already: the kernel reads the option at bind time
     * @throws UnsupportedOperationException on a socket that is not TCP
     */
    public void setExclusiveBind(boolean on) throws IOException {
        ensureOpen();
        if (!tcp) {
            throw new UnsupportedOperationException("SO_EXCLUSIVEADDRUSE is managed for TCP sockets only");
        }
        if (on == exclusiveBind) {
            return;
        }
        if (bound) {
            throw new IllegalStateException("SO_EXCLUSIVEADDRUSE must be set before bind: the socket is bound");
        }
        if (reuseAddress) {
            // the kernel holds SO_REUSEADDR only while exclusive bind is off (Windows refuses both at once)
            setBooleanOption(Winsock.SOL_SOCKET, Winsock.SO_REUSEADDR, !on);
        }
        exclusiveBind = on;
    }

    /** Whether {@link #bind} sets (or set) SO_EXCLUSIVEADDRUSE. */
    public boolean isExclusiveBind() {
        return exclusiveBind;
    }

    /** SO_LINGER in seconds, -1 when off. */
    public int getSoLinger() throws IOException {
        acquire();
        try {
            return SocketHandles.getLinger(handle);
        } catch (IOException e) {
            throw optionFailure("getsockopt", Winsock.SOL_SOCKET, Winsock.SO_LINGER,
                    WinsockExceptions.errorCode(e));
        } finally {
            release();
        }
    }

    /** SO_LINGER: negative turns it off, 0 makes close abortive (RST). */
    public void setSoLinger(int seconds) throws IOException {
        acquire();
        try {
            SocketHandles.setLinger(handle, seconds);
        } catch (IOException e) {
            throw optionFailure("setsockopt", Winsock.SOL_SOCKET, Winsock.SO_LINGER,
                    WinsockExceptions.errorCode(e));
        } finally {
            release();
        }
    }

    /**
     * The traffic class, read as the JDK reads it on Windows (net_util_md.c, NET_GetSockOpt): IP_TOS is deprecated
     * there and IPV6_TCLASS unsupported, and where the stack refuses the option the default, 0, is reported instead
     * of an error, so that reading every option of a channel never fails. On an AF_INET6 socket IPV6_TCLASS is
     * tried first (stacks that have it), then IP_TOS (which the dual-stack socket's IPv4 traffic uses).
     */
    public int getTrafficClass() throws IOException {
        if (ipv6) {
            try {
                return getIntOption(Winsock.IPPROTO_IPV6, Winsock.IPV6_TCLASS);
            } catch (IOException e) {
                if (!isUnsupportedTrafficClass(e)) {
                    throw e;
                }
            }
        }
        try {
            return getIntOption(Winsock.IPPROTO_IP, Winsock.IP_TOS);
        } catch (IOException e) {
            if (isUnsupportedTrafficClass(e)) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Sets the traffic class as the JDK does on Windows (NET_SetSockOpt): the value is masked to the TOS and
     * precedence bits (0xFE), and a stack that refuses the option (WSAENOPROTOOPT, or WSAEINVAL as for IP_TOS on
     * an unbound UDP socket) is not an error. On an AF_INET6 socket, which carries IPv4 traffic too, both
     * IPV6_TCLASS and IP_TOS are set.
     *
     * @throws IllegalArgumentException when {@code value} is outside 0..255
     */
    public void setTrafficClass(int value) throws IOException {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("traffic class must be within 0..255: " + value);
        }
        int masked = value & TOS_MASK;
        if (ipv6) {
            setTrafficClassOption(Winsock.IPPROTO_IPV6, Winsock.IPV6_TCLASS, masked);
        }
        setTrafficClassOption(Winsock.IPPROTO_IP, Winsock.IP_TOS, masked);
    }

    /** IPTOS_TOS_MASK | IPTOS_PREC_MASK: what the JDK keeps of a traffic class on Windows. */
    private static final int TOS_MASK = 0x1E | 0xE0;

    private void setTrafficClassOption(int level, int option, int value) throws IOException {
        try {
            setIntOption(level, option, value);
        } catch (IOException e) {
            if (!isUnsupportedTrafficClass(e)) {
                throw e;
            }
        }
    }

    /** Errors by which Winsock says it has no such traffic-class option here (the JDK tolerates these two). */
    static boolean isUnsupportedTrafficClass(IOException e) {
        if (!(e instanceof WinsockExceptions.Coded)) {
            return false; // e.g. ClosedChannelException: the socket is closed, which is an error
        }
        int code = ((WinsockExceptions.Coded) e).errorCode();
        return code == Win32Errors.WSAENOPROTOOPT || code == Win32Errors.WSAEINVAL;
    }

    private IOException optionFailure(String call, int level, int option, int code) {
        if (!isOpen()) {
            return new ClosedChannelException();
        }
        return WinsockExceptions.newException(call + "(level=" + level + ", option=0x"
                + Integer.toHexString(option) + ')', code);
    }

    @Override
    public String toString() {
        return "WinsockSocket(0x" + Long.toHexString(handle) + (ipv6 ? ", AF_INET6" : ", AF_INET")
                + (isOpen() ? "" : ", closed") + ')';
    }
}
