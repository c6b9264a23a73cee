package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Win32Errors;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The AF_UNIX side of Winsock for the AFD domain-socket channels: socket creation with a clear error where the
 * system has no AF_UNIX, sockaddr_un bind/connect/accept, and the socket file's life (stale file removed before
 * bind, file removed after close).
 *
 * <p>Windows has AF_UNIX stream sockets (afunix.sys) since Windows 10 1803; no datagram sockets, no socketpair, no
 * abstract names, no credentials. A socket file is a reparse point with the tag IO_REPARSE_TAG_AF_UNIX
 * ({@link SocketFiles}); the JDK reports it as "other" (neither regular file, directory nor symbolic link), as it
 * does junctions and cloud placeholders. Wine 8.0 has no AF_UNIX at all: WSASocketW(AF_UNIX, ...) fails with
 * WSAEAFNOSUPPORT (the wineserver rejects the family with 0xC001273F), and the JDK's own
 * {@code ServerSocketChannel.open(UNIX)} throws "Protocol family not supported" there.
 */
public final class DomainSockets {
    private static final Object NO_WINE = new Object();
    private static volatile Object wineVersion;

    private DomainSockets() {
    }

    /** Wine's version (ntdll's wine_get_version), or null on Windows itself or off Windows. */
    public static String wineVersion() {
        Object v = wineVersion;
        if (v == null) {
            v = NO_WINE;
            try {
                Function f = NativeLibrary.getInstance("ntdll").getFunction("wine_get_version");
                String version = f.invokeString(new Object[0], false);
                if (version != null) {
                    v = version;
                }
            } catch (UnsatisfiedLinkError | RuntimeException notWine) {
                // no such export: real Windows (or no ntdll at all: not Windows)
            }
            wineVersion = v;
        }
        return v == NO_WINE ? null : (String) v;
    }

    /**
     * A new non-blocking, non-inheritable AF_UNIX stream socket.
     *
     * @throws IOException naming the WSA error and what it means when the system has no AF_UNIX sockets
     *                     (WSAEAFNOSUPPORT, WSAEPROTONOSUPPORT, WSAESOCKTNOSUPPORT, WSAEPFNOSUPPORT)
     */
    public static WinsockSocket newSocket() throws IOException {
        long s;
        try {
            s = SocketHandles.newSocket(Winsock.AF_UNIX, Winsock.SOCK_STREAM, 0);
        } catch (IOException e) {
            int code = WinsockExceptions.errorCode(e);
            String call = "WSASocketW(AF_UNIX, SOCK_STREAM)";
            if (isNoAfUnix(code)) {
                String wine = wineVersion();
                IOException cause = WinsockExceptions.newException(call, code);
                throw new IOException("this system has no AF_UNIX sockets ("
                        + (wine != null ? "Wine " + wine + " does not implement them"
                        : "Windows has them from Windows 10 1803, build 17063") + "): " + cause.getMessage(), cause);
            }
            throw WinsockExceptions.newException(call, code);
        }
        return WinsockSocket.adopt(s, false);
    }

    /** Whether a socket() failure means "no AF_UNIX here". */
    public static boolean isNoAfUnix(int code) {
        return code == Win32Errors.WSAEAFNOSUPPORT || code == Win32Errors.WSAEPROTONOSUPPORT
                || code == Win32Errors.WSAESOCKTNOSUPPORT || code == Win32Errors.WSAEPFNOSUPPORT;
    }

    /**
     * The file system path of a Unix domain socket address: Netty's {@link DomainSocketAddress} (epoll, kqueue) or
     * the JDK's {@link UnixDomainSocketAddress} (NIO).
     */
    public static String path(SocketAddress address) {
        String path;
        if (address instanceof DomainSocketAddress) {
            path = ((DomainSocketAddress) address).path();
        } else if (address instanceof UnixDomainSocketAddress) {
            path = ((UnixDomainSocketAddress) address).getPath().toString();
        } else {
            throw new UnsupportedOperationException("unsupported address type: "
                    + (address == null ? "null" : address.getClass().getName())
                    + " (expected: " + DomainSocketAddress.class.getName() + " or "
                    + UnixDomainSocketAddress.class.getName() + ')');
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty AF_UNIX path (Windows has no abstract or unnamed addresses to "
                    + "bind or connect to)");
        }
        return path;
    }

    public static void bind(WinsockSocket socket, String path) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            int len = SockAddrs.writeUn(path, sa);
            if (Winsock.bind(socket.handle(), sa, len) != 0) {
                throw WinsockExceptions.newException("bind(" + path + ')', Winsock.lastError());
            }
        } finally {
            Mem.free(sa);
        }
    }

    /**
     * Starts a non-blocking connect to {@code path}: true when connected at once, false when in progress (wait for
     * SEND or CONNECT_FAIL, then {@link #connectError}).
     */
    public static boolean connect(WinsockSocket socket, String path) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            return WinsockSocket.connect(socket.handle(), sa, SockAddrs.writeUn(path, sa));
        } finally {
            Mem.free(sa);
        }
    }

    /** SO_ERROR after a non-blocking connect: 0 when it succeeded. */
    public static int connectError(WinsockSocket socket) throws IOException {
        return socket.getIntOption(Winsock.SOL_SOCKET, Winsock.SO_ERROR);
    }

    /** Accepts one connection: a new non-blocking, non-inheritable socket, or null when none is pending. */
    public static WinsockSocket accept(WinsockSocket listener) throws IOException {
        long s = Winsock.accept(listener.handle(), 0, 0);
        if (s == Winsock.INVALID_SOCKET) {
            int err = Winsock.lastError();
            if (err == Win32Errors.WSAEWOULDBLOCK) {
                return null;
            }
            if (err == Win32Errors.WSAENOTSOCK && !listener.isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
            throw WinsockExceptions.newException("accept()", err);
        }
        WinsockSocket accepted = WinsockSocket.adopt(s, false);
        try {
            SocketHandles.setNonBlocking(s, true);
            Winsock.Handles.SetHandleInformation(s, Winsock.Handles.HANDLE_FLAG_INHERIT, 0);
        } catch (IOException e) {
            accepted.close();
            throw WinsockExceptions.newException("accept()", WinsockExceptions.errorCode(e));
        }
        return accepted;
    }

    // ------------------------------------------------------------------------------------------ the socket file

    /**
     * Refuses a bind to a path that exists, before any socket call, saying what is there. afunix.sys fails such a
     * bind with WSAEADDRINUSE whatever the file is, and NIO on Windows reports just that (UnixDomainSockets.c bind0:
     * BindException "Address already in use"); this says the same with the path and the kind of file added.
     * Nothing is deleted: a socket file may belong to a live listener, and telling a stale one from a live one would
     * take a connect, which that listener would see as a client. A server that wants an old socket file gone
     * deletes it first, as with NIO and Netty's epoll and kqueue channels. Where the path cannot be inspected, the
     * bind itself decides.
     */
    public static void checkPathFree(String path) throws IOException {
        SocketFiles.Entry entry;
        try {
            entry = SocketFiles.inspect(path);
        } catch (IOException | RuntimeException unknown) {
            return;
        }
        if (entry != null) {
            throw new WinsockExceptions.WinsockBindException("bind(" + path + ") failed: "
                    + WinsockExceptions.describe(Win32Errors.WSAEADDRINUSE) + ": the path holds " + entry.describe()
                    + (entry.isAfUnixSocket() ? " (a live listener's, or one left behind by a listener that did not "
                    + "close: delete it first if no process listens there)" : ", and only a path that does not "
                    + "exist can be bound"), Win32Errors.WSAEADDRINUSE);
        }
    }

    /**
     * Deletes the socket file a closed listener leaves behind: only if the path still holds an AF_UNIX socket file
     * (never a regular file, directory, link, junction or other reparse point that replaced it).
     */
    public static void deleteSocketFile(String path) {
        try {
            SocketFiles.deleteIfSocket(path);
        } catch (IOException | RuntimeException gone) {
            // already gone, or not ours to delete: nothing to clean up
        }
    }
}
