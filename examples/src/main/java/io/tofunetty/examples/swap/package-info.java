/**
 * Swapping NIO for the AFD transport in a plain Netty application.
 *
 * <p>{@link io.tofunetty.examples.swap.SwapEcho} is an ordinary Netty echo server and client, written once: the
 * transport is the group's I/O handler factory and the channel class, nothing more. The four programs name theirs:
 * {@link io.tofunetty.examples.swap.NioEchoServer} / {@link io.tofunetty.examples.swap.NioEchoClient} on NIO,
 * {@link io.tofunetty.examples.swap.AfdEchoServer} / {@link io.tofunetty.examples.swap.AfdEchoClient} on the AFD
 * transport. A diff of each pair is the swap, the two names in one line (plus their imports):
 * <pre>{@code
 * -  SwapEcho.serve(args, NioIoHandler.newFactory(), NioServerSocketChannel.class);
 * +  SwapEcho.serve(args, AfdIoHandler.newFactory(), AfdServerSocketChannel.class);
 * }</pre>
 * which in {@code SwapEcho}'s bootstrap are {@code new MultiThreadIoEventLoopGroup(transport)} and
 * {@code .channel(channel)}. The handlers are shared and know nothing of the transport. Either client talks to either
 * server. On a group whose transport is chosen at run time, {@link io.tofunetty.afd.AfdChannels} returns the
 * matching channel classes.
 *
 * <p>Run: {@code java ... io.tofunetty.examples.swap.AfdEchoServer [port]} and
 * {@code java ... io.tofunetty.examples.swap.AfdEchoClient [host] [port] [bytes]}; the client exits with status 0
 * once every byte came back unchanged.
 */
package io.tofunetty.examples.swap;
