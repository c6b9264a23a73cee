/**
 * Swapping NIO for the AFD transport in a plain Netty application.
 *
 * <p>{@link io.tofunetty.examples.swap.NioEchoServer} / {@link io.tofunetty.examples.swap.NioEchoClient} are an
 * ordinary Netty echo server and client on NIO. {@link io.tofunetty.examples.swap.AfdEchoServer} /
 * {@link io.tofunetty.examples.swap.AfdEchoClient} are the same programs on the AFD transport: a diff of each pair
 * shows the only two lines that change,
 * <pre>{@code
 * -  new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory())
 * +  new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory())
 * -  .channel(NioServerSocketChannel.class)      (NioSocketChannel.class in the client)
 * +  .channel(AfdServerSocketChannel.class)      (AfdSocketChannel.class in the client)
 * }</pre>
 * (plus their imports). The handlers are shared and know nothing of the transport. Either client talks to either
 * server. On a group whose transport is chosen at run time, {@link io.tofunetty.afd.AfdChannels} returns the
 * matching channel classes.
 *
 * <p>Run: {@code java ... io.tofunetty.examples.swap.AfdEchoServer [port]} and
 * {@code java ... io.tofunetty.examples.swap.AfdEchoClient [host] [port] [bytes]}; the client exits with status 0
 * once every byte came back unchanged.
 */
package io.tofunetty.examples.swap;
