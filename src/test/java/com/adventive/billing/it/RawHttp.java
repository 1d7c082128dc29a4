package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.WireLines;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: request targets kept
 * byte for byte ({@code //admin}, {@code /./admin}, {@code /admin;x=1}), and bodies that are
 * announced but never finished. Each exchange uses its own connection and closes it.
 */
final class RawHttp {

    /** Long enough for any answer the server means to give; a stalled request never completes on its own. */
    private static final int READ_TIMEOUT_MS = 120_000;

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** {@code GET <target>} exactly as given, with the extra header lines (each "Name: value"). */
    static Response get(String target, String... headerLines) {
        return exchange("GET", target, headerLines, null, true);
    }

    static Response post(String target, byte[] body, String... headerLines) {
        String[] withLength = append(headerLines, "Content-Length: " + body.length);
        return exchange("POST", target, withLength, body, true);
    }

    /**
     * Sends the request head and {@code bodyStart}, then stops sending while the body is still
     * incomplete, and reads the answer. A server that waits for the rest of the body never answers
     * (until its own read timeout gives up on the request).
     */
    static Response stallAfter(String method, String target, byte[] bodyStart, String... headerLines) {
        return exchange(method, target, headerLines, bodyStart, false);
    }

    private static Response exchange(String method, String target, String[] headerLines, byte[] body, boolean complete) {
        try (Socket socket = new Socket("localhost", BillingServer.httpPort())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            StringBuilder head = new StringBuilder()
                    .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: localhost:").append(BillingServer.httpPort()).append("\r\n");
            if (complete) {
                head.append("Connection: close\r\n");
            }
            for (String line : headerLines) {
                head.append(line).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + " failed", e);
        }
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the server closed the connection without answering");
        }
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                chunks.write(in.readNBytes(size));
                line(in);
            }
            body = chunks.toByteArray();
        } else if (status == 204 || status == 304) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static int chunkSize(InputStream in) throws IOException {
        String line = line(in);
        if (line == null) {
            return 0;
        }
        int extension = line.indexOf(';');
        return Integer.parseInt((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    /** A response's line; its head is ISO-8859-1 and a last line without its CRLF still counts. */
    private static String line(InputStream in) throws IOException {
        return WireLines.read(in, StandardCharsets.ISO_8859_1, true);
    }

    private static String[] append(String[] lines, String line) {
        String[] all = java.util.Arrays.copyOf(lines, lines.length + 1);
        all[lines.length] = line;
        return all;
    }
}
