package io.tofunetty.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwaitTest {

    @Test
    void returnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread setter = new Thread(() -> done.set(true));
        setter.start();
        Await.until("the flag set", Duration.ofSeconds(30), done::get);
        setter.join();
    }

    @Test
    void failsNamingWhatItWaitedForAndTheStateThen() {
        assertThatThrownBy(() -> Await.until("a flag nobody sets", Duration.ofMillis(50), () -> false,
                () -> "3 channels open"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a flag nobody sets")
                .hasMessageContaining("3 channels open");
    }
}
