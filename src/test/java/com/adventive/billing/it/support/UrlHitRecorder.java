package com.adventive.billing.it.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server that answers everything (a stylesheet, an image, a key set) and records
 * each request it gets. Hostile input points its URLs here: if the worker ever fetches one of them,
 * {@link #hits()} shows it, so "the worker fetched nothing" is an assertion, not a hope.
 */
public final class UrlHitRecorder implements AutoCloseable {

    private final HttpServer server;
    private final List<String> hits = new ArrayList<>();

    private UrlHitRecorder(HttpServer server) {
        this.server = server;
    }

    public static UrlHitRecorder start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            UrlHitRecorder recorder = new UrlHitRecorder(server);
            server.createContext("/", exchange -> {
                recorder.record(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                byte[] body = "body{color:red}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/css");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread thread = new Thread(r, "url-hit-recorder");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return recorder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the URL hit recorder", e);
        }
    }

    /** {@code http://127.0.0.1:<port><path>}: a URL whose every fetch is recorded. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private synchronized void record(String request) {
        hits.add(request);
    }

    /** Every request received so far ("METHOD /path?query"), oldest first. */
    public synchronized List<String> hits() {
        return List.copyOf(hits);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
