package io.tofunetty.handlers;

import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.handlers.internal.SocketFileCleanup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A listener's stale-path cleanup deletes a Unix domain socket file and nothing else. */
class SocketFileCleanupTest {

    @Test
    void aRegularFileADirectoryAndAMissingPathAreLeftAlone(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        Path folder = Files.createDirectory(dir.resolve("folder"));

        assertThat(SocketFileCleanup.deleteIfSocket(file)).isFalse();
        assertThat(SocketFileCleanup.deleteIfSocket(folder)).isFalse();
        assertThat(SocketFileCleanup.deleteIfSocket(dir.resolve("absent"))).isFalse();

        assertThat(Files.readString(file)).isEqualTo("keep me");
        assertThat(folder).isDirectory();
    }

    @Test
    void aLeftOverSocketFileIsDeleted(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("stale.sock");
        ServerSocketChannel listener;
        try {
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (UnsupportedOperationException e) {
            // Wine (8.0 and 10.0) has no AF_UNIX; a Wine that gains it fails here and runs the real case.
            assertThat(System.getProperty("os.name")).startsWith("Windows");
            assertThat(DomainSockets.wineVersion()).as("only Wine lacks AF_UNIX").isNotNull();
            assertThatThrownBy(() -> ServerSocketChannel.open(StandardProtocolFamily.UNIX))
                    .isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        try (listener) {
            listener.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).as("closing a JDK listener leaves its file").isTrue();

        assertThat(SocketFileCleanup.deleteIfSocket(path)).isTrue();
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
