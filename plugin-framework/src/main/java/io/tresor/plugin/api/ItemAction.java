package io.tresor.plugin.api;

/** What every item action (backup, restore, delete) can tell the framework about how it runs. */
public interface ItemAction {

    /**
     * True if none of this action's methods ever blocks: they only read and build JSON in memory (no network, no
     * files, no locks held by others, no sleeps). The framework then runs the calls on the connection's I/O thread,
     * which saves two thread hand-offs per call (about half of a pass-through Execute's round trip). An action
     * that blocks there would stall every other call of the backup on that connection, so the default is false:
     * calls run on the framework's worker threads.
     */
    default boolean nonBlocking() {
        return false;
    }
}
