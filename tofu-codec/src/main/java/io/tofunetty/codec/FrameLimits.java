package io.tofunetty.codec;

import static io.tofunetty.codec.TofuHeaderCodec.MAX_LENGTH;

/**
 * The length limits of one encoder or decoder: text headers and body, each 0-65535 (tofu's u16 {@code thl} and
 * {@code bl}) or a configured lower value. Checked against them by {@link FrameRules}.
 */
final class FrameLimits {
    final int maxHeadersLength;
    final int maxBodyLength;

    /** @throws IllegalArgumentException naming the limit that is not 0-65535 */
    FrameLimits(int maxHeadersLength, int maxBodyLength) {
        this.maxHeadersLength = check("maxHeadersLength", maxHeadersLength);
        this.maxBodyLength = check("maxBodyLength", maxBodyLength);
    }

    private static int check(String name, int value) {
        if (value < 0 || value > MAX_LENGTH) {
            throw new IllegalArgumentException(name + " " + value + " is outside 0-" + MAX_LENGTH);
        }
        return value;
    }

    /** {@link FrameRules.Rule#HEADERS_TOO_LONG}, else {@link FrameRules.Rule#BODY_TOO_LONG}, else null. */
    FrameRules.Rule check(int thl, int bl) {
        FrameRules.Rule broken = FrameRules.headersLength(thl, maxHeadersLength);
        return broken != null ? broken : FrameRules.bodyLength(bl, maxBodyLength);
    }
}
