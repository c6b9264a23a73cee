package io.tofunetty.afd;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@WindowsTier
class JnaOnWindowsTest {

    @Test
    void jnaLoadsItsWin32X8664NativeLibraryAndCallsKernel32() {
        assertThat(Platform.isWindows()).isTrue();
        assertThat(Platform.is64Bit()).isTrue();
        assertThat(Platform.RESOURCE_PREFIX).isEqualTo("win32-x86-64");
        assertThat(Native.POINTER_SIZE).isEqualTo(8);
        int pid = Function.getFunction("kernel32", "GetCurrentProcessId").invokeInt(new Object[0]);
        assertThat((long) pid).isEqualTo(ProcessHandle.current().pid());
    }
}
