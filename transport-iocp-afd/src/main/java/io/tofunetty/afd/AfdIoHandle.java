package io.tofunetty.afd;

import io.netty.channel.IoHandle;

/**
 * An {@link IoHandle} that {@link AfdIoHandler} can poll: a Winsock SOCKET owned by the channel.
 *
 * <p>At {@code register()} the handler resolves the socket's base provider handle (SIO_BASE_HANDLE, falling back to
 * SIO_BSP_HANDLE_POLL when a layered service provider hides it) and polls that handle. Explicit deregistration
 * ({@link io.netty.channel.IoRegistration#cancel()}) before closesocket stays the contract; closing the socket under
 * a pending poll is also handled (the poll reports LOCAL_CLOSE and the registration is dropped).
 */
public interface AfdIoHandle extends IoHandle {

    /** The SOCKET value (a HANDLE-sized unsigned value kept in a long). */
    long socket();
}
