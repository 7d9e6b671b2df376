package io.tresor.webhook.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Whether this replica should receive admission traffic, and the notices an admin should read. */
public final class Readiness {

    private final BooleanSupplier cachesSynced;
    private volatile boolean serving;
    private volatile boolean draining;
    private final List<String> notices = new CopyOnWriteArrayList<>();

    public Readiness(BooleanSupplier cachesSynced) {
        this.cachesSynced = cachesSynced;
    }

    public void serving(boolean value) {
        serving = value;
    }

    public void draining() {
        draining = true;
    }

    /** A message shown by /readyz without making the replica unready (e.g. an AWS plugin too old for the policy). */
    public void notice(String message) {
        notices.add(message);
    }

    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!serving) {
            problems.add("serving certificate not served yet");
        }
        if (!cachesSynced.getAsBoolean()) {
            problems.add("cluster caches not synced yet");
        }
        if (draining) {
            problems.add("shutting down");
        }
        return problems;
    }

    public List<String> notices() {
        return List.copyOf(notices);
    }
}
