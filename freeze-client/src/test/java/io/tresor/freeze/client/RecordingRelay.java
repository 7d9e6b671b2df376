package io.tresor.freeze.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of an agent that records every byte a client sends through it: what an
 * eavesdropper on the pod network would see of the calls.
 */
final class RecordingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile int connections;

  RecordingRelay(int targetPort) throws IOException {
    this.target = targetPort;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** How many connections clients opened. */
  int connections() {
    return connections;
  }

  /** Everything clients sent, in order (connections one after the other, as they came). */
  byte[] sent() {
    synchronized (sent) {
      return sent.toByteArray();
    }
  }

  /** What clients sent, as ISO-8859-1 text (one char per byte), to look for plaintext in it. */
  String sentText() {
    return new String(sent(), StandardCharsets.ISO_8859_1);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections++;
        Socket agent = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(agent);
        pump(client, agent, true);
        pump(agent, client, false);
      } catch (IOException e) {
        // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean record) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) > 0; ) {
          if (record) {
            synchronized (sent) {
              sent.write(buf, 0, n);
            }
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        // half a connection is no connection: close both so that the other pump ends too
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    sockets.forEach(RecordingRelay::closeQuietly);
  }
}
