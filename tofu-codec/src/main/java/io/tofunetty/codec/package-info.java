/**
 * A byte-compatible Netty codec for the wire format of tofu (g41797/tofu): a 16-byte big-endian header, then text
 * headers, then a body.
 *
 * <p>Pipeline: {@link io.tofunetty.codec.TofuFrameDecoder} and {@link io.tofunetty.codec.TofuFrameEncoder} (one
 * of each per channel) turn bytes into {@link io.tofunetty.codec.TofuMessage}s and back. Messages are reference
 * counted; a decoded message's body is a retained slice of the received bytes (its headers view the same memory),
 * and the encoder
 * never copies a body larger than {@link io.tofunetty.codec.TofuFrameEncoder#COPY_BODY_THRESHOLD} bytes.
 *
 * <p>The codec is strict but compatible (the spec's rules D1-D9 and E1-E9): what tofu can never send is rejected,
 * what tofu may send is accepted, and it writes only what tofu accepts. Channel stamping, message-id assignment
 * and the Hello/Bye life cycle belong to the handler layer.
 */
package io.tofunetty.codec;
