package com.adventive.billing.platform.control;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way Angus Mail may ask for an SMTP socket gives one with Nagle's algorithm off. */
class NoDelaySocketFactoryTest {

    @Test
    void everySocketHasNagleOff() throws Exception {
        NoDelaySocketFactory factory = new NoDelaySocketFactory();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket unconnected = factory.createSocket();
             Socket byName = factory.createSocket("127.0.0.1", server.getLocalPort());
             Socket byAddress = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertTrue(unconnected.getTcpNoDelay(), "the unconnected socket Angus connects itself (with its timeout)");
            assertTrue(byName.getTcpNoDelay());
            assertTrue(byAddress.getTcpNoDelay());
        }
    }
}
