package io.tofunetty.integration.frameworks;

/** What a scenario runs on: the framework through the tofu-netty adapter or recipe, or the framework's own NIO. */
enum Stack {
    /** The adapter (AFD on Windows; its NIO fallback elsewhere). */
    ADAPTER,
    /** The framework's own NIO set-up, for comparison on the same JRE. */
    NIO
}
