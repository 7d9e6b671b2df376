package io.tresor.freeze.journal;

import io.tresor.freeze.mount.DeviceNumber;
import java.nio.file.Path;
import java.time.Instant;

/** A freeze the agent is about to make or holds: enough to thaw it after a crash. */
public record JournalEntry(DeviceNumber device, Path mountPoint, Instant recordedAt) {}
