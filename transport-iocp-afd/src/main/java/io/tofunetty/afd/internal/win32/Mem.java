package io.tofunetty.afd.internal.win32;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.util.internal.PlatformDependent;

/**
 * Raw native memory access by address. Uses Netty's Unsafe intrinsics when available (no JNI transition per
 * access); falls back to JNA otherwise. Native byte order is little-endian on every Windows target.
 */
public final class Mem {
    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

    private Mem() {
    }

    /** Allocates {@code bytes} of zeroed native memory that never moves. */
    public static long allocate(long bytes) {
        long address = UNSAFE ? PlatformDependent.allocateMemory(bytes) : Native.malloc(bytes);
        if (address == 0) {
            throw new OutOfMemoryError("native allocation of " + bytes + " bytes failed");
        }
        zero(address, bytes);
        return address;
    }

    public static void free(long address) {
        if (address == 0) {
            return;
        }
        if (UNSAFE) {
            PlatformDependent.freeMemory(address);
        } else {
            Native.free(address);
        }
    }

    public static void zero(long address, long bytes) {
        fill(address, bytes, (byte) 0);
    }

    public static void fill(long address, long bytes, byte value) {
        if (UNSAFE) {
            PlatformDependent.setMemory(address, bytes, value);
        } else {
            new Pointer(address).setMemory(0, bytes, value);
        }
    }

    public static int getInt(long address) {
        return UNSAFE ? PlatformDependent.getInt(address) : new Pointer(address).getInt(0);
    }

    public static void putInt(long address, int value) {
        if (UNSAFE) {
            PlatformDependent.putInt(address, value);
        } else {
            new Pointer(address).setInt(0, value);
        }
    }

    public static long getLong(long address) {
        return UNSAFE ? PlatformDependent.getLong(address) : new Pointer(address).getLong(0);
    }

    public static void putLong(long address, long value) {
        if (UNSAFE) {
            PlatformDependent.putLong(address, value);
        } else {
            new Pointer(address).setLong(0, value);
        }
    }

    public static short getShort(long address) {
        return UNSAFE ? PlatformDependent.getShort(address) : new Pointer(address).getShort(0);
    }

    public static void putShort(long address, short value) {
        if (UNSAFE) {
            PlatformDependent.putShort(address, value);
        } else {
            new Pointer(address).setShort(0, value);
        }
    }

    public static byte getByte(long address) {
        return UNSAFE ? PlatformDependent.getByte(address) : new Pointer(address).getByte(0);
    }

    public static void putByte(long address, byte value) {
        if (UNSAFE) {
            PlatformDependent.putByte(address, value);
        } else {
            new Pointer(address).setByte(0, value);
        }
    }

    public static void copy(byte[] src, int srcIndex, long dstAddress, int length) {
        if (UNSAFE) {
            PlatformDependent.copyMemory(src, srcIndex, dstAddress, length);
        } else {
            new Pointer(dstAddress).write(0, src, srcIndex, length);
        }
    }

    public static void copy(long srcAddress, byte[] dst, int dstIndex, int length) {
        if (UNSAFE) {
            PlatformDependent.copyMemory(srcAddress, dst, dstIndex, length);
        } else {
            new Pointer(srcAddress).read(0, dst, dstIndex, length);
        }
    }
}
