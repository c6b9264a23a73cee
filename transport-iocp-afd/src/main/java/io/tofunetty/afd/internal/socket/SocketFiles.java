package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;

import java.io.IOException;

/**
 * What is at an AF_UNIX path, read with the Windows file API and never by connecting to it: the file's attributes
 * and reparse tag (GetFileInformationByHandleEx(FileAttributeTagInfo) on a handle opened with
 * FILE_FLAG_OPEN_REPARSE_POINT, so that a link is never followed).
 *
 * <p>An AF_UNIX socket file on Windows is a reparse point with the tag IO_REPARSE_TAG_AF_UNIX (0x80000023), made by
 * afunix.sys at bind. Other reparse points look the same to {@code java.nio.file} ("other": neither file, directory
 * nor link) but are not sockets: junctions (IO_REPARSE_TAG_MOUNT_POINT), cloud-file placeholders (OneDrive's
 * IO_REPARSE_TAG_CLOUD_*), deduplicated files (IO_REPARSE_TAG_DEDUP), WSL links. Only the tag tells them apart, so
 * only the tag decides what may be deleted.
 */
public final class SocketFiles {
    /** The reparse tag of an AF_UNIX socket file (ntifs.h). */
    public static final int IO_REPARSE_TAG_AF_UNIX = 0x80000023;
    public static final int IO_REPARSE_TAG_SYMLINK = 0xA000000C;
    public static final int IO_REPARSE_TAG_MOUNT_POINT = 0xA0000003;

    private SocketFiles() {
    }

    /** What a path holds: its file attributes and reparse tag (0 when it is no reparse point), or nothing. */
    public static final class Entry {
        private final int attributes;
        private final int reparseTag;

        Entry(int attributes, int reparseTag) {
            this.attributes = attributes;
            this.reparseTag = reparseTag;
        }

        public int attributes() {
            return attributes;
        }

        /** The reparse tag, 0 when the file is no reparse point. */
        public int reparseTag() {
            return reparseTag;
        }

        /** An AF_UNIX socket file: the only kind of file the transport ever deletes. */
        public boolean isAfUnixSocket() {
            return (attributes & Kernel32.FILE_ATTRIBUTE_REPARSE_POINT) != 0 && reparseTag == IO_REPARSE_TAG_AF_UNIX;
        }

        /** "an AF_UNIX socket file", "a directory", "a junction", "a reparse point (tag 0x...)", ... */
        public String describe() {
            if ((attributes & Kernel32.FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
                switch (reparseTag) {
                    case IO_REPARSE_TAG_AF_UNIX:
                        return "an AF_UNIX socket file";
                    case IO_REPARSE_TAG_SYMLINK:
                        return "a symbolic link";
                    case IO_REPARSE_TAG_MOUNT_POINT:
                        return "a junction (mount point)";
                    default:
                        return "a reparse point that is not a socket (tag 0x" + Integer.toHexString(reparseTag) + ')';
                }
            }
            return (attributes & Kernel32.FILE_ATTRIBUTE_DIRECTORY) != 0 ? "a directory" : "a regular file";
        }

        @Override
        public String toString() {
            return describe() + " (attributes 0x" + Integer.toHexString(attributes) + ", reparse tag 0x"
                    + Integer.toHexString(reparseTag) + ')';
        }
    }

    /** What is at {@code path}, or null when nothing is (neither the file nor its directory exists). */
    public static Entry inspect(String path) throws IOException {
        long h = open(path, Kernel32.FILE_READ_ATTRIBUTES);
        if (h == Kernel32.INVALID_HANDLE_VALUE) {
            int err = Kernel32.lastError();
            if (err == Kernel32.ERROR_FILE_NOT_FOUND || err == Kernel32.ERROR_PATH_NOT_FOUND) {
                return null;
            }
            throw new IOException("cannot read the attributes of " + path + ": CreateFileW failed with Win32 error "
                    + err);
        }
        try {
            return read(h, path);
        } finally {
            Kernel32.CloseHandle(h);
        }
    }

    /**
     * Deletes {@code path} if, and only if, it is an AF_UNIX socket file: the check and the delete go through one
     * handle (delete-on-close disposition), so nothing that replaced the socket file in between is touched.
     * Returns whether a socket file was deleted.
     */
    public static boolean deleteIfSocket(String path) throws IOException {
        long h = open(path, Kernel32.FILE_READ_ATTRIBUTES | Kernel32.DELETE);
        if (h == Kernel32.INVALID_HANDLE_VALUE) {
            int err = Kernel32.lastError();
            if (err == Kernel32.ERROR_FILE_NOT_FOUND || err == Kernel32.ERROR_PATH_NOT_FOUND) {
                return false;
            }
            throw new IOException("cannot open " + path + " to delete it: CreateFileW failed with Win32 error " + err);
        }
        try {
            if (!read(h, path).isAfUnixSocket()) {
                return false;
            }
            long disposition = Mem.allocate(8);
            try {
                Mem.putInt(disposition, 1); // DeleteFile = TRUE
                if (Kernel32.SetFileInformationByHandle(h, Kernel32.FILE_DISPOSITION_INFO_CLASS, disposition, 1) == 0) {
                    throw new IOException("cannot delete the socket file " + path
                            + ": SetFileInformationByHandle(FileDispositionInfo) failed with Win32 error "
                            + Kernel32.lastError());
                }
            } finally {
                Mem.free(disposition);
            }
            return true;
        } finally {
            Kernel32.CloseHandle(h); // the delete happens here
        }
    }

    private static long open(String path, int access) {
        char[] name = new char[path.length() + 1]; // relative paths resolve as bind() resolves them
        path.getChars(0, path.length(), name, 0);
        return Kernel32.CreateFileW(name, access, Kernel32.FILE_SHARE_READ_WRITE_DELETE, 0, Kernel32.OPEN_EXISTING,
                Kernel32.FILE_FLAG_OPEN_REPARSE_POINT | Kernel32.FILE_FLAG_BACKUP_SEMANTICS, 0);
    }

    private static Entry read(long h, String path) throws IOException {
        long info = Mem.allocate(8);
        try {
            if (Kernel32.GetFileInformationByHandleEx(h, Kernel32.FILE_ATTRIBUTE_TAG_INFO_CLASS, info, 8) == 0) {
                throw new IOException("cannot read the attributes of " + path
                        + ": GetFileInformationByHandleEx(FileAttributeTagInfo) failed with Win32 error "
                        + Kernel32.lastError());
            }
            return new Entry(Mem.getInt(info), Mem.getInt(info + 4));
        } finally {
            Mem.free(info);
        }
    }
}
