package io.tresor.freeze.journal;

import io.tresor.freeze.mount.DeviceNumber;
import java.util.List;

/**
 * Durable list of the freezes this agent may hold. An entry is written (and synced) before
 * FIFREEZE and removed after FITHAW, so an agent that dies in between leaves a record that its
 * successor uses to thaw.
 */
public interface FreezeJournal {

  void record(JournalEntry entry);

  void remove(DeviceNumber device);

  List<JournalEntry> entries();
}
