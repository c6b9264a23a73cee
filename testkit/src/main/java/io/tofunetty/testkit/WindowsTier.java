package io.tofunetty.testkit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class of the Windows tier: it runs only on a Windows JVM (natively on Windows, under Wine on Linux,
 * see docs/testing.md). The build routes the tag {@value #TAG} to the Windows JVM; the extension fails such a test
 * if it ever runs anywhere else, so the tier cannot pass by accident on the wrong JVM.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(WindowsTier.TAG)
@ExtendWith(WindowsTierExtension.class)
public @interface WindowsTier {
    String TAG = "windows";
}
