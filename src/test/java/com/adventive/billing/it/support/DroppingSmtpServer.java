package com.adventive.billing.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An SMTP server of the test's own that misbehaves on purpose, at the one moment GreenMail cannot:
 * right after it has received a whole message. It speaks just enough SMTP (EHLO/HELO, MAIL, RCPT,
 * DATA with the body up to {@code CRLF.CRLF}, RSET, NOOP, QUIT; no STARTTLS, no AUTH) and then
 * behaves as {@link #behave(Behaviour)} says. It counts transmissions: complete message bodies
 * received, whatever it answered to them.
 */
public final class DroppingSmtpServer implements AutoCloseable {

    /** What the server does; everything not named here is answered like a healthy server would. */
    public enum Behaviour {
        /** 250 to the message, 221 to QUIT: a healthy server. */
        ACCEPT,
        /** Receives the whole message, then closes the connection without any reply. */
        DROP_AFTER_DATA,
        /** Receives the whole message, then never replies (the client's read times out). */
        SILENT_AFTER_DATA,
        /** 250 to the message, then resets the connection when the client says QUIT. */
        ACCEPT_THEN_RESET_ON_QUIT,
        /** 451 to the end of data: a definite, temporary refusal of the whole message. */
        REFUSE_AFTER_DATA,
        /** 451 to RCPT TO: refused before any of the message was transmitted. */
        REFUSE_RECIPIENT,
        /** 550 to RCPT TO: refused (permanently, says the server) before any of the message was transmitted. */
        REJECT_RECIPIENT
    }

    /** One message body as received, with the envelope recipients it was sent to. */
    public record Transmission(List<String> recipients, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "dropping-smtp");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Transmission> transmissions = new ArrayList<>();
    private final List<Socket> open = new ArrayList<>();
    private volatile Behaviour behaviour = Behaviour.ACCEPT;
    private volatile int connectionCount;

    private DroppingSmtpServer(ServerSocket server) {
        this.server = server;
    }

    /** Starts listening on a free loopback port. */
    public static DroppingSmtpServer start() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            DroppingSmtpServer smtp = new DroppingSmtpServer(socket);
            smtp.connections.submit(smtp::acceptLoop);
            return smtp;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the test SMTP server", e);
        }
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From the next command on, behave like this. */
    public DroppingSmtpServer behave(Behaviour next) {
        this.behaviour = next;
        return this;
    }

    /** Every complete message body received so far, oldest first. */
    public synchronized List<Transmission> transmissions() {
        return List.copyOf(transmissions);
    }

    /** Complete message bodies received for this envelope recipient. */
    public synchronized long transmissionsTo(String recipient) {
        return transmissions.stream()
                .filter(t -> t.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(recipient)))
                .count();
    }

    public int connectionCount() {
        return connectionCount;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (this) {
            for (Socket socket : open) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        connections.shutdownNow();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (this) {
                    open.add(socket);
                }
                connectionCount++;
                connections.submit(() -> converse(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void converse(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            reply(out, "220 dropping.test ESMTP ready");
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = readLine(in)) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
                switch (command) {
                    case "EHLO" -> reply(out, "250-dropping.test\r\n250 8BITMIME");
                    case "HELO" -> reply(out, "250 dropping.test");
                    case "MAIL" -> {
                        recipients.clear();
                        reply(out, "250 2.1.0 sender ok");
                    }
                    case "RCPT" -> {
                        Behaviour now = behaviour;
                        if (now == Behaviour.REFUSE_RECIPIENT) {
                            reply(out, "451 4.3.0 recipient temporarily refused");
                        } else if (now == Behaviour.REJECT_RECIPIENT) {
                            reply(out, "550 5.1.1 recipient rejected");
                        } else {
                            recipients.add(address(line));
                            reply(out, "250 2.1.5 recipient ok");
                        }
                    }
                    case "DATA" -> {
                        if (recipients.isEmpty()) {
                            reply(out, "554 5.5.1 no valid recipients");
                            break;
                        }
                        reply(out, "354 end data with <CR><LF>.<CR><LF>");
                        byte[] body = readBody(in);
                        if (body == null) {
                            return; // the client went away mid-body: nothing was received
                        }
                        synchronized (this) {
                            transmissions.add(new Transmission(List.copyOf(recipients), body));
                        }
                        Behaviour now = behaviour;
                        switch (now) {
                            case DROP_AFTER_DATA -> {
                                return; // closes the socket, no reply
                            }
                            case SILENT_AFTER_DATA -> {
                                // never answer; wait for the client to give up and hang up
                                while (readLine(in) != null) {
                                    // swallow whatever else comes
                                }
                                return;
                            }
                            case REFUSE_AFTER_DATA -> reply(out, "451 4.3.0 message refused, try again later");
                            default -> reply(out, "250 2.0.0 queued as " + transmissions().size());
                        }
                    }
                    case "RSET", "NOOP" -> reply(out, "250 2.0.0 ok");
                    case "QUIT" -> {
                        if (behaviour == Behaviour.ACCEPT_THEN_RESET_ON_QUIT) {
                            socket.setSoLinger(true, 0); // close() now sends a reset, not a goodbye
                            return;
                        }
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 command not implemented");
                }
            }
        } catch (SocketException e) {
            // the client hung up or the test closed the server
        } catch (IOException e) {
            // same: a conversation that ends early is part of what this server is for
        } finally {
            synchronized (this) {
                open.remove(socket);
            }
        }
    }

    private static String address(String rcptLine) {
        int open = rcptLine.indexOf('<');
        int close = rcptLine.indexOf('>', open + 1);
        return open >= 0 && close > open ? rcptLine.substring(open + 1, close) : rcptLine.substring(rcptLine.indexOf(':') + 1).trim();
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One line without its CRLF, or null at the end of the stream (an unterminated last line included). */
    private static String readLine(InputStream in) throws IOException {
        return WireLines.read(in, StandardCharsets.UTF_8, false);
    }

    /** The message body up to the lone "." line, dot-unstuffed; null if the stream ended first. */
    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String line;
        while ((line = readLine(in)) != null) {
            if (line.equals(".")) {
                return body.toByteArray();
            }
            String unstuffed = line.startsWith(".") ? line.substring(1) : line;
            body.write(unstuffed.getBytes(StandardCharsets.UTF_8));
            body.write('\r');
            body.write('\n');
        }
        return null;
    }
}
