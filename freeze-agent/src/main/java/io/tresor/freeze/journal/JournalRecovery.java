package io.tresor.freeze.journal;

import io.tresor.freeze.fs.FilesystemFreezer;
import io.tresor.freeze.fs.FilesystemFreezer.Outcome;
import io.tresor.freeze.fs.FilesystemFreezer.Result;
import io.tresor.freeze.mount.MountEntry;
import io.tresor.freeze.mount.MountTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, thaws every freeze a previous agent process left in the journal.
 *
 * <p>The recorded mount may be gone (the pod ended) while the superblock is still frozen through
 * another mount of the same device (the kubelet's global mount), so every visible mount of the
 * recorded device is a candidate; a path is used only if its {@code st_dev} is still that device.
 */
public final class JournalRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

  private final FreezeJournal journal;
  private final MountTable mounts;
  private final FilesystemFreezer freezer;

  public JournalRecovery(FreezeJournal journal, MountTable mounts, FilesystemFreezer freezer) {
    this.journal = journal;
    this.mounts = mounts;
    this.freezer = freezer;
  }

  /** @return the entries that were resolved (thawed, or nothing left to thaw) */
  public List<JournalEntry> thawAll() {
    List<JournalEntry> resolved = new ArrayList<>();
    for (JournalEntry entry : journal.entries()) {
      Optional<Path> path = candidates(entry).stream()
          .filter(c -> mounts.deviceOf(c).filter(entry.device()::equals).isPresent())
          .findFirst();
      if (path.isEmpty()) {
        if (mounts.deviceExists(entry.device())) {
          // A frozen filesystem can be unmounted; its superblock stays frozen and the next mount of the device (the
          // pod back on this node) gets it frozen. Forgetting it here would leave that mount hung for good.
          LOG.error("journal: no mount of device {} (was {}) is visible, but the device is still there: its"
              + " filesystem may be frozen with no mount; kept in the journal and thawed as soon as a mount of it"
              + " appears", entry.device(), entry.mountPoint());
          continue;
        }
        LOG.warn("journal: device {} (was {}) is gone; nothing to thaw", entry.device(), entry.mountPoint());
        journal.remove(entry.device());
        resolved.add(entry);
        continue;
      }
      Outcome o = freezer.thaw(path.get(), entry.device());
      if (o.result() == Result.DONE || o.result() == Result.NOT_FROZEN) {
        LOG.info("journal: thawed {} ({}) left by a previous agent: {}", path.get(), entry.device(),
            o.result() == Result.DONE ? "was frozen" : "was not frozen");
        journal.remove(entry.device());
        resolved.add(entry);
      } else {
        LOG.error("journal: cannot thaw {} ({}): {} (kept in the journal)", path.get(), entry.device(), o.detail());
      }
    }
    return resolved;
  }

  private List<Path> candidates(JournalEntry entry) {
    List<Path> out = new ArrayList<>();
    out.add(entry.mountPoint());
    for (MountEntry m : mounts.mounts()) {
      if (m.device().equals(entry.device()) && !out.contains(m.mountPoint())) {
        out.add(m.mountPoint());
      }
    }
    return out;
  }
}
