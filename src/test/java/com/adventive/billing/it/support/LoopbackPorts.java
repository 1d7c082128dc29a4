package com.adventive.billing.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on loopback, for servers that must be told their port before they bind it. */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /**
     * Binds port 0 and releases it. Another process could grab the port between this call and the
     * real bind; on a test machine that window is small enough to accept.
     */
    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
