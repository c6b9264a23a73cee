package io.tofunetty.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fails a {@link WindowsTier} test class that is run on a JVM that is not a Windows JVM. */
final class WindowsTierExtension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Windows")) {
            throw new IllegalStateException(context.getDisplayName() + " is a Windows-tier test but runs on " + os
                    + "; the build runs the tag '" + WindowsTier.TAG + "' on the Windows JVM (see docs/testing.md)");
        }
    }

}
