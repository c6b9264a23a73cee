package io.tofunetty.handlers.internal;

import io.tofunetty.afd.internal.socket.SocketFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Removes a Unix domain socket file left at a listening path, and nothing else.
 *
 * <p>tofu unlinks its UDS path before it listens and after it closes. A path the user names may hold anything, so only
 * a socket file is ever deleted: on Unix the file type of {@code lstat} (S_IFSOCK), on Windows the reparse tag
 * IO_REPARSE_TAG_AF_UNIX (a junction or a cloud placeholder looks like a socket file to {@code java.nio.file}, whose
 * "other" covers every reparse point). Anything else stays where it is, and the bind then fails with the JDK's or the
 * transport's "address already in use".
 */
public final class SocketFileCleanup {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private SocketFileCleanup() {
    }

    /** Deletes {@code path} if it is a Unix domain socket file; returns whether it did. */
    public static boolean deleteIfSocket(Path path) throws IOException {
        if (WINDOWS) {
            return SocketFiles.deleteIfSocket(path.toString());
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK && Files.deleteIfExists(path);
    }
}
