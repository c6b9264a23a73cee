package io.tofunetty.integration.bench;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * The process's working set (resident memory), from K32GetProcessMemoryInfo: the idle workload samples it before and
 * after opening idle connections, which estimates the memory each idle connection costs in this process (native
 * buffers, JNA/JDK objects, and under Wine the emulation's own per-socket state; never the Windows kernel's). The
 * Java heap moves too, so the figure is an estimate; -1 where the call is unavailable.
 */
final class ProcessMemory {
    /** sizeof(PROCESS_MEMORY_COUNTERS) on x64; WorkingSetSize at 16. */
    private static final int COUNTERS_SIZE = 72;

    interface Psapi extends Library {
        long GetCurrentProcess();

        boolean K32GetProcessMemoryInfo(long process, Memory counters, int size);
    }

    private static final Psapi KERNEL32 = load();

    private ProcessMemory() {
    }

    private static Psapi load() {
        try {
            return Native.load("kernel32", Psapi.class);
        } catch (Throwable e) {
            return null;
        }
    }

    /** Bytes in the working set after a GC, or -1. */
    static long workingSet() {
        if (KERNEL32 == null) {
            return -1;
        }
        System.gc();
        try (Memory m = new Memory(COUNTERS_SIZE)) {
            m.clear();
            m.setInt(0, COUNTERS_SIZE);
            return KERNEL32.K32GetProcessMemoryInfo(KERNEL32.GetCurrentProcess(), m, COUNTERS_SIZE)
                    ? m.getLong(16) : -1;
        }
    }
}
