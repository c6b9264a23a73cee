package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Win32Errors;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;

/**
 * Turns Winsock error codes into the exceptions Netty users expect from a socket transport: {@link ConnectException}
 * for a failed connect, {@link BindException} for a failed bind, {@link NoRouteToHostException} for unreachable
 * networks, and otherwise an {@link IOException}. Every exception made here carries the WSA code
 * ({@link Coded#errorCode()}) and names it in its message, e.g. "recv() failed: Connection reset by peer
 * (WSAECONNRESET 10054)"; connection resets say "reset" as the JDK's and Netty's native transports do.
 */
public final class WinsockExceptions {

    /** Implemented by every exception made here. */
    public interface Coded {
        /** The Winsock (WSAE*) or Win32 error code. */
        int errorCode();
    }

    /** A failed connect. Netty annotates it with the remote address. */
    public static final class WinsockConnectException extends ConnectException implements Coded {
        private static final long serialVersionUID = 1L;
        private final int errorCode;

        WinsockConnectException(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** A connect to an unreachable network or host. */
    public static final class WinsockNoRouteException extends NoRouteToHostException implements Coded {
        private static final long serialVersionUID = 1L;
        private final int errorCode;

        WinsockNoRouteException(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** A failed bind (address in use, not available, access denied). */
    public static final class WinsockBindException extends BindException implements Coded {
        private static final long serialVersionUID = 1L;
        private final int errorCode;

        public WinsockBindException(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** A datagram sent to a port nobody listens on (ICMP port unreachable). */
    public static final class WinsockPortUnreachableException extends PortUnreachableException implements Coded {
        private static final long serialVersionUID = 1L;
        private final int errorCode;

        WinsockPortUnreachableException(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** Any other failed socket call. */
    public static final class WinsockIoException extends IOException implements Coded {
        private static final long serialVersionUID = 1L;
        private final int errorCode;

        WinsockIoException(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    private WinsockExceptions() {
    }

    /** The error code carried by {@code t} or its causes, or -1. */
    public static int errorCode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Coded) {
                return ((Coded) c).errorCode();
            }
        }
        return -1;
    }

    /** "Connection reset by peer (WSAECONNRESET 10054)". */
    public static String describe(int code) {
        String text = text(code);
        String name = Win32Errors.name(code);
        return text != null ? text + " (" + name + ' ' + code + ')' : name + " (" + code + ')';
    }

    /** The exception for a failed {@code call} (e.g. "recv()"), by code. */
    public static IOException newException(String call, int code) {
        String message = call + " failed: " + describe(code);
        if (call.startsWith("bind")) {
            // Whatever the code (WSAEINVAL for a socket bound already, WSAEADDRINUSE, WSAEACCES, ...): a failed bind
            // is a BindException, as users of NIO and Netty's native transports catch; the call names the address.
            return new WinsockBindException(message, code);
        }
        switch (code) {
            case Win32Errors.WSAECONNREFUSED:
            case Win32Errors.ERROR_CONNECTION_REFUSED:
            case Win32Errors.WSAETIMEDOUT:
            case Win32Errors.ERROR_SEM_TIMEOUT:
                return call.startsWith("connect") ? new WinsockConnectException(message, code)
                        : new WinsockIoException(message, code);
            case Win32Errors.WSAENETUNREACH:
            case Win32Errors.WSAEHOSTUNREACH:
            case Win32Errors.WSAEHOSTDOWN:
                return call.startsWith("connect") ? new WinsockNoRouteException(message, code)
                        : new WinsockIoException(message, code);
            case Win32Errors.WSAEADDRINUSE:
            case Win32Errors.WSAEADDRNOTAVAIL:
            case Win32Errors.WSAEACCES:
                return call.startsWith("listen")
                        ? new WinsockBindException(message, code)
                        : call.startsWith("connect") ? new WinsockConnectException(message, code)
                        : new WinsockIoException(message, code);
            default:
                return new WinsockIoException(message, code);
        }
    }

    /** A failed connect, whatever the code: Netty users expect a ConnectException (or NoRouteToHostException). */
    public static IOException newConnectException(int code) {
        IOException e = newException("connect()", code);
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return e;
        }
        return new WinsockConnectException("connect() failed: " + describe(code), code);
    }

    /** Whether {@code code} means the connection was reset or aborted by the network or the peer. */
    public static boolean isReset(int code) {
        return code == Win32Errors.WSAECONNRESET || code == Win32Errors.WSAECONNABORTED
                || code == Win32Errors.WSAENETRESET || code == Win32Errors.ERROR_NETNAME_DELETED
                || code == Win32Errors.ERROR_CONNECTION_ABORTED;
    }

    /** The JDK-style text of common socket errors, or null. */
    private static String text(int code) {
        switch (code) {
            case Win32Errors.WSAECONNRESET: return "Connection reset by peer";
            case Win32Errors.WSAECONNABORTED: return "Connection aborted (reset) by the local host";
            case Win32Errors.WSAENETRESET: return "Network dropped connection on reset";
            case Win32Errors.ERROR_NETNAME_DELETED: return "Connection reset (network name deleted)";
            case Win32Errors.ERROR_CONNECTION_ABORTED: return "Connection aborted (reset)";
            case Win32Errors.WSAECONNREFUSED:
            case Win32Errors.ERROR_CONNECTION_REFUSED: return "Connection refused";
            case Win32Errors.WSAETIMEDOUT:
            case Win32Errors.ERROR_SEM_TIMEOUT: return "Connection timed out";
            case Win32Errors.WSAENETUNREACH: return "Network is unreachable";
            case Win32Errors.WSAEHOSTUNREACH: return "No route to host";
            case Win32Errors.WSAEHOSTDOWN: return "Host is down";
            case Win32Errors.WSAEADDRINUSE: return "Address already in use";
            case Win32Errors.WSAEADDRNOTAVAIL: return "Cannot assign requested address";
            case Win32Errors.WSAEACCES: return "Permission denied";
            case Win32Errors.WSAENOTCONN: return "Socket is not connected";
            case Win32Errors.WSAESHUTDOWN: return "Cannot send after socket shutdown";
            case Win32Errors.WSAENOTSOCK: return "Not a socket (closed)";
            case Win32Errors.WSAEISCONN: return "Socket is already connected";
            case Win32Errors.WSAEAFNOSUPPORT: return "Address family not supported";
            case Win32Errors.WSAEINVAL: return "Invalid argument";
            case Win32Errors.WSAENOBUFS: return "No buffer space available";
            case Win32Errors.WSAEMFILE: return "Too many open sockets";
            default: return null;
        }
    }
}
