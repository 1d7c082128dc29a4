package com.adventive.billing.invoice.control;

import com.itextpdf.kernel.pdf.PdfDate;
import com.itextpdf.kernel.pdf.PdfDictionary;
import com.itextpdf.kernel.pdf.PdfName;
import com.itextpdf.kernel.pdf.PdfObject;
import com.itextpdf.kernel.pdf.PdfString;
import com.itextpdf.kernel.pdf.PdfWriter;
import com.itextpdf.kernel.pdf.WriterProperties;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.Map;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PdfWriter whose output depends only on the document, so the same invoice gives the same bytes
 * (and sha256) on every render, on every machine with the same JDK and library versions.
 *
 * <p>iText stamps the wall clock into the document information dictionary (CreationDate,
 * ModDate) and an annotation's modification date (M); this writer replaces each with the date the
 * document is about (the invoice's finalization), as those dictionaries are written.
 *
 * <p>iText names every embedded font subset with six random letters ("QWERTY+NotoSans-Regular",
 * from a SecureRandom). This writer replaces each random tag, as the font dictionaries are written,
 * with six letters derived from a seed (the invoice id), the font name and the order in which
 * subsets appear. The PDF rule that different subsets in one file carry different tags still
 * holds: the order number keeps them apart.
 */
final class DeterministicPdfWriter extends PdfWriter {

    private static final Pattern SUBSET_TAG = Pattern.compile("^([A-Z]{6})\\+(.+)$");

    private final String seed;
    private final long documentEpochSecond;
    private final Map<String, String> tagByRandomTag = new HashMap<>();

    DeterministicPdfWriter(OutputStream out, WriterProperties properties, String seed, long documentEpochSecond) {
        super(out, properties);
        this.seed = seed;
        this.documentEpochSecond = documentEpochSecond;
    }

    @Override
    protected void flushObject(PdfObject object, boolean canBeInObjStm) {
        if (object instanceof PdfDictionary dictionary) {
            replaceSubsetTag(dictionary, PdfName.BaseFont);
            replaceSubsetTag(dictionary, PdfName.FontName);
            replaceDate(dictionary, PdfName.CreationDate);
            replaceDate(dictionary, PdfName.ModDate);
            replaceDate(dictionary, PdfName.M);
        }
        super.flushObject(object, canBeInObjStm);
    }

    private void replaceDate(PdfDictionary dictionary, PdfName key) {
        if (dictionary.get(key) instanceof PdfString) {
            dictionary.put(key, documentDate());
        }
    }

    private PdfString documentDate() {
        Calendar when = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        when.setTimeInMillis(documentEpochSecond * 1000L);
        return new PdfDate(when).getPdfObject();
    }

    private void replaceSubsetTag(PdfDictionary dictionary, PdfName key) {
        PdfName name = dictionary.getAsName(key);
        if (name == null) {
            return;
        }
        Matcher matcher = SUBSET_TAG.matcher(name.getValue());
        if (!matcher.matches()) {
            return;
        }
        // the Type0 font, its CIDFont and its descriptor share one random tag: map it once, reuse it
        String tag = tagByRandomTag.computeIfAbsent(matcher.group(1),
                random -> stableTag(matcher.group(2), tagByRandomTag.size()));
        dictionary.put(key, new PdfName(tag + "+" + matcher.group(2)));
    }

    private String stableTag(String fontName, int ordinal) {
        byte[] digest = sha256(seed + "\n" + fontName + "\n" + ordinal);
        StringBuilder tag = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            tag.append((char) ('A' + Math.floorMod(digest[i], 26)));
        }
        return tag.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
