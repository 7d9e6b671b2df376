package io.tresor.actions.consistency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Velero's label values: {@code velero.io/backup-name} holds the backup name made a valid label value. */
final class VeleroLabels {
  static final String BACKUP_NAME = "velero.io/backup-name";
  private static final int MAX = 63;

  private VeleroLabels() {}

  /**
   * Velero's {@code label.GetValidName}: names longer than 63 characters become their first 57 characters
   * plus the first 6 hex digits of their SHA-256.
   */
  static String validValue(String name) {
    if (name.length() <= MAX) {
      return name;
    }
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return name.substring(0, MAX - 6) + HexFormat.of().formatHex(sha).substring(0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
