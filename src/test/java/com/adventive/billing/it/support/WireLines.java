package com.adventive.billing.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Reads one line of a line-based wire protocol (HTTP/1.1 heads, SMTP commands) byte by byte, so
 * nothing past the line is consumed: the caller reads whatever follows (a body) from the same stream.
 */
public final class WireLines {

    private WireLines() {
    }

    /**
     * The next line without its CRLF (or bare LF). At the end of the stream: null, or with
     * {@code keepUnterminated} the unterminated rest when there is one.
     */
    public static String read(InputStream in, Charset charset, boolean keepUnterminated) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, charset);
            }
            line.write(b);
        }
        return keepUnterminated && line.size() > 0 ? line.toString(charset) : null;
    }
}
