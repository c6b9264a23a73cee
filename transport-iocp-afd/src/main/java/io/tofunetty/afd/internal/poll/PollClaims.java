package io.tofunetty.afd.internal.poll;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Process-wide ownership of base sockets: at most one AFD poll per base socket may be in flight in the whole
 * process (two polls on one socket can lose events: wepoll #35, trio #52). A registration claims its base socket
 * before it arms and keeps the claim while it is live and interested; a second registration of the same socket
 * (a re-registration, another loop, or a new socket that reuses the value of one whose final packet is still in
 * flight) waits, and its loop is woken when the claim is released.
 */
public final class PollClaims {
    /** The claims of every event loop of this process. */
    public static final PollClaims GLOBAL = new PollClaims();

    private final ConcurrentHashMap<Long, Claim> claims = new ConcurrentHashMap<>();

    private static final class Claim {
        final Object holder;
        List<Runnable> waiters;

        Claim(Object holder) {
            this.holder = holder;
        }
    }

    /**
     * Claims {@code baseSocket} for {@code holder}. Returns false when another holder has it; then
     * {@code wakeOnRelease} runs (on the releasing thread) once that holder releases it.
     */
    public boolean tryClaim(long baseSocket, Object holder, Runnable wakeOnRelease) {
        Claim c = claims.compute(baseSocket, (k, existing) -> {
            if (existing == null) {
                return new Claim(holder);
            }
            if (existing.holder != holder) {
                if (existing.waiters == null) {
                    existing.waiters = new ArrayList<>(2);
                }
                if (!existing.waiters.contains(wakeOnRelease)) {
                    existing.waiters.add(wakeOnRelease);
                }
            }
            return existing;
        });
        return c.holder == holder;
    }

    /** Releases {@code holder}'s claim on {@code baseSocket} (no-op if it holds none) and wakes the waiters. */
    public void release(long baseSocket, Object holder) {
        Claim[] removed = new Claim[1];
        claims.computeIfPresent(baseSocket, (k, existing) -> {
            if (existing.holder != holder) {
                return existing;
            }
            removed[0] = existing;
            return null;
        });
        // once removed from the map, nobody else can reach that claim's waiter list
        if (removed[0] != null && removed[0].waiters != null) {
            for (Runnable r : removed[0].waiters) {
                r.run();
            }
        }
    }

    /** Whether anyone holds {@code baseSocket}. */
    public boolean isClaimed(long baseSocket) {
        return claims.containsKey(baseSocket);
    }

    /** How many base sockets are claimed. */
    public int size() {
        return claims.size();
    }
}
